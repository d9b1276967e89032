package dev.taskruns.sync;

import dev.taskruns.support.Database;
import dev.taskruns.support.PostgresResource;
import dev.taskruns.support.SimulatorAdmin;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

/**
 * The whole path for Alibaba: the sync engine and the signed client against the Alibaba simulator of
 * the test build (source "asim"), compared with the simulator's ground truth through the public facade,
 * and both vendors answered together.
 */
@QuarkusTest
@WithTestResource(PostgresResource.class)
class AlibabaSyncEndToEndTest {

    private static final SimulatorAdmin SIMULATOR = new SimulatorAdmin("/simulator/alibaba");
    private static final String ADMIN = "/simulator/alibaba/admin";
    /** taskruns.alibaba.lag: the newest minute is read by the next cycle. */
    private static final long LAG_MILLIS = 60_000;

    @Inject
    SyncEngine engine;

    @Inject
    Database db;

    @BeforeEach
    void freshWorld() {
        db.clear();
        RestAssured.given().queryParam("seed", 11).queryParam("entities", 60).queryParam("tasks", 400)
                .post(ADMIN + "/reset").then().statusCode(200);
        SIMULATOR.faults(Map.of("rateLimitPerSecond", 0));
        // simulated time ahead of the wall clock, so the service's clock follows it exactly (see TestClock)
        SIMULATOR.advance(3600);
    }

    @AfterEach
    void unmovedClock() {
        RestAssured.post(ADMIN + "/reset").then().statusCode(200);
    }

    @Test
    void fullThenIncrementalSyncsMatchTheVendorAsStatusesMoveTasksArriveAndBlocksAreReleased() {
        syncOnce();
        assertMatchesGroundTruth();

        int[] secondsAhead = {30 * 60, 86_400, 20 * 60};
        for (int seconds : secondsAhead) {
            SIMULATOR.advance(seconds);
            long before = SIMULATOR.calls();
            syncOnce();
            assertMatchesGroundTruth();
            System.out.printf("Alibaba cycle after %d s of vendor time: %d API calls%n", seconds, SIMULATOR.calls() - before);
        }
        // a quiet cycle: two windows and the listing of tasks still handling, if any
        SIMULATOR.advance(60);
        long before = SIMULATOR.calls();
        syncOnce();
        assertThat(SIMULATOR.calls() - before).isLessThanOrEqualTo(6);
    }

    @Test
    void throttlingAsHttp400ServerErrorsAndTasksArrivingWhilePagingLoseNothing() {
        // three failed attempts in a row, the fourth and last one succeeds
        SIMULATOR.faults(Map.of("arrivals", 2, "serverError", Map.of("next", 1), "throttle", Map.of("next", 2)));
        syncOnce();
        assertMatchesGroundTruth();
        RestAssured.get("/api/v1/sources").then().log().ifValidationFails()
                .body("find { it.id == 'asim' }.state", equalTo("IDLE"))
                .body("find { it.id == 'asim' }.lastError", org.hamcrest.Matchers.nullValue());
        JsonPath calls = RestAssured.get(ADMIN + "/calls").then().extract().jsonPath();
        assertThat(calls.getInt("byOutcome.'Throttling.User'")).isEqualTo(2);

        // what arrived during the last cycle is read by the next
        SIMULATOR.faults(Map.of("arrivals", 0));
        SIMULATOR.advance(600);
        syncOnce();
        assertMatchesGroundTruth();
    }

    @Test
    void aWrongSecretGivesAClearLastErrorWithoutTheSecret() {
        EndToEnd.syncOnce(engine, "abad");

        RestAssured.get("/api/v1/sources").then()
                .body("find { it.id == 'abad' }.state", equalTo("BACKING_OFF"))
                .body("find { it.id == 'abad' }.lastError", containsString("SignatureDoesNotMatch"))
                .body("find { it.id == 'abad' }.lastError", containsString("request-id"))
                .body("find { it.id == 'abad' }.lastError", not(containsString("not-the-secret")));
        assertThat(db.single("SELECT count(*) FROM run WHERE source_id = 'abad'")).isEqualTo(0L);
    }

    @Test
    void theFacadeAnswersForBothVendorsAtOnce() {
        RestAssured.given().queryParam("seed", 7).queryParam("devices", 30).queryParam("tasks", 15)
                .post("/simulator/eset/admin/reset").then().statusCode(200);
        EndToEnd.syncOnce(engine, "esim");
        syncOnce();

        List<Map<String, Object>> lastRuns = EndToEnd.allPages("/api/v1/last-runs", Map.of());
        Set<String> keys = new HashSet<>();
        lastRuns.forEach(r -> assertThat(keys.add(r.get("source") + "/" + r.get("deviceId"))).as("listed once").isTrue());
        assertThat(lastRuns).extracting(r -> r.get("vendor")).contains("ESET", "ALIBABA");

        Map<String, String> expectedLast = expectedLastRuns(expected(groundTruth()));
        List<Map<String, Object>> alibaba = EndToEnd.allPages("/api/v1/last-runs", Map.of("vendor", "ALIBABA"));
        assertThat(alibaba).allSatisfy(r -> assertThat(r.get("vendor")).isEqualTo("ALIBABA"));
        assertThat(alibaba).hasSize(expectedLast.size());
        assertThat(EndToEnd.allPages("/api/v1/runs", Map.of("vendor", "ESET")))
                .isNotEmpty().allSatisfy(r -> assertThat(r.get("vendor")).isEqualTo("ESET"));

        String device = expectedLast.keySet().iterator().next();
        RestAssured.given().get("/api/v1/devices/{id}/last-run", device).then().statusCode(200)
                .body("vendor", equalTo("ALIBABA"))
                .body("runId", equalTo(expectedLast.get(device)));
    }

