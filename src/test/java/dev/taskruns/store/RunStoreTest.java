package dev.taskruns.store;

import dev.taskruns.support.Database;
import dev.taskruns.support.PostgresResource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

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
}
