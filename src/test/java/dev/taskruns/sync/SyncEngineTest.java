package dev.taskruns.sync;

import dev.taskruns.store.RunStatus;
import dev.taskruns.store.SourceEntity;
import dev.taskruns.store.SourceState;
import dev.taskruns.support.PostgresResource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.taskruns.support.Runs.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

@QuarkusTest
@WithTestResource(PostgresResource.class)
class SyncEngineTest extends ScriptedSourceTest {

    @Test
    void aCycleCommitsEachPageWithItsCheckpointAndRecordsSuccess() {
        connector.script((source, context) -> {
            context.commit(List.of(run("gamma", "t1", "ip:1", T0, RunStatus.SUCCEEDED)), Map.of("window", number(1)));
            context.commit(List.of(run("gamma", "t2", "ip:2", T0, RunStatus.FAILED)), Map.of("window", number(2)));
        });

        RestAssured.post("/api/v1/sources/gamma/sync").then().statusCode(202);
        awaitIdle();

        SourceEntity gamma = state();
        assertThat(gamma.state).isEqualTo(SourceState.IDLE);
        assertThat(gamma.lastSyncStartedAt).isNotNull();
        assertThat(gamma.lastSyncSucceededAt).isAfterOrEqualTo(gamma.lastSyncStartedAt);
        assertThat(gamma.lastError).isNull();
        assertThat(gamma.runsStored).isEqualTo(2);
        assertThat(gamma.nextSyncAt).isEqualTo(gamma.lastSyncStartedAt.plus(Duration.ofSeconds(60)));
        assertThat(db.single("SELECT value::text FROM sync_checkpoint WHERE source_id = 'gamma' AND scope = 'window'"))
                .isEqualTo("2");
        RestAssured.get("/api/v1/sources").then()
                .body("find { it.id == 'gamma' }.runsStored", equalTo(2))
                .body("find { it.id == 'gamma' }.state", equalTo("IDLE"));
    }

    @Test
    void aFailedCycleKeepsTheCommittedPagesAndTheNextResumesFromTheirCheckpoint() {
        connector.script((source, context) -> {
            context.commit(List.of(run("gamma", "t1", "ip:1", T0, RunStatus.SUCCEEDED)), Map.of("window", number(1)));
            throw new IllegalStateException("vendor answered 503 three times");
        });
        assertThat(engine.trigger("gamma")).isEqualTo(SyncEngine.Start.STARTED);
        awaitIdle();

        SourceEntity failed = state();
        assertThat(failed.state).isEqualTo(SourceState.BACKING_OFF);
        assertThat(failed.lastError).contains("vendor answered 503");
        assertThat(failed.runsStored).isEqualTo(1);
        assertThat(failed.nextSyncAt).isAfter(failed.lastErrorAt);

        Map<String, Object> resumedFrom = new HashMap<>();
        connector.script((source, context) -> resumedFrom.put("window", context.checkpoint("window").orElseThrow().asInt()));
        engine.trigger("gamma");
        awaitIdle();

        assertThat(resumedFrom).containsEntry("window", 1);
        SourceEntity recovered = state();
        assertThat(recovered.state).isEqualTo(SourceState.IDLE);
        assertThat(recovered.lastError).isNull();
        assertThat(recovered.consecutiveFailures).isZero();
    }

    @Test
    void repeatedFailuresTurnBackingOffIntoFailingWithGrowingDelays() {
        connector.script((source, context) -> {
            throw new IllegalStateException("token endpoint refused the credentials");
        });
        for (int i = 0; i < 3; i++) {
            engine.trigger("gamma");
            awaitIdle();
        }
        SourceEntity gamma = state();
        assertThat(gamma.state).isEqualTo(SourceState.FAILING);
        assertThat(gamma.consecutiveFailures).isEqualTo(3);
        assertThat(Duration.between(gamma.lastErrorAt, gamma.nextSyncAt)).isEqualTo(Duration.ofMinutes(8));
        assertThat(engine.backoff(Duration.ofSeconds(60), 10)).isEqualTo(Duration.ofMinutes(30));
    }