    private void syncOnce() {
        EndToEnd.syncOnce(engine, "asim");
    }

    /**
     * A task as the service should have stored it. One released in the newest minute may not be seen
     * as released yet (the next cycle's removal window has it): then only where and when it ran must match.
     */
    private record Expected(String deviceId, String vendorStatus, Long endedAt, long startedAt, boolean releasePending) {
        boolean matches(Expected stored) {
            return stored != null && (releasePending
                    ? deviceId.equals(stored.deviceId()) && startedAt == stored.startedAt()
                    : this.equals(stored));
        }
    }

    /** Every task the last cycle could see (not the newest minute) stored once, as the vendor has it now. */
    private void assertMatchesGroundTruth() {
        Map<String, Expected> expected = expected(groundTruth());
        List<Map<String, Object>> stored = EndToEnd.allPages("/api/v1/runs", Map.of("source", "asim"));
        Map<String, Expected> actual = new TreeMap<>();
        for (Map<String, Object> run : stored) {
            Object ended = run.get("endedAt");
            actual.put((String) run.get("runId"), new Expected((String) run.get("deviceId"), (String) run.get("vendorStatus"),
                    ended == null ? null : Instant.parse((String) ended).toEpochMilli(),
                    Instant.parse((String) run.get("startedAt")).toEpochMilli(), false));
        }
        assertThat(stored).as("no task stored twice").hasSize(actual.size());
        Set<String> ids = new HashSet<>(expected.keySet());
        ids.addAll(actual.keySet());
        assertThat(ids.stream().filter(id -> expected.get(id) == null || !expected.get(id).matches(actual.get(id)))
                .map(id -> id + ": " + expected.get(id) + " -> " + actual.get(id)))
                .as("stored tasks that differ from the vendor's").isEmpty();

        Map<String, String> actualLast = new TreeMap<>();
        EndToEnd.allPages("/api/v1/last-runs", Map.of("source", "asim"))
                .forEach(r -> assertThat(actualLast.put((String) r.get("deviceId"), (String) r.get("runId")))
                        .as("device listed once").isNull());
        assertThat(differences(expectedLastRuns(expected), actualLast)).as("devices whose last run is wrong").isEmpty();
        // the feed, replayed, ends where /last-runs is; it also keeps devices whose only run moved to
        // another device id (they leave /last-runs, and the feed has no change type for that)
        assertThat(EndToEnd.feedFolded("asim")).containsAllEntriesOf(EndToEnd.lastRunsWithStatus("asim"));
    }

    /** Only what differs, by key: "expected -> actual" (null where missing). */
    private static Map<String, String> differences(Map<String, String> expected, Map<String, String> actual) {
        Map<String, String> differences = new TreeMap<>();
        Set<String> keys = new HashSet<>(expected.keySet());
        keys.addAll(actual.keySet());
        keys.stream().filter(k -> !java.util.Objects.equals(expected.get(k), actual.get(k)))
                .forEach(k -> differences.put(k, expected.get(k) + " -> " + actual.get(k)));
        return differences;
    }

    private static JsonPath groundTruth() {
        return SIMULATOR.groundTruth();
    }

    /** The contract's mapping applied to the simulator's own records. */
    private static Map<String, Expected> expected(JsonPath truth) {
        long readUpTo = truth.getLong("nowMillis") - LAG_MILLIS;
        Map<String, Expected> expected = new TreeMap<>();
        for (Map<String, Object> task : truth.<Map<String, Object>>getList("tasks")) {
            long startedAt = millis(task.get("ProcessTime") != null ? task.get("ProcessTime") : task.get("GmtCreateMillis"));
            if (startedAt > readUpTo) {
                continue; // the newest minute is the next cycle's
            }
            String uuid = task.get("EntityUuid") == null ? "" : ((String) task.get("EntityUuid")).strip();
            String device = uuid.isEmpty() ? task.get("EntityType") + ":" + ((String) task.get("EntityName")).strip() : uuid;
            Long removed = task.get("RemoveTime") == null ? null : millis(task.get("RemoveTime"));
            expected.put(String.valueOf(task.get("TaskId")), new Expected(device, String.valueOf(task.get("TaskStatus")),
                    removed, startedAt, removed != null && removed > readUpTo));
        }
        return expected;
    }

    /** Each device's task with the greatest start, ties broken by the greater TaskId. */
    private static Map<String, String> expectedLastRuns(Map<String, Expected> expected) {
        Map<String, String> last = new TreeMap<>();
        expected.entrySet().stream()
                .collect(Collectors.groupingBy(e -> e.getValue().deviceId()))
                .forEach((device, tasks) -> last.put(device, tasks.stream()
                        .max(Comparator.<Map.Entry<String, Expected>>comparingLong(e -> e.getValue().startedAt())
                                .thenComparing(Map.Entry::getKey))
                        .orElseThrow().getKey()));
        return last;
    }

    private static long millis(Object value) {
        return ((Number) value).longValue();
    }
}
