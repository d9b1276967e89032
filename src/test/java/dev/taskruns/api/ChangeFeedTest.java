package dev.taskruns.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.taskruns.feed.ChangeFeed;
import dev.taskruns.store.ChangeRetention;
import dev.taskruns.store.RunFilter;
import dev.taskruns.store.RunStatus;
import dev.taskruns.store.RunStore;
import dev.taskruns.store.UnifiedRun;
import dev.taskruns.support.Database;
import dev.taskruns.support.PostgresResource;
import dev.taskruns.support.SseClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static dev.taskruns.support.Runs.run;
import static dev.taskruns.support.Runs.withStatus;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

/** The change feed (contract: "Change feed"): what counts as a change, paging, resuming, streaming. */
@QuarkusTest
@WithTestResource(PostgresResource.class)
class ChangeFeedTest {

    private static final Instant T0 = Instant.parse("2026-11-01T08:00:00Z");
    private static final Duration PATIENCE = Duration.ofSeconds(10);

    @Inject
    RunStore store;

    @Inject
    Database db;

    @Inject
    DataSource dataSource;

    @Inject
    ChangeRetention retention;

    @Inject
    ObjectMapper json;

    @Inject
    ChangeFeed feed;

    @BeforeEach
    void clear() {
        db.clear();
    }

    @Test
    void oneChangePerCommitThatAltersADevicesLastRun() {
        UnifiedRun older = run("alpha", "r1", "d1", T0, RunStatus.RUNNING);
        UnifiedRun newer = run("alpha", "r2", "d1", T0.plusSeconds(60), RunStatus.RUNNING);
        store.write(List.of(older, newer, run("beta", "b1", "d2", T0, RunStatus.FAILED)));
        // two runs of d1 in one commit: one change, with its last run
        assertThat(changes(Map.of())).containsExactly("alpha/d1/r2/RUNNING<null", "beta/d2/b1/FAILED<null");

        store.write(List.of(withStatus(newer, RunStatus.SUCCEEDED, T0.plusSeconds(90))));
        store.write(List.of(withStatus(older, RunStatus.FAILED, T0.plusSeconds(30)))); // not the last run: no change
        store.write(List.of(withStatus(newer, RunStatus.SUCCEEDED, T0.plusSeconds(90)))); // unchanged: no change
        store.write(List.of(run("beta", "b2", "d2", T0.plusSeconds(5), RunStatus.FAILED))); // a new last run, same status

        assertThat(changes(Map.of())).containsExactly("alpha/d1/r2/RUNNING<null", "beta/d2/b1/FAILED<null",
                "alpha/d1/r2/SUCCEEDED<RUNNING", "beta/d2/b2/FAILED<FAILED");
    }

    @Test
    void aChangeShowsTheRunAsItWasAtThatCommitWithTheFacadesFields() {
        UnifiedRun running = run("alpha", "r1", "d1", T0, RunStatus.RUNNING);
        store.write(List.of(running));
        store.write(List.of(withStatus(running, RunStatus.FAILED, T0.plusSeconds(9))));

        page(Map.of()).statusCode(200).contentType("application/json")
                .body("items[0].type", equalTo("last-run"))
                .body("items[0].previousStatus", equalTo(null))
                .body("items[0].run.status", equalTo("RUNNING"))
                .body("items[0].run.endedAt", equalTo(null))
                .body("items[1].previousStatus", equalTo("RUNNING"))
                .body("items[1].run.source", equalTo("alpha"))
                .body("items[1].run.vendor", equalTo("ESET"))
                .body("items[1].run.deviceId", equalTo("d1"))
                .body("items[1].run.deviceName", equalTo("Device d1"))
                .body("items[1].run.taskId", equalTo("task-1"))
                .body("items[1].run.taskName", equalTo("Task task-1"))
                .body("items[1].run.runId", equalTo("r1"))
                .body("items[1].run.status", equalTo("FAILED"))
                .body("items[1].run.vendorStatus", equalTo("TASK_RUN_STATUS_FAILED"))
                .body("items[1].run.startedAt", equalTo("2026-11-01T08:00:00.000Z"))
                .body("items[1].run.endedAt", equalTo("2026-11-01T08:00:09.000Z"));
    }