    @Test
    void aSecondStartWhileOneRunsIsRefused() throws InterruptedException {
        ScriptedConnector.Gate gate = connector.hold((source, context) -> { });
        RestAssured.post("/api/v1/sources/gamma/sync").then().statusCode(202);
        assertThat(gate.entered()).isTrue();

        RestAssured.post("/api/v1/sources/gamma/sync").then().statusCode(409)
                .contentType("application/problem+json").body("detail", containsString("already running"));
        assertThat(state().state).isEqualTo(SourceState.SYNCING);
        gate.open();
    }

    @Test
    void aCycleWhoseLockSessionDiedStopsBeforeWritingAnotherPage() throws InterruptedException {
        ScriptedConnector.Gate gate = connector.hold((source, context) ->
                context.commit(List.of(run("gamma", "late", "ip:9", T0, RunStatus.SUCCEEDED)), Map.of()));
        engine.trigger("gamma");
        assertThat(gate.entered()).isTrue();
        // the database drops the session holding the lock (network cut, failover, admin)
        db.single("SELECT count(pg_terminate_backend(pid)) FROM pg_locks WHERE locktype = 'advisory'");
        gate.open();
        awaitIdle();

        assertThat(db.single("SELECT count(*) FROM run WHERE run_id = 'late'")).isEqualTo(0L);
        assertThat(state().state).isEqualTo(SourceState.BACKING_OFF);
        assertThat(state().lastError).contains("lock").contains("lost");
    }

    @Test
    void anotherReplicaHoldingTheSourceLockMeansNoSecondPull() throws Exception {
        try (SourceLock.Held otherReplica = lock.tryAcquire("gamma").orElseThrow()) {
            assertThat(engine.trigger("gamma")).isEqualTo(SyncEngine.Start.ALREADY_RUNNING);
            engine.tick();
            assertThat(engine.isRunning("gamma")).isFalse();
        }
        assertThat(state().lastSyncStartedAt).isNull();
    }

    @Test
    void theTickStartsDueSourcesOnlyOncePerPollInterval() {
        engine.tick();
        assertThat(engine.isRunning("esim")).as("not due").isFalse();
        awaitIdle();
        Instant first = state().lastSyncStartedAt;
        assertThat(first).isNotNull();

        engine.tick();
        awaitIdle();
        assertThat(state().lastSyncStartedAt).as("not due again before the poll interval").isEqualTo(first);
    }

    @Test
    void aBadVendorRecordIsSkippedAndShownWhileTheRestIsStored() {
        connector.script((source, context) -> {
            context.badRecord("ProcessTask 42 has no TaskId", new IllegalArgumentException("TaskId missing"));
            context.commit(List.of(run("gamma", "t1", "ip:1", T0, RunStatus.SUCCEEDED)), Map.of());
        });
        engine.trigger("gamma");
        awaitIdle();

        SourceEntity gamma = state();
        assertThat(gamma.state).isEqualTo(SourceState.IDLE);
        assertThat(gamma.runsStored).isEqualTo(1);
        assertThat(gamma.lastError).contains("1 vendor record(s) skipped").contains("ProcessTask 42 has no TaskId");
    }

    /** Whatever a connector reports, the last error can be stored: PostgreSQL text refuses NUL. */
    @Test
    void aLastErrorWithANulOrAMegabyteIsStoredCleanAndBounded() {
        connector.script((source, context) -> {
            throw new IllegalStateException("vendor said \u0000" + "x".repeat(1_000_000));
        });
        engine.trigger("gamma");
        awaitIdle();

        SourceEntity gamma = state();
        assertThat(gamma.state).isEqualTo(SourceState.BACKING_OFF);
        assertThat(gamma.lastError).startsWith("vendor said \uFFFD").hasSizeLessThanOrEqualTo(1001);
    }

    @Test
    void unknownDisabledAndUnsupportedSourcesAreExplained() {
        RestAssured.post("/api/v1/sources/nosuch/sync").then().statusCode(404).contentType("application/problem+json");
        RestAssured.post("/api/v1/sources/alpha/sync").then().statusCode(409)
                .body("detail", containsString("disabled"));
    }
}
