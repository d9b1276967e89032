package dev.taskruns.store;

import dev.taskruns.connector.RecordGuard;
import dev.taskruns.support.Database;
import dev.taskruns.support.PostgresResource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static dev.taskruns.support.Runs.onDevice;
import static dev.taskruns.support.Runs.run;
import static dev.taskruns.support.Runs.withStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@QuarkusTest
@WithTestResource(PostgresResource.class)
class RunStoreTest {

    private static final Instant T0 = Instant.parse("2026-11-01T08:00:00Z");

    @Inject
    RunStore store;

    @Inject
    Database db;

    @BeforeEach
    void clear() {
        db.clear();
    }

    @Test
    void writingTheSameBatchTwiceMakesNoNewRowsAndKeepsUpdatedAt() {
        List<UnifiedRun> batch = List.of(
                run("alpha", "r1", "d1", T0, RunStatus.RUNNING),
                run("alpha", "r2", "d1", T0.plusSeconds(60), RunStatus.SUCCEEDED),
                run("beta", "r1", "d2", T0, RunStatus.FAILED));

        assertThat(store.write(batch)).isEqualTo(new WriteResult(3, 0, 0));
        Instant updatedAt = RunEntityLookup.updatedAt("alpha", "r1");
        Object xmin = db.single("SELECT xmin::text FROM run WHERE source_id = 'alpha' AND run_id = 'r1'");

        assertThat(store.write(batch)).isEqualTo(new WriteResult(0, 0, 3));
        assertThat(db.single("SELECT count(*) FROM run")).isEqualTo(3L);
        assertThat(RunEntityLookup.updatedAt("alpha", "r1")).isEqualTo(updatedAt);
        // no new row version at all: the unchanged row was not even rewritten
        assertThat(db.single("SELECT xmin::text FROM run WHERE source_id = 'alpha' AND run_id = 'r1'")).isEqualTo(xmin);
        assertThat(db.single("SELECT runs_stored FROM source WHERE id = 'alpha'")).isEqualTo(2L);
        assertThat(db.single("SELECT runs_stored FROM source WHERE id = 'beta'")).isEqualTo(1L);
    }

    @Test
    void aChangedRunIsUpdatedWithANewUpdatedAtAndTheRestIsLeftAlone() {
        UnifiedRun running = run("alpha", "r1", "d1", T0, RunStatus.RUNNING);
        UnifiedRun other = run("alpha", "r2", "d2", T0, RunStatus.RUNNING);
        store.write(List.of(running, other));
        Instant before = RunEntityLookup.updatedAt("alpha", "r1");
        Instant otherBefore = RunEntityLookup.updatedAt("alpha", "r2");

        WriteResult result = store.write(List.of(withStatus(running, RunStatus.SUCCEEDED, T0.plusSeconds(5)), other));

        assertThat(result).isEqualTo(new WriteResult(0, 1, 1));
        RunEntity stored = QuarkusTransaction.requiringNew().call(() -> RunEntity.findByNaturalKey("alpha", "r1"));
        assertThat(stored.status).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(stored.vendorStatus).isEqualTo("TASK_RUN_STATUS_SUCCEEDED");
        assertThat(stored.endedAt).isEqualTo(T0.plusSeconds(5));
        assertThat(stored.updatedAt).isAfter(before);
        assertThat(RunEntityLookup.updatedAt("alpha", "r2")).isEqualTo(otherBefore);
        assertThat(db.single("SELECT runs_stored FROM source WHERE id = 'alpha'")).isEqualTo(2L);
    }

    @Test
    void theVendorsModifiedTimeBecomesUpdatedAt() {
        Instant modified = Instant.parse("2026-10-01T10:00:00.123Z");
        UnifiedRun base = run("gamma", "t1", "ip:10.0.0.1", T0, RunStatus.RUNNING);
        store.write(List.of(new UnifiedRun(base.source(), base.runId(), base.deviceId(), null, base.taskId(), null,
                base.status(), "11", base.startedAt(), null, modified, null, base.raw())));

        assertThat(RunEntityLookup.updatedAt("gamma", "t1")).isEqualTo(modified);
    }

    @Test
    void aRunGivenTwiceInOneBatchIsWrittenOnceTheLaterRecordWinning() {
        UnifiedRun first = run("alpha", "r1", "d1", T0, RunStatus.RUNNING);
        WriteResult result = store.write(List.of(first, withStatus(first, RunStatus.FAILED, T0.plusSeconds(1))));

        assertThat(result).isEqualTo(new WriteResult(1, 0, 0));
        assertThat(db.single("SELECT status FROM run")).isEqualTo("FAILED");
    }