    @Test
    void pagesFollowNextCursorAndFiltersChooseChanges() {
        store.write(List.of(run("alpha", "r1", "d1", T0, RunStatus.RUNNING), run("alpha", "r2", "d2", T0, RunStatus.FAILED),
                run("beta", "b1", "d3", T0, RunStatus.FAILED), run("gamma", "g1", "d4", "task-9", T0, RunStatus.SUCCEEDED)));
        List<String> walked = new ArrayList<>();
        String cursor = null;
        for (int i = 0; i < 10; i++) {
            Map<String, String> query = cursor == null ? Map.of("limit", "1") : Map.of("limit", "1", "after", cursor);
            ValidatableResponse page = page(query).statusCode(200);
            List<String> items = page.extract().jsonPath().getList("items.run.runId");
            String next = page.extract().path("nextCursor");
            if (items.isEmpty()) {
                assertThat(next).isEqualTo(cursor); // caught up: the cursor stays where it was
                break;
            }
            walked.addAll(items);
            assertThat(next).isGreaterThan(cursor == null ? "" : cursor); // ids sort as text too
            cursor = next;
        }
        assertThat(walked).containsExactly("r1", "r2", "b1", "g1");
        // no Accept header (or */*): JSON pages, as for clients that cannot hold a stream
        RestAssured.get("/api/v1/changes").then().statusCode(200).contentType("application/json");

        assertThat(runIds(Map.of("status", "FAILED"))).containsExactly("r2", "b1");
        assertThat(runIds(Map.of("source", "beta"))).containsExactly("b1");
        assertThat(runIds(Map.of("vendor", "ALIBABA"))).containsExactly("g1");
        assertThat(runIds(Map.of("deviceId", "d2"))).containsExactly("r2");
        assertThat(runIds(Map.of("taskId", "task-9"))).containsExactly("g1");
        store.write(List.of(run("alpha", "r9", "d1", T0.plusSeconds(3600), RunStatus.RUNNING)));
        assertThat(runIds(Map.of("startedAfter", T0.plusSeconds(60).toString()))).containsExactly("r9");
        assertThat(runIds(Map.of("startedBefore", T0.plusSeconds(60).toString(), "source", "alpha"))).containsExactly("r1", "r2");
        // a page's nextCursor is also accepted as cursor=, the name the run endpoints use
        String first = page(Map.of("limit", "1")).extract().path("nextCursor");
        assertThat(runIds(Map.of("cursor", first))).containsExactly("r2", "b1", "g1", "r9");
    }

    @Test
    void sinceNowStartsAtThePresent() {
        store.write(List.of(run("alpha", "r1", "d1", T0, RunStatus.RUNNING)));
        String now = page(Map.of("since", "now")).statusCode(200).body("items.size()", equalTo(0))
                .extract().path("nextCursor");
        store.write(List.of(run("alpha", "r2", "d1", T0.plusSeconds(1), RunStatus.RUNNING)));
        assertThat(runIds(Map.of("after", now))).containsExactly("r2");
    }

    @Test
    void badParametersAreNamedAndAResumePointRetentionRemovedIsGone() {
        page(Map.of("after", "abc", "since", "later", "status", "DONE")).statusCode(400)
                .contentType("application/problem+json")
                .body("errors.parameter", hasItem("after"))
                .body("errors.parameter", hasItem("since"))
                .body("errors.parameter", hasItem("status"));
        page(Map.of("after", "1", "since", "now")).statusCode(400).body("errors[0].parameter", equalTo("since"));

        store.write(List.of(run("alpha", "r1", "d1", T0, RunStatus.RUNNING)));
        String first = page(Map.of()).extract().path("items[0].id");
        store.write(List.of(run("alpha", "r2", "d1", T0.plusSeconds(1), RunStatus.RUNNING)));
        retention.pruneChunk(Instant.now().plus(Duration.ofDays(1))); // everything is "old"

        page(Map.of("after", "0")).statusCode(410).contentType("application/problem+json")
                .body("type", equalTo("urn:taskruns:problem:change-feed-gone"));
        page(Map.of("after", first)).statusCode(410);
        // no resume point: from the oldest change kept (none now), and the stream of new ones goes on
        String cursor = page(Map.of()).statusCode(200).body("items.size()", equalTo(0)).extract().path("nextCursor");
        page(Map.of("after", cursor)).statusCode(200);
        page(Map.of("after", String.valueOf(Long.parseLong(cursor) + 1_000))).statusCode(410);
        // a stream that fell behind the retention ends instead of skipping; its client then gets the 410
        assertThatThrownBy(() -> feed.read(RunFilter.none(), 0, 10)).isInstanceOf(ChangeFeed.Gone.class);
        given().accept("text/event-stream").queryParam("after", "0").get("/api/v1/changes").then().statusCode(410)
                .contentType("application/problem+json");
    }

