package dev.taskruns.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.taskruns.config.EmbeddedDatabase;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static dev.taskruns.support.Runs.onDevice;
import static dev.taskruns.support.Runs.run;
import static dev.taskruns.support.Runs.withStatus;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * V7 on a store V6 populated, with the batch write and with a writer of the previous version (one
 * that sets a device's pointer alone) before and after it: each device's copy of its last run's
 * start and status stays exact, and V6's look-up runs only for the writer that needs it.
 */
class DeviceLastRunMigrationTest {

    private static final Instant T0 = Instant.parse("2026-11-01T08:00:00Z");
    private static String url;
    private final RunStore store = new RunStore(null, new ObjectMapper());

    @BeforeAll
    static void database() throws SQLException {
        String server = EmbeddedDatabase.startEphemeral();
        try (Connection c = DriverManager.getConnection(server, "postgres", "postgres"); Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS device_last_run_migration");
            st.execute("CREATE DATABASE device_last_run_migration");
        }
        url = server.replaceFirst("/postgres$", "/device_last_run_migration");
    }

    @Test
    void aPopulatedStoreKeepsEveryDevicesLastStartAndStatusExactAcrossV7() throws SQLException {
        migrate("6");
        try (Connection c = connect()) {
            // this version's batch write also records the change feed: V9's new tables, created ahead,
            // are all it needs from after V7 (they touch nothing V7 and V8 change)
            execute(c, changeFeedTables());
            execute(c, "INSERT INTO source (id, vendor) VALUES ('alpha', 'ESET'), ('gamma', 'ALIBABA')");
            List<UnifiedRun> runs = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                runs.add(run(i % 3 == 0 ? "gamma" : "alpha", "r" + i, "d" + (i % 40), T0.plusSeconds(i % 50),
                        i % 4 == 0 ? RunStatus.RUNNING : RunStatus.SUCCEEDED));
            }
            store.write(c, runs);
            // the previous version's writer moves a pointer to an older run and inserts a row, pointer only
            execute(c, "UPDATE device SET last_run_id = (SELECT id FROM run WHERE source_id = 'alpha' AND run_id = 'r1') "
                    + "WHERE source_id = 'alpha' AND device_id = 'd1'");
            execute(c, "DELETE FROM device WHERE source_id = 'alpha' AND device_id = 'd2'");
            execute(c, "INSERT INTO device (source_id, device_id, last_run_id) SELECT source_id, device_id, id FROM run "
                    + "WHERE source_id = 'alpha' AND run_id = 'r2'");
            assertCopiesExact(c);

            migrate("7");
            c.setAutoCommit(false);
            execute(c, "SET track_functions = 'all'");
            store.write(c, List.of(run("alpha", "new1", "d5", T0.plusSeconds(600), RunStatus.RUNNING),
                    run("alpha", "new2", "d77", T0, RunStatus.FAILED),
                    withStatus(runs.get(41), RunStatus.FAILED, T0.plusSeconds(700)),
                    onDevice(runs.get(3), "moved-to")));
            assertThat(lookUps(c)).as("the batch write sets the copies itself").isZero();
            execute(c, "UPDATE device SET last_run_id = (SELECT id FROM run WHERE source_id = 'alpha' AND run_id = 'r5') "
                    + "WHERE source_id = 'alpha' AND device_id = 'd5'");
            execute(c, "INSERT INTO device (source_id, device_id, last_run_id) SELECT 'alpha', 'orphan', id FROM run "
                    + "WHERE source_id = 'alpha' AND run_id = 'r7'");
            assertThat(lookUps(c)).as("a writer setting the pointer alone still gets the look-up").isEqualTo(2);
            c.commit();
            assertCopiesExact(c);
            // back to the true last runs through the batch write: pointer and copies together
            execute(c, "DELETE FROM device WHERE device_id = 'orphan'");
            store.write(c, List.of(runs.get(1), runs.get(2), runs.get(5)));
            c.commit();
            assertCopiesExact(c);
            assertThat(single(c, """
                    SELECT count(*) FROM device d
                     WHERE d.last_run_id <> (SELECT r.id FROM run r WHERE r.source_id = d.source_id AND r.device_id = d.device_id
                                              ORDER BY r.started_at DESC, r.run_id DESC LIMIT 1)""")).isEqualTo(0L);
        }
    }

    private static void assertCopiesExact(Connection c) throws SQLException {
        assertThat(single(c, "SELECT count(*) FROM device")).isNotEqualTo(0L);
        assertThat(single(c, "SELECT count(*) FROM device d JOIN run r ON r.id = d.last_run_id "
                + "WHERE (d.last_started_at, d.last_status) IS DISTINCT FROM (r.started_at, r.status)"))
                .as("device rows whose copy of the last run's start and status is not its run's").isEqualTo(0L);
    }

    /** Calls of V6's look-up function in this transaction so far. */
    private static long lookUps(Connection c) throws SQLException {
        return (Long) single(c, "SELECT coalesce(pg_stat_get_xact_function_calls('device_last_run_copy'::regproc), 0)");
    }

    private static String changeFeedTables() {
        try (InputStream in = DeviceLastRunMigrationTest.class.getResourceAsStream(
                "/db/migration/V9__change_feed_and_cycle_history.sql")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void migrate(String version) {
        Flyway.configure().dataSource(url, "postgres", "postgres").target(version).load().migrate();
    }

    private static Connection connect() throws SQLException {
        return DriverManager.getConnection(url, "postgres", "postgres");
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private static Object single(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getObject(1);
        }
    }
}
