package dev.taskruns.sync;

import dev.taskruns.support.Database;
import dev.taskruns.support.PostgresResource;
import dev.taskruns.support.SimulatorAdmin;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole path: the sync engine and the ESET client against the ESET simulator of the test build,
 * compared with the simulator's ground truth through the public facade. Source "esim".
 */
@QuarkusTest
@WithTestResource(PostgresResource.class)
class EsetSyncEndToEndTest {

    private static final SimulatorAdmin SIMULATOR = new SimulatorAdmin("/simulator/eset");
    private static final String ADMIN = "/simulator/eset/admin";

    @Inject
    SyncEngine engine;

    @Inject
    Database db;

    @BeforeEach
    void freshWorld() {
        db.clear();
        SIMULATOR.faults(Map.of("serverError", off(), "throttle", off(), "timeout", off(), "deferred", off(), "slow", off()));
        RestAssured.given().queryParam("seed", 7).queryParam("devices", 40).queryParam("tasks", 25)
                .post(ADMIN + "/reset").then().statusCode(200);
    }

    @Test
    void aFullSyncStoresEveryRunOnceWithCurrentStatusAndTheRightLastRunPerDevice() {
        syncOnce();

        assertMatchesGroundTruth();
        RestAssured.get("/api/v1/sources").then()
                .body("find { it.id == 'esim' }.state", org.hamcrest.Matchers.equalTo("IDLE"))
                .body("find { it.id == 'esim' }.lastError", org.hamcrest.Matchers.nullValue());
        long stored = (Long) db.single("SELECT count(*) FROM run WHERE source_id = 'esim'");
        RestAssured.get("/api/v1/sources/esim/cycles").then().statusCode(200)
                .body("items.size()", org.hamcrest.Matchers.equalTo(1))
                .body("items[0].outcome", org.hamcrest.Matchers.equalTo("SUCCEEDED"))
                .body("items[0].runsWritten", org.hamcrest.Matchers.equalTo((int) stored))
                .body("items[0].error", org.hamcrest.Matchers.nullValue());
    }

    @Test
    void laterCyclesConvergeAsRunsChangeStatusAndNewRunsAppear() {
        syncOnce();
        for (int round = 0; round < 3; round++) {
            SIMULATOR.advance(1800);
            syncOnce();
            assertMatchesGroundTruth();
        }
    }

    @Test
    void throttlingServerErrorsDeferredAnswersAndTokenExpiryStillConverge() throws InterruptedException {
        SIMULATOR.faults(Map.of("throttle", Map.of("probability", 0.1), "serverError", Map.of("probability", 0.05),
                "deferred", Map.of("probability", 0.1), "slow", Map.of("probability", 0.2), "slowDelayMillis", 50));
        assertThat(engine.trigger("esim")).isEqualTo(SyncEngine.Start.STARTED);
        // mid-cycle, every token the client holds expires on the vendor side
        Thread.sleep(1500);
        SIMULATOR.advance(7200);
        awaitIdle();
        // whatever the faults cost this cycle, quiet cycles afterwards converge, nothing duplicated
        SIMULATOR.faults(Map.of("serverError", off(), "throttle", off(), "deferred", off(), "slow", off()));
        syncOnce();
        assertMatchesGroundTruth();
    }

    @Test
    void aCycleThatDiesBetweenPagesLosesNothingAndDuplicatesNothing() {
        // every server call fails after the first few: the cycle stops part-way through
        SIMULATOR.faults(Map.of("serverError", Map.of("probability", 0.6)));
        syncOnce();
        long storedAfterCrash = (Long) db.single("SELECT count(*) FROM run WHERE source_id = 'esim'");

        SIMULATOR.faults(Map.of("serverError", off()));
        syncOnce();
        syncOnce();

        assertMatchesGroundTruth();
        assertThat((Long) db.single("SELECT count(*) FROM run WHERE source_id = 'esim'")).isGreaterThanOrEqualTo(storedAfterCrash);
        // newest first: two clean cycles after the one that failed
        assertThat(RestAssured.get("/api/v1/sources/esim/cycles").then().statusCode(200).extract().jsonPath()
                .getList("items.outcome", String.class)).containsExactly("SUCCEEDED", "SUCCEEDED", "FAILED");
    }

    private void syncOnce() {
        EndToEnd.syncOnce(engine, "esim");
    }

    private void awaitIdle() {
        EndToEnd.awaitIdle(engine, "esim");
    }

    /** Every simulator run stored exactly once with its current status, and each device's last run right. */
    private void assertMatchesGroundTruth() {
        JsonPath truth = SIMULATOR.groundTruth();
        List<Map<String, String>> truthRuns = truth.getList("runs");
        List<Map<String, Object>> stored = EndToEnd.allPages("/api/v1/runs", Map.of("source", "esim"));

        Map<String, String> expectedStatus = truthRuns.stream()
                .collect(Collectors.toMap(r -> r.get("uuid"), r -> r.get("status")));
        Map<String, String> storedStatus = stored.stream()
                .collect(Collectors.toMap(r -> (String) r.get("runId"), r -> (String) r.get("vendorStatus")));
        assertThat(stored).as("no run stored twice").hasSize(storedStatus.size());
        assertThat(storedStatus).isEqualTo(expectedStatus);

        Map<String, String> expectedLast = new TreeMap<>();
        truthRuns.stream()
                .collect(Collectors.groupingBy(r -> r.get("deviceUuid")))
                .forEach((device, runs) -> expectedLast.put(device, runs.stream()
                        .max(Comparator.<Map<String, String>, Instant>comparing(r -> Instant.parse(r.get("startTime")))
                                .thenComparing(r -> r.get("uuid")))
                        .orElseThrow().get("uuid")));
        Map<String, String> actualLast = new TreeMap<>();
        EndToEnd.allPages("/api/v1/last-runs", Map.of("source", "esim"))
                .forEach(r -> actualLast.put((String) r.get("deviceId"), (String) r.get("runId")));
        assertThat(actualLast).isEqualTo(expectedLast);
        // every change of a device's last run reached the feed: replayed, it ends where /last-runs is
        assertThat(EndToEnd.feedFolded("esim")).isEqualTo(EndToEnd.lastRunsWithStatus("esim"));
    }

    private static Map<String, Object> off() {
        return Map.of("probability", 0.0, "next", 0);
    }
}