    @Test
    void aStreamSendsChangesAsTheyCommitHeartbeatsAndResumesWithLastEventId() throws Exception {
        store.write(List.of(run("alpha", "r1", "d1", T0, RunStatus.RUNNING)));
        String url = "http://localhost:" + RestAssured.port + "/api/v1/changes";
        String firstId;
        try (SseClient client = SseClient.open(url, null)) {
            assertThat(client.response().headers().firstValue("content-type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("text/event-stream"));
            SseClient.Event first = client.nextEvent(PATIENCE);
            assertThat(first.id()).isEqualTo(json.readTree(first.data()).get("id").asText());
            assertThat(json.readTree(first.data()).at("/run/runId").asText()).isEqualTo("r1");
            firstId = first.id();

            store.write(List.of(run("alpha", "r2", "d1", T0.plusSeconds(1), RunStatus.FAILED)));
            SseClient.Event second = client.nextEvent(PATIENCE);
            assertThat(json.readTree(second.data()).at("/run/runId").asText()).isEqualTo("r2");
            assertThat(json.readTree(second.data()).get("previousStatus").asText()).isEqualTo("RUNNING");

            // idle: comment lines (the test profile's heartbeat is 1 s)
            SseClient.Event idle = client.next(PATIENCE);
            assertThat(idle).isNotNull();
            assertThat(idle.isComment()).isTrue();
        }
        // an EventSource reconnects to the same URL with Last-Event-ID: the header wins over since=now
        try (SseClient client = SseClient.open(url + "?since=now", firstId)) {
            assertThat(json.readTree(client.nextEvent(PATIENCE).data()).at("/run/runId").asText()).isEqualTo("r2");
        }
        // since=now: before any change the stream already gives its start as the id to resume from
        String head = page(Map.of("since", "now")).extract().path("nextCursor");
        try (SseClient client = SseClient.open(url + "?since=now", null)) {
            assertThat(client.awaitLastEventId(PATIENCE)).isEqualTo(head);
        }
        // a filter that keeps none of a busy feed's changes: the stream still gets its heartbeats
        try (SseClient client = SseClient.open(url + "?since=now&status=SUCCEEDED", null)) {
            assertThat(client.next(PATIENCE).isComment()).isTrue(); // the opening block
            CompletableFuture<Void> busy = CompletableFuture.runAsync(() -> {
                for (int i = 0; i < 20; i++) { // a change every 200 ms for 4 s: the stream never idles at the feed's end
                    store.write(List.of(run("alpha", "busy" + i, "d9", T0.plusSeconds(10 + i), RunStatus.RUNNING)));
                    LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
                }
            });
            SseClient.Event heartbeat = client.next(Duration.ofMillis(2500));
            assertThat(busy).as("changes still arriving").isNotDone();
            assertThat(heartbeat).isNotNull();
            assertThat(heartbeat.isComment()).isTrue();
            busy.get(10, TimeUnit.SECONDS);
        }
        try (SseClient client = SseClient.open(url + "?status=FAILED&source=alpha", null)) {
            assertThat(json.readTree(client.nextEvent(PATIENCE).data()).at("/run/runId").asText()).isEqualTo("r2");
        }
    }

    /**
     * The feed's promise under concurrency: ids are taken in commit order, so a change committed
     * late can never get an id below one a reader has already passed. The first writer holds its
     * transaction open after writing its change; the second writer's change must wait for it.
     */
    @Test
    void aSlowTransactionCannotMakeAReaderSkipItsChange() throws Exception {
        try (Connection slow = dataSource.getConnection()) {
            slow.setAutoCommit(false);
            store.write(slow, List.of(run("alpha", "slow", "d1", T0, RunStatus.RUNNING)));
            CompletableFuture<Void> fast = CompletableFuture.runAsync(() ->
                    store.write(List.of(run("beta", "fast", "d2", T0, RunStatus.RUNNING))));
            Thread.sleep(500);
            assertThat(fast).isNotDone();
            assertThat(runIds(Map.of())).isEmpty(); // a reader now sees neither
            slow.commit();
            fast.get(10, TimeUnit.SECONDS);
        }
        assertThat(runIds(Map.of())).containsExactly("slow", "fast");
    }

    /**
     * A client that drops the stream at random points and resumes with the last id it saw, while two
     * sources commit concurrently, receives every change exactly once and in id order.
     */
    @Test
    void aClientDroppingAtRandomSeesEveryChangeOnceInOrder() throws Exception {
        Random random = new Random(42);
        CompletableFuture<Void> writers = CompletableFuture.allOf(
                CompletableFuture.runAsync(() -> writeChanges("alpha", 60, new Random(1))),
                CompletableFuture.runAsync(() -> writeChanges("beta", 60, new Random(2))));
        String url = "http://localhost:" + RestAssured.port + "/api/v1/changes";
        List<Long> seen = new ArrayList<>();
        String lastId = null;
        int reconnects = 0;
        while (true) {
            boolean quiet = false;
            try (SseClient client = SseClient.open(url, lastId)) {
                reconnects++;
                int take = 1 + random.nextInt(15);
                for (int i = 0; i < take; i++) {
                    SseClient.Event event = client.nextEvent(Duration.ofSeconds(3));
                    if (event == null) {
                        quiet = true;
                        break;
                    }
                    JsonNode change = json.readTree(event.data());
                    assertThat(change.get("id").asText()).isEqualTo(event.id());
                    seen.add(Long.parseLong(event.id()));
                    lastId = event.id();
                }
            }
            if (quiet && writers.isDone()) {
                break;
            }
        }
        writers.get();
        List<Long> stored = db.list("SELECT id FROM last_run_change ORDER BY id").stream()
                .map(id -> ((Number) id).longValue()).toList();
        assertThat(stored).hasSizeGreaterThan(100);
        assertThat(seen).isEqualTo(stored);
        assertThat(reconnects).isGreaterThan(10);
    }

    /** {@code commits} small commits, each moving a few of the source's 20 devices to a new run or status. */
    private void writeChanges(String source, int commits, Random random) {
        for (int commit = 0; commit < commits; commit++) {
            List<UnifiedRun> batch = new ArrayList<>();
            for (int i = 0; i < 1 + random.nextInt(4); i++) {
                String device = source + "-d" + random.nextInt(20);
                batch.add(run(source, source + "-c" + commit + "-" + i, device, T0.plusSeconds(commit),
                        RunStatus.values()[random.nextInt(4)]));
            }
            store.write(batch);
        }
    }

    private static ValidatableResponse page(Map<String, String> query) {
        return given().accept("application/json").queryParams(query).get("/api/v1/changes").then();
    }

    private static List<String> runIds(Map<String, String> query) {
        return page(query).statusCode(200).extract().jsonPath().getList("items.run.runId");
    }

    /** Each change as source/device/run/status&lt;previousStatus, in feed order. */
    private static List<String> changes(Map<String, String> query) {
        ValidatableResponse page = page(query).statusCode(200);
        List<Map<String, Object>> items = page.extract().jsonPath().getList("items");
        return items.stream().map(item -> {
            @SuppressWarnings("unchecked")
            Map<String, Object> run = (Map<String, Object>) item.get("run");
            return run.get("source") + "/" + run.get("deviceId") + "/" + run.get("runId") + "/" + run.get("status")
                    + "<" + item.get("previousStatus");
        }).toList();
    }
}
