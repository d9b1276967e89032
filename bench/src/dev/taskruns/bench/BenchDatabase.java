package dev.taskruns.bench;

import dev.taskruns.config.EmbeddedDatabase;
import org.flywaydb.core.Flyway;
import org.postgresql.PGConnection;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
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
 * bench.password), migrated by the application's own Flyway migrations.
 */
public final class BenchDatabase {

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
        String url = System.getProperty("bench.jdbcUrl");
        BenchDatabase db = url == null
                ? new BenchDatabase(EmbeddedDatabase.startEphemeral(), "postgres", "postgres")
                : new BenchDatabase(url, System.getProperty("bench.user", "postgres"),
                System.getProperty("bench.password", "postgres"));
        Flyway.configure().dataSource(db.url, db.user, db.password).load().migrate();
        db.reset();
        return db;
    }

    /** Where the packaged app under benchmark connects: URL, user, password. */
    public String[] credentials() {
        return new String[] {url, user, password};
    }

    /**
     * Credentials of another, empty database on the same server (created now; dropped first if there),
     * for a second process that needs one of its own, such as the vendor simulators.
     */
    public String[] createDatabase(String name) throws SQLException {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            st.execute("CREATE DATABASE " + name);
        }
        return new String[] {url.replaceFirst("/[^/?]*(\\?|$)", "/" + name + "$1"), user, password};
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(url, user, password);
    }

    /** Empties the store and (re)creates the dataset's sources with zeroed counters. */
    public void reset() throws SQLException {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            st.execute("TRUNCATE device, run, task, sync_checkpoint");
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
     * DESC), exactly what the batch write's device refresh leaves behind. Returns the COPY's seconds.
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
            return seconds;
        }
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

    /** VACUUM ANALYZE: visibility map and statistics as a settled production store has them. */
    public void settle() throws SQLException {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            st.execute("VACUUM (ANALYZE) run, device, task, source");
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