    @Test
    void eachDevicesLastRunIsKeptCurrentWithTiesBrokenByRunId() {
        store.write(List.of(run("alpha", "r1", "d1", T0, RunStatus.SUCCEEDED)));
        assertThat(lastRunOf("alpha", "d1")).isEqualTo("r1");

        store.write(List.of(run("alpha", "r0", "d1", T0.minusSeconds(60), RunStatus.FAILED)));
        assertThat(lastRunOf("alpha", "d1")).as("an older run does not replace the last run").isEqualTo("r1");

        store.write(List.of(run("alpha", "r2", "d1", T0, RunStatus.FAILED)));
        assertThat(lastRunOf("alpha", "d1")).as("same start: the greater runId wins").isEqualTo("r2");

        store.write(List.of(run("alpha", "r3", "d1", T0.plusSeconds(1), RunStatus.RUNNING)));
        assertThat(lastRunOf("alpha", "d1")).isEqualTo("r3");
    }

    @Test
    void namesAreKeptWhenALaterRecordDoesNotKnowThem() {
        UnifiedRun named = run("alpha", "r1", "d1", T0, RunStatus.SUCCEEDED);
        store.write(List.of(named));
        store.write(List.of(new UnifiedRun("alpha", "r2", "d1", null, named.taskId(), null, RunStatus.RUNNING,
                "TASK_RUN_STATUS_RUNNING", T0.plusSeconds(1), null, null, null, named.raw())));

        assertThat(db.single("SELECT device_name FROM device WHERE device_id = 'd1'")).isEqualTo("Device d1");
        assertThat(db.single("SELECT task_name FROM task WHERE task_id = 'task-1'")).isEqualTo("Task task-1");
    }

    @Test
    void aBatchForAnUnknownSourceFailsWholeAndStoresNothing() {
        assertThatThrownBy(() -> store.write(List.of(
                run("alpha", "r1", "d1", T0, RunStatus.SUCCEEDED),
                run("nosuchsource", "r1", "d1", T0, RunStatus.SUCCEEDED))))
                .isInstanceOf(RuntimeException.class);
        assertThat(db.single("SELECT count(*) FROM run")).isEqualTo(0L);
    }

    @Test
    void aRunThatMovesLeavesItsOldDeviceWhichIsDeletedWithoutRuns() {
        UnifiedRun byIp = run("gamma", "g1", "ip:1.2.3.4", T0, RunStatus.RUNNING);
        store.write(List.of(byIp));

        assertThat(store.write(List.of(onDevice(byIp, "uuid-1")))).isEqualTo(new WriteResult(0, 1, 0));
        assertThat(devices()).containsExactly("gamma/uuid-1=g1");
        assertDeviceTableMatchesRuns();

        assertThat(store.write(List.of(byIp))).as("and back").isEqualTo(new WriteResult(0, 1, 0));
        assertThat(devices()).containsExactly("gamma/ip:1.2.3.4=g1");
        assertDeviceTableMatchesRuns();
    }

    @Test
    void whenTheMovedRunWasItsLastRunTheOldDeviceFallsBackToItsOlderRun() {
        UnifiedRun older = run("gamma", "g0", "ip:1.2.3.4", T0, RunStatus.SUCCEEDED);
        UnifiedRun moving = run("gamma", "g1", "ip:1.2.3.4", T0.plusSeconds(60), RunStatus.FAILED);
        store.write(List.of(older, moving));
        assertThat(devices()).containsExactly("gamma/ip:1.2.3.4=g1");

        assertThat(store.write(List.of(onDevice(moving, "uuid-1")))).isEqualTo(new WriteResult(0, 1, 0));
        assertThat(devices()).containsExactly("gamma/ip:1.2.3.4=g0", "gamma/uuid-1=g1");
        assertDeviceTableMatchesRuns();
    }

    @Test
    void whenTheMovedRunWasNotItsLastRunTheOldDeviceIsNotRewritten() {
        UnifiedRun moving = run("gamma", "g0", "ip:1.2.3.4", T0, RunStatus.SUCCEEDED);
        store.write(List.of(moving, run("gamma", "g1", "ip:1.2.3.4", T0.plusSeconds(60), RunStatus.FAILED)));
        Object xmin = db.single("SELECT xmin::text FROM device WHERE device_id = 'ip:1.2.3.4'");

        assertThat(store.write(List.of(onDevice(moving, "uuid-1")))).isEqualTo(new WriteResult(0, 1, 0));
        assertThat(devices()).containsExactly("gamma/ip:1.2.3.4=g1", "gamma/uuid-1=g0");
        assertThat(db.single("SELECT xmin::text FROM device WHERE device_id = 'ip:1.2.3.4'")).isEqualTo(xmin);
        assertDeviceTableMatchesRuns();
    }

