package dev.taskruns.sync;

import dev.taskruns.store.RunStatus;
import dev.taskruns.store.SourceEntity;
import dev.taskruns.store.SourceRepository;
import dev.taskruns.store.SourceState;
import dev.taskruns.support.PostgresResource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static dev.taskruns.support.Runs.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Several replicas on one store: fencing of overtaken cycles, one writer per source, sources shared out. */
@QuarkusTest
@WithTestResource(PostgresResource.class)
class SyncReplicasTest extends ScriptedSourceTest {

    @Inject
    SourceRepository sources;

    @Inject
    PageWriter writer;

    @Inject
    Clock clock;

    @ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String jdbcUrl;

    @ConfigProperty(name = "quarkus.datasource.username")
    String user;

    @ConfigProperty(name = "quarkus.datasource.password")
    String password;

    @Test
    void aCycleOvertakenByALaterOneWritesNothingAndRecordsNothing() throws Exception {
        ScriptedConnector.Gate gate = connector.hold((source, context) -> {
            context.commit(List.of(run("gamma", "stale", "ip:9", T0, RunStatus.SUCCEEDED)), Map.of("window", number(7)));
            throw new IllegalStateException("never recorded");
        });
        engine.trigger("gamma");
        assertThat(gate.entered()).isTrue();
        // another replica starts a cycle of gamma meanwhile (as after this one's lock went unnoticed)
        long later = sources.markStarted("gamma", clock.instant());
        gate.open();
        awaitIdle();

        assertThat(db.single("SELECT count(*) FROM run WHERE source_id = 'gamma'")).isEqualTo(0L);
        assertThat(db.single("SELECT count(*) FROM sync_checkpoint WHERE source_id = 'gamma'")).isEqualTo(0L);
        SourceEntity gamma = state();
        assertThat(gamma.syncEpoch).isEqualTo(later);
        assertThat(gamma.state).as("the later cycle's state, not overwritten").isEqualTo(SourceState.SYNCING);
        assertThat(gamma.lastError).isNull();
        assertThat(gamma.consecutiveFailures).isZero();
    }

    @Test
    void anOvertakenCycleCannotRecordSuccessEither() throws Exception {
        ScriptedConnector.Gate gate = connector.hold((source, context) -> { });
        engine.trigger("gamma");
        assertThat(gate.entered()).isTrue();
        long later = sources.markStarted("gamma", clock.instant());
        gate.open();
        awaitIdle();

        SourceEntity gamma = state();
        assertThat(gamma.state).isEqualTo(SourceState.SYNCING);
        assertThat(gamma.lastSyncSucceededAt).isNull();
        assertThat(sources.markSucceeded("gamma", later, clock.instant(), clock.instant(), null)).isTrue();
    }

    /**
     * Each page recomputes its devices' last run from the run table; two page transactions of one
     * source interleaving could each see only their own run and leave the pointer on the older one.
     * The source row lock taken by the epoch check makes the second wait for the first.
     */
    @Test
    void pagesOfOneSourceAreWrittenOneAfterAnotherSoTheLastRunPointerIsRight() throws Exception {
        long epoch = sources.markStarted("gamma", clock.instant());
        CompletableFuture<Void> firstHeld = new CompletableFuture<>();
        CompletableFuture<Void> releaseFirst = new CompletableFuture<>();
        CompletableFuture<Void> first = CompletableFuture.runAsync(() -> QuarkusTransaction.requiringNew().run(() -> {
            writer.commit("gamma", epoch, List.of(run("gamma", "newer", "ip:1", T0.plusSeconds(60), RunStatus.FAILED)), Map.of());
            firstHeld.complete(null);
            releaseFirst.join();
        }));
        firstHeld.get(10, TimeUnit.SECONDS);
        CompletableFuture<Void> second = CompletableFuture.runAsync(() ->
                writer.commit("gamma", epoch, List.of(run("gamma", "older", "ip:1", T0, RunStatus.SUCCEEDED)), Map.of()));
        awaitLockWait();
        assertThat(second).as("waits for the page in flight").isNotDone();
        releaseFirst.complete(null);
        first.get(10, TimeUnit.SECONDS);
        second.get(10, TimeUnit.SECONDS);

        assertThat(db.single("SELECT r.run_id FROM device d JOIN run r ON r.id = d.last_run_id "
                + "WHERE d.source_id = 'gamma' AND d.device_id = 'ip:1'")).isEqualTo("newer");
    }

