package dev.taskruns.sync;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.taskruns.store.RunStatus;
import dev.taskruns.store.SourceEntity;
import dev.taskruns.store.SourceState;
import dev.taskruns.support.Database;
import dev.taskruns.support.PostgresResource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.taskruns.support.Runs.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

@QuarkusTest
@WithTestResource(PostgresResource.class)
class SyncEngineTest {

    private static final Instant T0 = Instant.parse("2026-11-01T08:00:00Z");

    @Inject
    SyncEngine engine;

    @Inject
    ScriptedConnector connector;

    @Inject
    SourceLock lock;

    @Inject
    Database db;

    @BeforeEach
    void clear() {
        db.clear();
        // only gamma (the scripted connector) is due: a tick must not start the simulator-backed esim
        QuarkusTransaction.requiringNew().run(() ->
                SourceEntity.update("nextSyncAt = ?1 where id <> 'gamma'", Instant.parse("9999-01-01T00:00:00Z")));
    }

    @AfterEach
    void idle() {
        connector.script((source, context) -> { });
        awaitIdle();
    }

    @Test
    void aCycleCommitsEachPageWithItsCheckpointAndRecordsSuccess() {
        connector.script((source, context) -> {
            context.commit(List.of(run("gamma", "t1", "ip:1", T0, RunStatus.SUCCEEDED)), Map.of("window", number(1)));
            context.commit(List.of(run("gamma", "t2", "ip:2", T0, RunStatus.FAILED)), Map.of("window", number(2)));
        });

        RestAssured.post("/api/v1/sources/gamma/sync").then().statusCode(202);
        awaitIdle();

        SourceEntity gamma = source();
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

        SourceEntity failed = source();
        assertThat(failed.state).isEqualTo(SourceState.BACKING_OFF);
        assertThat(failed.lastError).contains("vendor answered 503");
        assertThat(failed.runsStored).isEqualTo(1);
        assertThat(failed.nextSyncAt).isAfter(failed.lastErrorAt);

        Map<String, Object> resumedFrom = new HashMap<>();
        connector.script((source, context) -> resumedFrom.put("window", context.checkpoint("window").orElseThrow().asInt()));
        engine.trigger("gamma");
        awaitIdle();

        assertThat(resumedFrom).containsEntry("window", 1);
        SourceEntity recovered = source();
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
        SourceEntity gamma = source();
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
        assertThat(source().state).isEqualTo(SourceState.SYNCING);
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
        assertThat(source().state).isEqualTo(SourceState.BACKING_OFF);
        assertThat(source().lastError).contains("lock").contains("lost");
    }

    @Test
    void anotherReplicaHoldingTheSourceLockMeansNoSecondPull() throws Exception {
        try (SourceLock.Held otherReplica = lock.tryAcquire("gamma").orElseThrow()) {
            assertThat(engine.trigger("gamma")).isEqualTo(SyncEngine.Start.ALREADY_RUNNING);
            engine.tick();
            assertThat(engine.isRunning("gamma")).isFalse();
        }
        assertThat(source().lastSyncStartedAt).isNull();
    }

    @Test
    void theTickStartsDueSourcesOnlyOncePerPollInterval() {
        engine.tick();
        assertThat(engine.isRunning("esim")).as("not due").isFalse();
        awaitIdle();
        Instant first = source().lastSyncStartedAt;
        assertThat(first).isNotNull();

        engine.tick();
        awaitIdle();
        assertThat(source().lastSyncStartedAt).as("not due again before the poll interval").isEqualTo(first);
    }

    @Test
    void aBadVendorRecordIsSkippedAndShownWhileTheRestIsStored() {
        connector.script((source, context) -> {
            context.badRecord("ProcessTask 42 has no TaskId", new IllegalArgumentException("TaskId missing"));
            context.commit(List.of(run("gamma", "t1", "ip:1", T0, RunStatus.SUCCEEDED)), Map.of());
        });
        engine.trigger("gamma");
        awaitIdle();

        SourceEntity gamma = source();
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

        SourceEntity gamma = source();
        assertThat(gamma.state).isEqualTo(SourceState.BACKING_OFF);
        assertThat(gamma.lastError).startsWith("vendor said \uFFFD").hasSizeLessThanOrEqualTo(1001);
    }

    @Test
    void unknownDisabledAndUnsupportedSourcesAreExplained() {
        RestAssured.post("/api/v1/sources/nosuch/sync").then().statusCode(404).contentType("application/problem+json");
        RestAssured.post("/api/v1/sources/alpha/sync").then().statusCode(409)
                .body("detail", containsString("disabled"));
    }

    private void awaitIdle() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (engine.isRunning("gamma") && System.nanoTime() < deadline) {
            sleep();
        }
        assertThat(engine.isRunning("gamma")).as("cycle finished").isFalse();
    }

    private static void sleep() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static SourceEntity source() {
        return QuarkusTransaction.requiringNew().call(() -> SourceEntity.<SourceEntity>findById("gamma"));
    }

    private static com.fasterxml.jackson.databind.JsonNode number(int value) {
        return JsonNodeFactory.instance.numberNode(value);
    }
}
