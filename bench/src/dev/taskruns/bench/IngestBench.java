package dev.taskruns.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.taskruns.store.RunStore;
import dev.taskruns.store.UnifiedRun;
import dev.taskruns.store.WriteResult;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Ingest through the application's own batch write ({@link RunStore#write(Connection, List)}: task
 * upsert, run upsert, device refresh, one transaction per batch), then the COPY ceiling.
 *
 * <ol>
 *   <li>insert: every run of the dataset, oldest first, in batches of bench.batch (1000);</li>
 *   <li>re-write unchanged: every bench.rewriteEvery-th batch (5) sent again exactly as stored;</li>
 *   <li>re-write, 10% changed: the same batches with every tenth run at a new revision;</li>
 *   <li>COPY: the same runs into an emptied store by COPY (indexes in place), no device refresh.</li>
 * </ol>
 * Prints one table: rows/s, per-batch latency, what the write reported and what PostgreSQL did
 * (new row versions, HOT updates, WAL written).
 */
public final class IngestBench {

    private final BenchDatabase db;
    private final Dataset data;
    private final int batchSize;
    private final boolean profile;
    private final RunStore store = new RunStore(null, new ObjectMapper());
    private final Table table = new Table("phase", "rows", "batches", "seconds", "rows/s", "batch p50 ms",
            "batch p99 ms", "inserted", "updated", "unchanged", "run tuples ins", "run tuples upd (HOT)",
            "device upd", "WAL MB");

    private IngestBench(BenchDatabase db, Dataset data, int batchSize, boolean profile) {
        this.db = db;
        this.data = data;
        this.batchSize = batchSize;
        this.profile = profile;
    }

    public static void main(String[] args) throws Exception {
        Dataset data = Dataset.fromProperties();
        int batchSize = Integer.getInteger("bench.batch", 1000);
        int rewriteEvery = Integer.getInteger("bench.rewriteEvery", 5);
        // bench.profile: pg_stat_statements and CPU per server process for each phase (costs a little)
        boolean profile = Boolean.getBoolean("bench.profile");
        BenchDatabase db = BenchDatabase.open(profile);
        System.out.printf("PostgreSQL: %s%n", db.describe());
        System.out.printf("Load average before: %s%n", Machine.loadAverage());
        System.out.printf("Dataset: %,d runs, %,d devices, %,d tasks, %d sources; batches of %,d%n%n",
                data.runs, data.devices, data.tasks, Dataset.SOURCES.size(), batchSize);
        new IngestBench(db, data, batchSize, profile).run(rewriteEvery);
    }

    private void run(int rewriteEvery) throws SQLException {
        int batches = (data.runs + batchSize - 1) / batchSize;
        List<Integer> all = new ArrayList<>();
        List<Integer> some = new ArrayList<>();
        for (int b = 0; b < batches; b++) {
            all.add(b);
            if (b % rewriteEvery == 0) {
                some.add(b);
            }
        }
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            phase(c, "insert (new runs)", all, b -> batch(b, i -> 0));
            phase(c, "re-write unchanged", some, b -> batch(b, i -> 0));
            phase(c, "re-write, 10% changed", some, b -> batch(b, i -> i % 10 == 0 ? 1 : 0));
        }
        db.reset();
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            Counters before = Counters.read(c);
            double seconds = db.copyRuns(c, data);
            Counters after = Counters.read(c);
            table.add("COPY ceiling (runs only)", data.runs, 1, seconds, data.runs / seconds, "-", "-", data.runs,
                    0, 0, after.runInserts - before.runInserts, "-", "-", (after.walBytes - before.walBytes) / 1e6);
        }
        System.out.printf("%nLoad average after: %s%n%n", Machine.loadAverage());
        table.print();
    }

    private List<UnifiedRun> batch(int b, IntFunction<Integer> revision) {
        int from = b * batchSize;
        int to = Math.min(data.runs, from + batchSize);
        List<UnifiedRun> runs = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) {
            runs.add(data.run(i, revision.apply(i)));
        }
        return runs;
    }

    private void phase(Connection c, String name, List<Integer> batches, IntFunction<List<UnifiedRun>> make)
            throws SQLException {
        long[] nanos = new long[batches.size()];
        long total = 0;
        int rows = 0;
        int inserted = 0;
        int updated = 0;
        int unchanged = 0;
        Counters before = Counters.read(c);
        ServerProfile server = profile ? ServerProfile.start(db) : null;
        for (int k = 0; k < batches.size(); k++) {
            List<UnifiedRun> runs = make.apply(batches.get(k)); // generated outside the timed section
            long start = System.nanoTime();
            WriteResult result = store.write(c, runs);
            c.commit();
            nanos[k] = System.nanoTime() - start;
            total += nanos[k];
            rows += runs.size();
            inserted += result.inserted();
            updated += result.updated();
            unchanged += result.unchanged();
        }
        Counters after = Counters.read(c);
        double seconds = total / 1e9;
        table.add(name, rows, batches.size(), seconds, rows / seconds, Table.percentileMillis(nanos, 50),
                Table.percentileMillis(nanos, 99), inserted, updated, unchanged,
                after.runInserts - before.runInserts,
                String.format("%,d (%,d)", after.runUpdates - before.runUpdates, after.runHot - before.runHot),
                after.deviceUpdates - before.deviceUpdates, (after.walBytes - before.walBytes) / 1e6);
        System.out.printf("%s: %,d rows in %.1f s%n", name, rows, seconds);
        if (server != null) {
            server.print(name, rows);
        }
    }

    /**
     * Cumulative table statistics and WAL position, read on the writing connection (in manual-commit
     * mode) after making it publish its own counters, which backends otherwise do lazily.
     */
    private record Counters(long runInserts, long runUpdates, long runHot, long deviceUpdates, long walBytes) {
        static Counters read(Connection c) throws SQLException {
            try (Statement st = c.createStatement()) {
                st.execute("SELECT pg_stat_force_next_flush()");
                c.commit();
                try (ResultSet rs = st.executeQuery("""
                        SELECT (SELECT n_tup_ins FROM pg_stat_user_tables WHERE relname = 'run'),
                               (SELECT n_tup_upd FROM pg_stat_user_tables WHERE relname = 'run'),
                               (SELECT n_tup_hot_upd FROM pg_stat_user_tables WHERE relname = 'run'),
                               (SELECT n_tup_upd FROM pg_stat_user_tables WHERE relname = 'device'),
                               pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint""")) {
                    rs.next();
                    Counters counters = new Counters(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4),
                            rs.getLong(5));
                    c.commit();
                    return counters;
                }
            }
        }
    }
}