    @Test
    void aPageOfAnOldEpochIsRefused() {
        long old = sources.markStarted("gamma", clock.instant());
        sources.markStarted("gamma", clock.instant());
        assertThatThrownBy(() -> writer.commit("gamma", old, List.of(run("gamma", "x", "ip:1", T0, RunStatus.SUCCEEDED)), Map.of()))
                .isInstanceOf(Cycle.Superseded.class);
        assertThat(db.single("SELECT count(*) FROM run WHERE source_id = 'gamma'")).isEqualTo(0L);
    }

    @Test
    void aDueSourceWaitsForTheReplicaItIsSharedOutToThenAnyReplicaTakesIt() {
        // a live replica sorting after this one: of the four synced test sources (abad, asim, esim,
        // gamma) it gets the 2nd and 4th, so gamma is its share
        db.list("INSERT INTO sync_replica (id, expires_at) VALUES ('~other', now() + interval '1 minute') RETURNING id");
        setDue(clock.instant().minusSeconds(1));
        engine.tick();
        assertThat(engine.isRunning("gamma")).as("left to its replica for the takeover delay").isFalse();
        assertThat(state().lastSyncStartedAt).isNull();

        setDue(clock.instant().minusSeconds(6));
        engine.tick();
        awaitIdle();
        assertThat(state().lastSyncStartedAt).as("taken over once the delay passed").isNotNull();
    }

    @Test
    void aReplicaWhoseLeaseRanOutGetsNoShare() {
        db.list("INSERT INTO sync_replica (id, expires_at) VALUES ('~other', now() - interval '1 second') RETURNING id");
        setDue(clock.instant().minusSeconds(1));
        engine.tick();
        awaitIdle();
        assertThat(state().lastSyncStartedAt).isNotNull();
    }

    /** A replica frozen mid-cycle (SIGSTOP, a long pause, a partition TCP survives) keeps its session and lock. */
    @Test
    void aLockHeldByAReplicaWhoseLeaseRanOutIsEndedAndItsSourceTakenOver() throws Exception {
        try (Connection frozen = holdLock("taskruns-sync:frozen-1")) {
            setDue(clock.instant().minusSeconds(10));
            engine.tick();
            assertThat(frozen.isValid(2)).as("silent for less than two keep-alives: still taken for alive").isTrue();

            Thread.sleep(1_100); // two keep-alives of the test profile without a word from the holder
            engine.tick();
            awaitIdle();
            assertThat(frozen.isValid(2)).as("its session was ended").isFalse();
            assertThat(state().lastSyncStartedAt).as("taken over in the same tick").isNotNull();
        }
    }

    @Test
    void aLockHeldByALiveOrStoppingReplicaOrBySomethingElseIsLeftAlone() throws Exception {
        db.list("INSERT INTO sync_replica (id, expires_at, leaving) VALUES ('busy-1', now() + interval '1 minute', false), "
                + "('stopping-1', now() + interval '1 minute', true) RETURNING id");
        for (String holder : List.of("taskruns-sync:busy-1", "taskruns-sync:stopping-1", "psql")) {
            try (Connection other = holdLock(holder)) {
                setDue(clock.instant().minusSeconds(10));
                Thread.sleep(1_100);
                engine.tick();
                assertThat(other.isValid(2)).as(holder + " keeps its session").isTrue();
                assertThat(state().lastSyncStartedAt).isNull();
            }
        }
    }