    @Test
    void aRunThatMovesAndChangesStatusAtOnceIsOneUpdate() {
        UnifiedRun running = run("gamma", "g1", "ip:1.2.3.4", T0, RunStatus.RUNNING);
        store.write(List.of(running));

        UnifiedRun moved = onDevice(withStatus(running, RunStatus.SUCCEEDED, T0.plusSeconds(5)), "uuid-1");
        assertThat(store.write(List.of(moved))).isEqualTo(new WriteResult(0, 1, 0));
        assertThat(db.single("SELECT status FROM run")).isEqualTo("SUCCEEDED");
        assertThat(devices()).containsExactly("gamma/uuid-1=g1");
        assertDeviceTableMatchesRuns();

        assertThat(store.write(List.of(moved))).as("written again: unchanged").isEqualTo(new WriteResult(0, 0, 1));
        assertThat(devices()).containsExactly("gamma/uuid-1=g1");
    }

    @Test
    void severalMovesInOneBatchIncludingASwapAndAMoveOntoADeviceWithOtherRuns() {
        UnifiedRun a1 = run("gamma", "a1", "dev-a", T0, RunStatus.SUCCEEDED);
        UnifiedRun a2 = run("gamma", "a2", "dev-a", T0.plusSeconds(10), RunStatus.SUCCEEDED);
        UnifiedRun b0 = run("gamma", "b0", "dev-b", T0.plusSeconds(1), RunStatus.SUCCEEDED);
        UnifiedRun b1 = run("gamma", "b1", "dev-b", T0.plusSeconds(5), RunStatus.SUCCEEDED);
        UnifiedRun c1 = run("gamma", "c1", "dev-c", T0.plusSeconds(20), RunStatus.RUNNING);
        UnifiedRun other = run("alpha", "a1", "dev-a", T0.plusSeconds(30), RunStatus.SUCCEEDED);
        store.write(List.of(a1, a2, b0, b1, c1, other));
        assertThat(devices()).containsExactly("alpha/dev-a=a1", "gamma/dev-a=a2", "gamma/dev-b=b1", "gamma/dev-c=c1");

        WriteResult result = store.write(List.of(
                onDevice(a2, "dev-b"),  // onto a device that keeps its own older run b0
                onDevice(b1, "dev-a"),  // the swap: dev-a's last run becomes b1, not its own a1
                onDevice(withStatus(c1, RunStatus.FAILED, T0.plusSeconds(25)), "dev-d"),  // dev-c left empty
                run("gamma", "n1", "dev-c", T0.minusSeconds(60), RunStatus.SUCCEEDED),    // .. and refilled
                a1));

        assertThat(result).isEqualTo(new WriteResult(1, 3, 1));
        assertThat(devices()).containsExactly("alpha/dev-a=a1",
                "gamma/dev-a=b1", "gamma/dev-b=a2", "gamma/dev-c=n1", "gamma/dev-d=c1");
        assertDeviceTableMatchesRuns();

        store.write(List.of(onDevice(run("gamma", "n1", "dev-c", T0.minusSeconds(60), RunStatus.SUCCEEDED), "dev-d"),
                b1));
        assertThat(devices()).as("dev-c emptied, dev-a back to its own run")
                .containsExactly("alpha/dev-a=a1", "gamma/dev-a=a1", "gamma/dev-b=a2", "gamma/dev-d=c1");
        assertDeviceTableMatchesRuns();
    }

    /** "source/device=lastRunId" of every device row, in key order. */
    private List<Object> devices() {
        return db.list("SELECT d.source_id || '/' || d.device_id || '=' || r.run_id "
                + "FROM device d JOIN run r ON r.id = d.last_run_id ORDER BY d.source_id, d.device_id");
    }

    /**
     * Every device row points at its true last run by (started_at DESC, run_id DESC), every device
     * with runs has a row, none has a row without runs, and no run is the last run of two rows.
     */
    private void assertDeviceTableMatchesRuns() {
        assertThat(devices()).isEqualTo(db.list("""
                SELECT DISTINCT ON (source_id, device_id) source_id || '/' || device_id || '=' || run_id
                  FROM run ORDER BY source_id, device_id, started_at DESC, run_id DESC"""));
        assertThat(db.single("SELECT count(*) FROM device d WHERE NOT EXISTS "
                + "(SELECT 1 FROM run r WHERE r.source_id = d.source_id AND r.device_id = d.device_id)"))
                .as("device rows without runs").isEqualTo(0L);
        assertThat(db.single("SELECT count(*) - count(DISTINCT last_run_id) FROM device"))
                .as("runs that are the last run of two device rows").isEqualTo(0L);
        assertThat(db.single("SELECT count(*) FROM device d JOIN run r ON r.id = d.last_run_id "
                + "WHERE (d.last_started_at, d.last_status) IS DISTINCT FROM (r.started_at, r.status)"))
                .as("device rows whose copy of the last run's start and status is stale").isEqualTo(0L);
    }

