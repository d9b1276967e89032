package dev.taskruns.bench;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.flywaydb.core.Flyway;
import org.postgresql.PGConnection;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * The benchmarks' database: a throw-away embedded PostgreSQL 17 (temporary data folder, removed at
 * exit) unless {@code -Dbench.jdbcUrl=...} points at a server of your own (with bench.user /
 * bench.password), migrated by the application's own Flyway migrations. {@code -Dbench.dataDir=...}
 * keeps the embedded server's data in that folder instead, so a large dataset loaded once serves
 * later runs ({@link #openWith}). The embedded server logs to a JSON file ({@link ServerLog} reads the
 * statements the application sends from it).
 */
public final class BenchDatabase {

    private static final String RUN_COLUMNS = "source_id, run_id, device_id, task_id, status, vendor_status, "
            + "started_at, ended_at, error, raw, updated_at";

    private final String url;
    private final String user;
    private final String password;

    private BenchDatabase(String url, String user, String password) {
        this.url = url;
        this.user = user;
        this.password = password;
    }

    /** Starts (or connects to) the server and migrates it; the store is left empty with its sources. */
    public static BenchDatabase open() throws SQLException {
        return open(false);
    }

    /**
     * The same, the embedded server with {@code pg_stat_statements} loaded when {@code statementStats}
     * ({@link ServerProfile}; it costs a little on every statement, so only the benchmarks that
     * profile the server ask for it).
     */
    public static BenchDatabase open(boolean statementStats) throws SQLException {
        BenchDatabase db = migrated(statementStats);
        db.reset();
        return db;
    }

    /**
     * Starts (or connects to) the server with {@code data} in its store: kept when the store already
     * holds exactly that dataset (a 10M-run load takes tens of minutes), else loaded by COPY and settled.
     */
    public static BenchDatabase openWith(Dataset data) throws SQLException {
        BenchDatabase db = migrated(false);
        String label = "taskruns bench dataset: " + data.runs + " runs, " + data.devices + " devices, " + data.tasks
                + " tasks";
        try (Connection c = db.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT obj_description('run'::regclass, 'pg_class')")) {
            rs.next();
            if (label.equals(rs.getString(1))) {
                System.err.println("Dataset kept from an earlier run (bench.dataDir)");
                db.deriveChangesIfMissing();
                return db;
            }
        }
        db.reset();
        long loading = System.nanoTime();
        db.load(data);
        db.settle();
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("COMMENT ON TABLE run IS '" + label + "'"); // what a later run checks before keeping it
        }
        System.err.printf("Loaded by COPY, then VACUUM ANALYZE: %.1f s%n", (System.nanoTime() - loading) / 1e9);
        return db;
    }

    /**
     * A store kept from before the change feed (V9) has the runs but no changes: derives them once,
     * so every kept dataset serves /changes as a fresh load would.
     */
    private void deriveChangesIfMissing() throws SQLException {
        try (Connection c = connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT EXISTS (SELECT FROM last_run_change)")) {
            rs.next();
            if (rs.getBoolean(1)) {
                return;
            }
            long deriving = System.nanoTime();
            deriveChanges(st);
            st.execute("VACUUM (ANALYZE) last_run_change");
            System.err.printf("Kept dataset had no change feed: derived it, then VACUUM ANALYZE: %.1f s%n",
                    (System.nanoTime() - deriving) / 1e9);
        }
    }

    private static BenchDatabase migrated(boolean statementStats) throws SQLException {
        String url = System.getProperty("bench.jdbcUrl");
        BenchDatabase db = url == null
                ? new BenchDatabase(startEmbedded(statementStats), "postgres", "postgres")
                : new BenchDatabase(url, System.getProperty("bench.user", "postgres"),
                System.getProperty("bench.password", "postgres"));
        Flyway.configure().dataSource(db.url, db.user, db.password).load().migrate();
        if (statementStats && url == null) {
            try (Connection c = db.connect(); Statement st = c.createStatement()) {
                st.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
            }
        }
        return db;
    }

    private static String startEmbedded(boolean statementStats) {
        try {
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
            String dataDir = System.getProperty("bench.dataDir");
            if (dataDir != null) {
                builder.setDataDirectory(Path.of(dataDir)).setCleanDataDirectory(false);
            }
            builder.setServerConfig("max_connections", "100")
                    .setServerConfig("logging_collector", "on")
                    .setServerConfig("log_destination", "jsonlog")
                    .setServerConfig("log_rotation_size", "0");
            if (statementStats) {
                // track = all: statements run by triggers and functions are counted on their own too
                builder.setServerConfig("shared_preload_libraries", "pg_stat_statements")
                        .setServerConfig("pg_stat_statements.track", "all");
            }
            EmbeddedPostgres server = builder.start();
            return server.getJdbcUrl("postgres", "postgres");
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start embedded PostgreSQL", e);
        }
    }

    /** Where the packaged app under benchmark connects: URL, user, password. */
    public String[] credentials() {
        return new String[] {url, user, password};
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(url, user, password);
    }

    /** Empties the store and (re)creates the dataset's sources with zeroed counters. */
    public void reset() throws SQLException {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            // the change feed too: changes of runs no longer stored would be served by /changes
            st.execute("TRUNCATE device, run, task, sync_checkpoint, last_run_change");
            st.execute("UPDATE change_feed_state SET pruned_through = 0");
            st.execute("COMMENT ON TABLE run IS NULL");
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO source (id, vendor) VALUES (?, ?)
                    ON CONFLICT (id) DO UPDATE SET runs_stored = 0, state = 'IDLE'""")) {
                for (Dataset.Source source : Dataset.SOURCES) {
                    ps.setString(1, source.id());
                    ps.setString(2, source.vendor().name());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
    }

    /** What a run measures against: the server, how busy the machine is, the dataset. */
    public void printSetting(Dataset data) throws SQLException {
        System.out.printf("PostgreSQL: %s%n", describe());
        System.out.printf("Load average before: %s%n", Machine.loadAverage());
        System.out.printf("Dataset: %,d runs, %,d devices, %,d tasks, %d sources%n",
                data.runs, data.devices, data.tasks, Dataset.SOURCES.size());
    }

    /** One line describing the server: version and the settings that move the numbers. */
    public String describe() throws SQLException {
        Map<String, String> settings = new LinkedHashMap<>();
        try (Connection c = connect(); Statement st = c.createStatement()) {
            for (String name : new String[] {"server_version", "shared_buffers", "work_mem", "fsync",
                    "synchronous_commit", "full_page_writes", "random_page_cost", "jit"}) {
                try (ResultSet rs = st.executeQuery("SHOW " + name)) {
                    rs.next();
                    settings.put(name, rs.getString(1));
                }
            }
        }
        return settings.toString();
    }

    /**
     * Loads the whole dataset the fast way, bypassing the batch write: tasks, then COPY of every run,
     * then one device row per (source, device) pointing at its last run by (started_at DESC, run_id
     * DESC), exactly what the batch write's device refresh leaves behind, and the change feed a
     * backfill in time order leaves ({@link #deriveChanges}). Returns the COPY's seconds.
     */
    public double load(Dataset data) throws SQLException {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            copy(c, "task (source_id, task_id, task_name)", data.tasks, t -> csv(
                    Dataset.SOURCES.get(t % Dataset.SOURCES.size()).id(), Dataset.taskId(t), Dataset.taskName(t)));
            double seconds = copyRuns(c, data);
            st.execute("CREATE TEMP TABLE device_name (source_id text, device_id text, device_name text)");
            copy(c, "device_name", data.devices, d -> csv(
                    Dataset.sourceOfDevice(d).id(), Dataset.deviceId(d), Dataset.deviceName(d)));
            st.execute("""
                    INSERT INTO device (source_id, device_id, device_name, last_run_id)
                    SELECT DISTINCT ON (r.source_id, r.device_id) r.source_id, r.device_id, n.device_name, r.id
                      FROM run r JOIN device_name n USING (source_id, device_id)
                     ORDER BY r.source_id, r.device_id, r.started_at DESC, r.run_id DESC""");
            st.execute("UPDATE source s SET runs_stored = (SELECT count(*) FROM run r WHERE r.source_id = s.id)");
            deriveChanges(st);
            return seconds;
        }
    }

    /**
     * The change feed of a backfill that wrote the runs in time order: each run became its device's
     * last run when it arrived, so one change per run, ids in (started_at, run_id) order, the previous
     * status the device's run before it. A real backfill writes batches of 1000, where two runs of one
     * device in a batch give one change (docs/change-feed.md): 1000 runs over 50,000 devices hold about
     * 10 such pairs, so a real backfill would leave ~1% fewer. Each change shows the run as stored (its final status), and
     * created_at is the load's time: the HTTP benchmark sets a retention that keeps them.
     */
    private static void deriveChanges(Statement st) throws SQLException {
        // ids from 1, just after where the feed starts (pruned_through 0): a store emptied by reset() or
        // by retention would otherwise go on from its old ids, and a page from the oldest would scan
        // empty ranges (or answer 410)
        st.execute("UPDATE change_feed_state SET pruned_through = 0");
        st.execute("ALTER TABLE last_run_change ALTER COLUMN id RESTART WITH 1");
        st.execute("""
                INSERT INTO last_run_change (source_id, device_id, run_id, task_id, status, previous_status,
                                             vendor_status, started_at, ended_at, updated_at, error)
                SELECT source_id, device_id, run_id, task_id, status,
                       lag(status) OVER (PARTITION BY source_id, device_id ORDER BY started_at, run_id),
                       vendor_status, started_at, ended_at, updated_at, error
                  FROM run
                 ORDER BY started_at, run_id""");
    }

    /**
     * COPY of the dataset's runs into the run table (all its indexes in place), in one transaction.
     * Lines are generated in chunks outside the timed section, so the result is the server's rate.
     * Returns the seconds spent in COPY and commit.
     */
    public double copyRuns(Connection c, Dataset data) throws SQLException {
        final int chunk = 100_000;
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        long nanos = 0;
        for (int from = 0; from < data.runs; from += chunk) {
            int first = from;
            StringBuilder lines = new StringBuilder(chunk * 700);
            for (int i = first; i < Math.min(data.runs, first + chunk); i++) {
                var run = data.run(i, 0);
                lines.append(csv(run.source(), run.runId(), run.deviceId(), run.taskId(), run.status().name(),
                        run.vendorStatus(), run.startedAt(), run.endedAt(), Dataset.json(run.error()),
                        Dataset.json(run.raw()), Instant.now()));
            }
            long start = System.nanoTime();
            copy(c, "run (source_id, run_id, device_id, task_id, status, vendor_status, started_at, ended_at, "
                    + "error, raw, updated_at)", new StringReader(lines.toString()));
            nanos += System.nanoTime() - start;
        }
        long start = System.nanoTime();
        c.commit();
        c.setAutoCommit(autoCommit);
        return (nanos + System.nanoTime() - start) / 1e9;
    }

    /**
     * A new empty database on the same server, for a second process that needs one of its own (the
     * simulator host's Flyway and scheduler tables); returns its JDBC URL.
     */
    public String createDatabase(String name) throws SQLException {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + name);
            st.execute("CREATE DATABASE " + name);
        }
        return url.replaceFirst("/[^/?]+(\\?.*)?$", "/" + name + "$1");
    }

    /**
     * CPU seconds the server has used so far: its postmaster and every process it started, ended ones
     * included (backends, WAL writer, checkpointer, autovacuum). NaN for a server not on this machine.
     */
    public double serverCpuSeconds() throws SQLException {
        long postmaster = postmasterPid();
        return postmaster < 0 ? Double.NaN : Machine.treeCpuSeconds(postmaster);
    }

    /** The server's postmaster on this machine, or -1 for a server elsewhere. */
    long postmasterPid() throws SQLException {
        // pg_ctl detaches the postmaster from whoever started it: find it as a backend's parent
        try (Connection c = connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return ProcessHandle.of(rs.getLong(1)).filter(BenchDatabase::isPostgres).flatMap(ProcessHandle::parent)
                    .filter(BenchDatabase::isPostgres).map(ProcessHandle::pid).orElse(-1L);
        }
    }

    private static boolean isPostgres(ProcessHandle process) {
        return process.info().command().filter(command -> command.endsWith("/postgres")).isPresent();
    }

    /** Every stored run as COPY text, in insertion order, without the generated id and created_at. */
    public byte[] exportRuns(Connection c) throws SQLException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            c.unwrap(PGConnection.class).getCopyAPI().copyOut("COPY (SELECT " + RUN_COLUMNS + " FROM run ORDER BY id) TO STDOUT", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * Empties the run table (and the device rows pointing into it) and COPYs {@code rows} from
     * {@link #exportRuns} back in, all indexes in place, in one transaction; returns COPY and commit seconds.
     */
    public double copyBackRuns(Connection c, byte[] rows) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("TRUNCATE device, run");
        }
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        long start = System.nanoTime();
        try {
            c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY run (" + RUN_COLUMNS + ") FROM STDIN",
                    new ByteArrayInputStream(rows));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        c.commit();
        double seconds = (System.nanoTime() - start) / 1e9;
        c.setAutoCommit(autoCommit);
        return seconds;
    }

    /** VACUUM ANALYZE: visibility map and statistics as a settled production store has them. */
    public void settle() throws SQLException {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            st.execute("VACUUM (ANALYZE) run, device, task, source, last_run_change");
        }
    }

    private static void copy(Connection c, String target, int rows, IntFunction<String> line) throws SQLException {
        copy(c, target, new LineReader(rows, line));
    }

    private static void copy(Connection c, String target, Reader csv) throws SQLException {
        try {
            c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY " + target + " FROM STDIN (FORMAT csv)", csv);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One CSV line; null is an unquoted empty field (CSV's NULL), everything else is quoted. */
    private static String csv(Object... fields) {
        StringBuilder line = new StringBuilder(512);
        for (int i = 0; i < fields.length; i++) {
            if (i > 0) {
                line.append(',');
            }
            if (fields[i] != null) {
                line.append('"').append(fields[i].toString().replace("\"", "\"\"")).append('"');
            }
        }
        return line.append('\n').toString();
    }

    /** Streams generated lines to COPY without building the whole input in memory. */
    private static final class LineReader extends Reader {
        private final int rows;
        private final IntFunction<String> line;
        private int next;
        private String current = "";
        private int pos;

        LineReader(int rows, IntFunction<String> line) {
            this.rows = rows;
            this.line = line;
        }

        @Override
        public int read(char[] buf, int off, int len) {
            while (pos == current.length()) {
                if (next == rows) {
                    return -1;
                }
                current = line.apply(next++);
                pos = 0;
            }
            int n = Math.min(len, current.length() - pos);
            current.getChars(pos, pos + n, buf, off);
            pos += n;
            return n;
        }

        @Override
        public void close() {
        }
    }
}
