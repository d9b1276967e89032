package dev.taskruns.api;

import dev.taskruns.support.PostgresResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.taskruns.api.FacadeFixture.T0;
import static dev.taskruns.api.FacadeFixture.extra;
import static dev.taskruns.api.FacadeFixture.get;
import static dev.taskruns.api.FacadeFixture.ids;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

@QuarkusTest
@WithTestResource(PostgresResource.class)
class RunsApiTest extends FacadeFixture.Loaded {

    @Test
    void allRunsNewestFirstTiesByGreaterRunId() {
        assertThat(ids(get("/api/v1/runs", Map.of()).statusCode(200)))
                .containsExactly("beta/b1", "alpha/r2", "alpha/r3", "gamma/g1", "alpha/r5", "alpha/r4", "alpha/r1");
    }

    @Test
    void filtersCombine() {
        assertThat(ids(get("/api/v1/runs", Map.of("status", "FAILED")))).containsExactly("alpha/r2", "gamma/g1", "alpha/r5");
        assertThat(ids(get("/api/v1/runs", Map.of("taskId", "task-1", "source", "alpha"))))
                .containsExactly("alpha/r3", "alpha/r5", "alpha/r4", "alpha/r1");
        assertThat(ids(get("/api/v1/runs", Map.of("vendor", "ALIBABA")))).containsExactly("gamma/g1");
        assertThat(ids(get("/api/v1/runs", Map.of("deviceId", List.of("d2", "ip:10.0.0.1")))))
                .containsExactly("alpha/r3", "gamma/g1");
        assertThat(ids(get("/api/v1/runs", Map.of("startedAfter", "2026-11-01T08:00:10Z",
                "startedBefore", "2026-11-01T08:01:00Z")))).containsExactly("alpha/r3", "gamma/g1");
    }

    @Test
    void walkingAllPagesWhileRunsAreInsertedYieldsEveryRunOnce() {
        // newer than the cursor (not part of this walk) and older than it (reached later)
        List<String> seen = walkInPagesOfTwo(() -> store.write(List.of(
                extra("alpha", "x1", "d7", T0.plusSeconds(3600)), extra("alpha", "x0", "d7", T0.minusSeconds(1)))));
        assertThat(seen).containsExactly("beta/b1", "alpha/r2", "alpha/r3", "gamma/g1", "alpha/r5", "alpha/r4",
                "alpha/r1", "alpha/x0");
    }

    /**
     * The documented limit of a walk: the cursor holds (startedAt, runId, source), and a vendor can
     * change a run's startedAt (Alibaba: ProcessTime arriving after GmtCreate). A run moved into the
     * part already walked is not met again; one moved from there into the part ahead is met twice.
     * Every run whose startedAt holds still is met exactly once.
     */
    @Test
    void aRunWhoseStartedAtChangesDuringAWalkMovesWithItEveryOtherRunIsMetOnce() {
        // after the first page (b1, r2): the oldest run becomes the newest, the newest the oldest
        List<String> seen = walkInPagesOfTwo(() -> store.write(List.of(
                extra("alpha", "r1", "d1", T0.plusSeconds(3600)), extra("beta", "b1", "d1", T0.minusSeconds(60)))));
        assertThat(seen).containsExactly("beta/b1", "alpha/r2", "alpha/r3", "gamma/g1", "alpha/r5", "alpha/r4", "beta/b1");
    }

    /** Every run id met walking /runs two at a time, with {@code afterFirstPage} done between the first two pages. */
    private static List<String> walkInPagesOfTwo(Runnable afterFirstPage) {
        Map<String, Object> query = new HashMap<>(Map.of("limit", 2));
        ValidatableResponse page = get("/api/v1/runs", query);
        List<String> seen = new ArrayList<>(ids(page));
        afterFirstPage.run();
        String cursor;
        while ((cursor = page.extract().path("nextCursor")) != null) {
            query.put("cursor", cursor);
            page = get("/api/v1/runs", query).statusCode(200);
            seen.addAll(ids(page));
        }
        return seen;
    }

    @Test
    void aTieOnStartedAtIsSplitAcrossPagesWithoutLoss() {
        ValidatableResponse first = get("/api/v1/runs", Map.of("source", "alpha", "startedBefore", "2026-11-01T08:00:01Z", "limit", 1));
        assertThat(ids(first)).containsExactly("alpha/r5");
        String cursor = first.extract().path("nextCursor");
        ValidatableResponse second = get("/api/v1/runs", Map.of("source", "alpha", "startedBefore", "2026-11-01T08:00:01Z",
                "limit", 5, "cursor", cursor));
        assertThat(ids(second)).containsExactly("alpha/r4", "alpha/r1");
    }

    @Test
    void aDevicesHistorySpansSourcesNewestFirst() {
        assertThat(ids(get("/api/v1/devices/d1/runs", Map.of()))).containsExactly("beta/b1", "alpha/r2", "alpha/r1");
        assertThat(ids(get("/api/v1/devices/d1/runs", Map.of("source", "alpha")))).containsExactly("alpha/r2", "alpha/r1");
        assertThat(ids(get("/api/v1/devices/unknown/runs", Map.of()).statusCode(200))).isEmpty();

        ValidatableResponse first = get("/api/v1/devices/d1/runs", Map.of("limit", 2));
        String cursor = first.extract().path("nextCursor");
        assertThat(ids(get("/api/v1/devices/d1/runs", Map.of("limit", 2, "cursor", cursor)))).containsExactly("alpha/r1");
    }

    @Test
    void aDevicesLastRunIsTakenAcrossSourcesUnlessOneIsNamed() {
        get("/api/v1/devices/d1/last-run", Map.of()).statusCode(200)
                .body("source", equalTo("beta")).body("runId", equalTo("b1"));
        get("/api/v1/devices/d1/last-run", Map.of("source", "alpha")).statusCode(200).body("runId", equalTo("r2"));
        get("/api/v1/devices/d3/last-run", Map.of()).statusCode(200).body("runId", equalTo("r5"));
        get("/api/v1/devices/d1/last-run", Map.of("taskId", "task-1", "source", "alpha")).statusCode(200)
                .body("runId", equalTo("r1"));
        get("/api/v1/devices/ip:10.0.0.1/last-run", Map.of()).statusCode(200).body("vendor", equalTo("ALIBABA"));
    }

    @Test
    void aDeviceWithoutAMatchingLastRunIs404() {
        get("/api/v1/devices/nope/last-run", Map.of()).statusCode(404)
                .contentType("application/problem+json")
                .body("status", equalTo(404))
                .body("detail", org.hamcrest.Matchers.containsString("nope"));
        // status keeps the device only if its last run has it: d1's last alpha run failed
        get("/api/v1/devices/d1/last-run", Map.of("source", "alpha", "status", "SUCCEEDED")).statusCode(404);
    }
}
