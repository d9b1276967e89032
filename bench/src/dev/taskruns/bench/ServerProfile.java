package dev.taskruns.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where PostgreSQL's CPU went during one step: per statement ({@code pg_stat_statements}, nested
 * statements of triggers included, so a trigger's own cost shows beside the statement that fired it)
 * and per server process kind (each live process's {@code /proc/<pid>/stat}; processes that ended
 * within the step, mostly autovacuum workers, are what the server's tree counted beyond the live ones).
 * Needs the embedded server's {@code shared_preload_libraries=pg_stat_statements}
 * ({@link BenchDatabase#open(boolean)}); a server without it profiles processes only.
 */
final class ServerProfile {

    private final BenchDatabase db;
    private final boolean statements;
    private final long postmaster;
    private final double treeBefore;
    private final Map<Long, Double> processesBefore;
    private final String walBefore;

    private ServerProfile(BenchDatabase db, boolean statements, long postmaster, double treeBefore,
                          Map<Long, Double> processesBefore, String walBefore) {
        this.db = db;
        this.statements = statements;
        this.postmaster = postmaster;
        this.treeBefore = treeBefore;
        this.processesBefore = processesBefore;
        this.walBefore = walBefore;
    }

    /** Clears the statement statistics and notes every server process's CPU so far. */
    static ServerProfile start(BenchDatabase db) throws SQLException {
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            boolean statements;
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_extension WHERE extname = 'pg_stat_statements'")) {
                rs.next();
                statements = rs.getInt(1) > 0;
            }
            if (statements) {
                st.execute("SELECT pg_stat_statements_reset()");
            }
            long postmaster = db.postmasterPid();
            String wal;
            try (ResultSet rs = st.executeQuery("SELECT pg_current_wal_lsn()::text")) {
                rs.next();
                wal = rs.getString(1);
            }
            return new ServerProfile(db, statements, postmaster, Machine.treeCpuSeconds(postmaster),
                    processCpu(postmaster), wal);
        }
    }

    /** Prints CPU per process kind, WAL written, and the statements that took longest, as Markdown tables. */
    void print(String step, long runs) throws SQLException {
        Map<String, Double> byKind = new TreeMap<>();
        double live = 0;
        for (Map.Entry<Long, Double> process : processCpu(postmaster).entrySet()) {
            double used = process.getValue() - processesBefore.getOrDefault(process.getKey(), 0.0);
            live += used;
            byKind.merge(kind(process.getKey()), used, Double::sum);
        }
        byKind.put("processes ended meanwhile (autovacuum workers, ...)",
                Machine.treeCpuSeconds(postmaster) - treeBefore - live);
        System.out.printf("%nPostgreSQL during \"%s\" (%,d runs):%n%n", step, runs);
        Table processes = new Table("server process", "CPU s", "CPU ms / 1k runs");
        byKind.forEach((kind, seconds) -> processes.add(kind, seconds, seconds * 1e6 / runs));
        processes.print();
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '" + walBefore + "')")) {
                rs.next();
                System.out.printf("WAL written: %,.0f MB (%,.0f bytes per run)%n%n", rs.getDouble(1) / 1e6,
                        rs.getDouble(1) / runs);
            }
            if (!statements) {
                return;
            }
            // top level: what the application sent; nested: what triggers and functions ran inside it
            Table top = new Table("statement", "level", "calls", "rows", "total ms", "ms / 1k runs", "WAL MB",
                    "blocks hit", "blocks dirtied");
            try (ResultSet rs = st.executeQuery("""
                    SELECT regexp_replace(left(query, 110), '\\s+', ' ', 'g'), toplevel, calls, rows, total_exec_time,
                           wal_bytes, shared_blks_hit, shared_blks_dirtied
                      FROM pg_stat_statements
                     WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
                     ORDER BY total_exec_time DESC LIMIT 15""")) {
                while (rs.next()) {
                    top.add(rs.getString(1).replace("|", "\\|"), rs.getBoolean(2) ? "top" : "nested", rs.getLong(3),
                            rs.getLong(4), rs.getDouble(5), rs.getDouble(5) * 1000 / runs, rs.getDouble(6) / 1e6,
                            rs.getLong(7), rs.getLong(8));
                }
            }
            top.print();
        }
    }

    /** CPU seconds so far of each live child of the postmaster. */
    private static Map<Long, Double> processCpu(long postmaster) {
        Map<Long, Double> cpu = new HashMap<>();
        ProcessHandle.of(postmaster).stream().flatMap(ProcessHandle::children)
                .forEach(child -> cpu.put(child.pid(), Machine.cpuSeconds(child.pid())));
        cpu.values().removeIf(seconds -> seconds.isNaN());
        return cpu;
    }

    /**
     * A process's kind from the title PostgreSQL gives it ({@code postgres: checkpointer},
     * {@code postgres: <user> <database> <client> <state>}): a backend is named by its database.
     */
    private static String kind(long pid) {
        try {
            String title = Files.readString(Path.of("/proc", Long.toString(pid), "cmdline")).replace('\0', ' ').strip();
            String[] words = title.replaceFirst("^postgres: ", "").split("\\s+");
            return switch (words[0]) {
                case "checkpointer", "walwriter", "logger" -> words[0];
                case "background", "autovacuum", "logical" -> words[0] + " " + words[1];
                default -> words.length > 2 ? "backends of database " + words[1] : title;
            };
        } catch (IOException | RuntimeException gone) {
            return "ended";
        }
    }
}
