package dev.taskruns.chaos;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The PostgreSQL the replicas share: its own embedded server (not the test app's), on a fixed port and
 * data folder, so it can be stopped and started again under the replicas' feet like a failover.
 */
final class ChaosDatabase implements AutoCloseable {

    /** A run as stored, in the columns that must match the vendor. */
    record StoredRun(String sourceId, String runId, String deviceId, String vendorStatus, OffsetDateTime startedAt,
                     OffsetDateTime endedAt) {
    }

    /** Which replica holds the sync lock of which source: SourceLock names its sessions after their replica. */
    private static final String LOCK_HOLDERS = """
            SELECT s.id, replace(a.application_name, 'taskruns-sync:', '')
            FROM unnest(?::text[]) AS s(id)
            JOIN pg_locks l ON l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
             AND ((l.classid::bigint << 32) | l.objid::bigint) = hashtextextended('taskruns.sync:' || s.id, 0)
            JOIN pg_stat_activity a ON a.pid = l.pid
            """;

    private final Path dataDir;
    private final int port;
    private EmbeddedPostgres server;

    private ChaosDatabase(Path dataDir, int port) {
        this.dataDir = dataDir;
        this.port = port;
    }

    /** A fresh, empty server on a free port with its data in {@code dataDir} (wiped first). */
    static ChaosDatabase startFresh(Path dataDir) throws IOException {
        if (Files.exists(dataDir)) {
            try (var paths = Files.walk(dataDir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        Files.createDirectories(dataDir);
        ChaosDatabase database = new ChaosDatabase(dataDir, Ports.free());
        database.start();
        return database;
    }

    String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + port + "/postgres";
    }

    /** A fast shutdown (every session ends, advisory locks with them), {@code down} of nothing, then up again. */
    void restart(Duration down) throws IOException, InterruptedException {
        server.close();
        Thread.sleep(down.toMillis());
        start();
    }

    Map<String, String> lockHolders(Collection<String> sources) throws SQLException {
        Map<String, String> holders = new TreeMap<>();
        try (Connection connection = connect(); PreparedStatement ps = connection.prepareStatement(LOCK_HOLDERS)) {
            Array ids = connection.createArrayOf("text", sources.toArray());
            ps.setArray(1, ids);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    holders.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        return holders;
    }

    /** When the latest cycle of {@code source} started (any replica), or null. */
    Instant lastSyncStarted(String source) throws SQLException {
        try (Connection connection = connect();
             PreparedStatement ps = connection.prepareStatement("SELECT last_sync_started_at FROM source WHERE id = ?")) {
            ps.setString(1, source);
            try (ResultSet rs = ps.executeQuery()) {
                OffsetDateTime started = rs.next() ? rs.getObject(1, OffsetDateTime.class) : null;
                return started == null ? null : started.toInstant();
            }
        }
    }

    List<StoredRun> runs() throws SQLException {
        List<StoredRun> runs = new ArrayList<>();
        try (Connection connection = connect(); PreparedStatement ps = connection.prepareStatement(
                "SELECT source_id, run_id, device_id, vendor_status, started_at, ended_at FROM run");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                runs.add(new StoredRun(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getObject(5, OffsetDateTime.class), rs.getObject(6, OffsetDateTime.class)));
            }
        }
        return runs;
    }

    /** (source, device) to the run id the store holds as that device's last run. */
    Map<String, String> lastRuns() throws SQLException {
        Map<String, String> last = new TreeMap<>();
        try (Connection connection = connect(); PreparedStatement ps = connection.prepareStatement(
                "SELECT d.source_id, d.device_id, r.run_id FROM device d JOIN run r ON r.id = d.last_run_id");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                last.put(rs.getString(1) + "/" + rs.getString(2), rs.getString(3));
            }
        }
        return last;
    }

    /** Every change id in the feed, in order. */
    List<Long> changeIds() throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (Connection connection = connect(); PreparedStatement ps = connection.prepareStatement(
                "SELECT id FROM last_run_change ORDER BY id"); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        }
        return ids;
    }

    /** The newest change id in the feed (0 when none). */
    long newestChangeId() {
        try (Connection connection = connect(); PreparedStatement ps = connection.prepareStatement(
                "SELECT coalesce(max(id), 0) FROM last_run_change"); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Devices whose latest change in the feed is not their last run and its status: changes lost. */
    long devicesTheFeedGotWrong() throws SQLException {
        try (Connection connection = connect(); PreparedStatement ps = connection.prepareStatement("""
                SELECT count(*) FROM device d JOIN run r ON r.id = d.last_run_id
                  LEFT JOIN LATERAL (SELECT c.run_id, c.status FROM last_run_change c
                                      WHERE c.source_id = d.source_id AND c.device_id = d.device_id
                                      ORDER BY c.id DESC LIMIT 1) c ON true
                 WHERE (c.run_id, c.status) IS DISTINCT FROM (r.run_id, r.status)""");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Override
    public void close() throws IOException {
        if (server != null) {
            server.close();
        }
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), "postgres", "postgres");
    }

    private void start() {
        try {
            server = EmbeddedPostgres.builder().setPort(port).setDataDirectory(dataDir).setCleanDataDirectory(false)
                    .setServerConfig("max_connections", "200").start();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start the chaos PostgreSQL on port " + port, e);
        }
    }
}