    /** Until some session waits on a lock (the second page's, behind the first). */
    private void awaitLockWait() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline
                && (Long) db.single("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'") == 0) {
            Thread.sleep(20);
        }
        assertThat(db.single("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")).isEqualTo(1L);
    }

    /** A session of its own (not the pool's: it may be ended, and must not go back holding the lock). */
    private Connection holdLock(String applicationName) throws SQLException {
        Connection connection = DriverManager.getConnection(jdbcUrl, user, password);
        try (PreparedStatement name = connection.prepareStatement("SELECT set_config('application_name', ?, false)");
             PreparedStatement lock = connection.prepareStatement(
                     "SELECT pg_advisory_lock(hashtextextended('taskruns.sync:' || ?, 0))")) {
            name.setString(1, applicationName);
            name.execute();
            lock.setString(1, ID);
            lock.execute();
        }
        return connection;
    }

    @Test
    void sourcesAreDealtRoundTheReplicasInIdOrder() {
        List<String> sourceIds = IntStream.range(0, 10).mapToObj(i -> "s" + i).toList();
        List<String> replicaIds = List.of("a", "b", "c");
        Map<String, Long> shares = sourceIds.stream()
                .collect(Collectors.groupingBy(s -> Replicas.shareOf(s, sourceIds, replicaIds), Collectors.counting()));
        assertThat(shares).containsEntry("a", 4L).containsEntry("b", 3L).containsEntry("c", 3L);
        assertThat(Replicas.shareOf("s4", sourceIds, List.of("b", "c"))).isEqualTo("b");
    }

    @Test
    void theLockSessionIsKeptBusyWhileTheCycleWaits() throws Exception {
        try (SourceLock.Held held = lock.tryAcquire("gamma").orElseThrow()) {
            lock.keepAlive();
            assertThat(db.single("SELECT a.query FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                    + "WHERE l.locktype = 'advisory' AND l.granted")).isEqualTo("SELECT 1");
        }
        assertThat(db.single("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'")).isEqualTo(0L);
    }

    @Test
    void theLocksOfAllSourcesShareOneSessionAndEachIsHeldOnce() throws Exception {
        try (SourceLock.Held esim = lock.tryAcquire("esim").orElseThrow()) {
            try (SourceLock.Held gamma = lock.tryAcquire("gamma").orElseThrow()) {
                assertThat(lock.tryAcquire("gamma")).as("session locks are re-entrant: a second holder is kept out").isEmpty();
                assertThat(db.single("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted")).isEqualTo(2L);
                assertThat(db.single("SELECT count(DISTINCT pid) FROM pg_locks WHERE locktype = 'advisory'")).isEqualTo(1L);
                gamma.verify();
            }
            assertThat(db.single("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'")).as("gamma's released").isEqualTo(1L);
            esim.verify();
        }
        assertThat(db.single("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'")).isEqualTo(0L);
    }

    @Test
    void aLockSessionThatDiedLosesEveryLockOnItAndTheNextLockOpensAnother() throws Exception {
        SourceLock.Held lost = lock.tryAcquire("gamma").orElseThrow();
        db.single("SELECT count(pg_terminate_backend(pid, 5000)) FROM pg_locks WHERE locktype = 'advisory'");
        assertThatThrownBy(lost::verify).hasMessageContaining("lost");
        try (SourceLock.Held esim = lock.tryAcquire("esim").orElseThrow()) {
            esim.verify();
            assertThat(lock.tryAcquire("gamma")).as("not while the cycle that lost it still runs").isEmpty();
        }
        lost.close();
        try (SourceLock.Held gamma = lock.tryAcquire("gamma").orElseThrow()) {
            gamma.verify();
        }
        assertThat(db.single("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'")).isEqualTo(0L);
    }

    @Test
    void theLongestDueSourcesComeFirstAndNeverSyncedOnesBeforeAll() {
        Instant now = clock.instant();
        QuarkusTransaction.requiringNew().run(() -> {
            SourceEntity.update("nextSyncAt = ?1 where id = ?2", now.minusSeconds(1), "abad");
            SourceEntity.update("nextSyncAt = ?1 where id = ?2", now.minusSeconds(100), "esim");
            SourceEntity.update("nextSyncAt = null where id = ?1", "gamma");
        });
        assertThat(sources.due(now)).extracting(SourceRepository.Due::id).containsExactly("gamma", "esim", "abad");
    }

    @Test
    void aFullRereadForgetsTheCheckpointsEvenWhileACycleRunsAndKeepsTheRuns() throws Exception {
        connector.script((source, context) -> context.commit(
                List.of(run("gamma", "kept", "ip:1", T0, RunStatus.SUCCEEDED)), Map.of("window", number(1))));
        EndToEnd.syncOnce(engine, "gamma");
        ScriptedConnector.Gate gate = connector.hold((source, context) ->
                context.commit(List.of(), Map.of("window", number(2))));
        engine.trigger("gamma");
        assertThat(gate.entered()).isTrue();

        RestAssured.post("/api/v1/sources/gamma/reread").then().statusCode(202);
        gate.open();
        awaitIdle();

        assertThat(db.single("SELECT count(*) FROM sync_checkpoint WHERE source_id = 'gamma'"))
                .as("the running cycle could not write its checkpoint back").isEqualTo(0L);
        assertThat(db.single("SELECT count(*) FROM run WHERE source_id = 'gamma'")).isEqualTo(1L);
        assertThat(state().nextSyncAt).isBeforeOrEqualTo(clock.instant());
        Map<String, Object> seen = new HashMap<>();
        connector.script((source, context) -> seen.put("checkpoints", context.checkpoints().size()));
        EndToEnd.syncOnce(engine, "gamma");
        assertThat(seen).containsEntry("checkpoints", 0);

        RestAssured.post("/api/v1/sources/nosuch/reread").then().statusCode(404).contentType("application/problem+json");
    }

    private void setDue(Instant at) {
        QuarkusTransaction.requiringNew().run(() -> SourceEntity.update("nextSyncAt = ?1 where id = 'gamma'", at));
    }
}