    @Test
    void theDeviceRowFollowsItsLastRunsStatusAndStartWhoeverWritesIt() {
        UnifiedRun older = run("alpha", "r1", "d1", T0, RunStatus.SUCCEEDED);
        UnifiedRun last = run("alpha", "r2", "d1", T0.plusSeconds(60), RunStatus.RUNNING);
        store.write(List.of(older, last));
        assertThat(db.single("SELECT last_status FROM device WHERE device_id = 'd1'")).isEqualTo("RUNNING");

        // the last run finishing changes no pointer: the run's own update carries the status over
        store.write(List.of(withStatus(last, RunStatus.FAILED, T0.plusSeconds(90))));
        assertThat(db.single("SELECT last_status FROM device WHERE device_id = 'd1'")).isEqualTo("FAILED");
        // a run that is not the last one changing leaves the device row alone
        Object xmin = db.single("SELECT xmin::text FROM device WHERE device_id = 'd1'");
        store.write(List.of(withStatus(older, RunStatus.FAILED, T0.plusSeconds(5))));
        assertThat(db.single("SELECT xmin::text FROM device WHERE device_id = 'd1'")).isEqualTo(xmin);
        assertDeviceTableMatchesRuns();

        // a writer of the previous version (a replica still syncing during a rolling update) sets the
        // pointer alone: the copy follows all the same
        db.execute("UPDATE device SET last_run_id = (SELECT id FROM run WHERE run_id = 'r1') WHERE device_id = 'd1'");
        assertThat(db.single("SELECT last_started_at = '" + T0 + "' AND last_status = 'FAILED' FROM device "
                + "WHERE device_id = 'd1'")).isEqualTo(true);
        db.execute("DELETE FROM device");
        db.execute("INSERT INTO device (source_id, device_id, last_run_id) SELECT source_id, device_id, id FROM run "
                + "WHERE run_id = 'r2'");
        assertDeviceTableMatchesRuns();
    }

    private String lastRunOf(String source, String device) {
        return (String) db.single("SELECT r.run_id FROM device d JOIN run r ON r.id = d.last_run_id "
                + "WHERE d.source_id = '" + source + "' AND d.device_id = '" + device + "'");
    }

    /** Reads through the ORM entity: the same mapping the application validates at start. */
    static final class RunEntityLookup {
        static Instant updatedAt(String source, String runId) {
            return QuarkusTransaction.requiringNew().call(() -> RunEntity.findByNaturalKey(source, runId).updatedAt);
        }
    }

    @Test
    void aNulCharacterFailsTheWholeBatchSoTheConnectorsGuardReplacesItFirst() {
        UnifiedRun good = run("alpha", "r1", "d1", T0, RunStatus.SUCCEEDED);
        UnifiedRun other = run("alpha", "r2", "d1", T0, RunStatus.SUCCEEDED);
        UnifiedRun poisoned = new UnifiedRun("alpha", "r2", "d1", "PC\0" + "n".repeat(1 << 20), other.taskId(), "Task\0",
                RunStatus.UNKNOWN, "S\0", T0, null, null, null, ((com.fasterxml.jackson.databind.node.ObjectNode) other.raw().deepCopy()).put("na\0me", "a\0b"));

        assertThatThrownBy(() -> store.write(List.of(good, poisoned))).isNotNull();
        assertThat(db.single("SELECT count(*) FROM run")).as("one record failed the whole batch").isEqualTo(0L);

        UnifiedRun guarded = new RecordGuard("alpha", Clock.fixed(T0, ZoneOffset.UTC), new SimpleMeterRegistry()).check(poisoned);
        assertThat(store.write(List.of(good, guarded))).isEqualTo(new WriteResult(2, 0, 0));
        assertThat(store.write(List.of(good, guarded))).as("altered the same way every time").isEqualTo(new WriteResult(0, 0, 2));
        assertThat(db.single("SELECT raw->>'na\uFFFDme' FROM run WHERE run_id = 'r2'")).isEqualTo("a\uFFFDb");
        assertThat(db.single("SELECT length(device_name) FROM device WHERE device_id = 'd1'")).isEqualTo(1024);
    }
}
