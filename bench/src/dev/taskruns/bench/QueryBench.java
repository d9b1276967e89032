package dev.taskruns.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.taskruns.store.RunQueries;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Facade query throughput and latency on a loaded store, through plain JDBC and the application's
 * own {@link RunQueries} (so the SQL is exactly what the REST facade sends). Each scenario runs
 * bench.clients (8) clients, each on its own connection, for a fixed number of calls (bench.calls
 * x the scenario's weight, split among the clients) after a short warm-up; a scenario also stops
 * after bench.maxSeconds (60) so a pathological query cannot hang the run. Prints calls/s, p50/p99
 * latency, rows per call and how PostgreSQL planned the prepared statement (custom vs generic).
 */
public final class QueryBench {

    public static void main(String[] args) throws Exception {
        Dataset data = Dataset.fromProperties();
        int clients = Integer.getInteger("bench.clients", 8);
        int calls = Integer.getInteger("bench.calls", 4000);
        int warmup = Integer.getInteger("bench.warmup", 10);
        long maxNanos = Long.getLong("bench.maxSeconds", 60) * 1_000_000_000L;

        BenchDatabase db = BenchDatabase.open();
        db.printSetting(data);
        long start = System.nanoTime();
        double copySeconds = db.load(data);
        double loadSeconds = (System.nanoTime() - start) / 1e9;
        db.settle();
        System.out.printf("Loaded by COPY in %.1f s (runs COPY %.1f s), then VACUUM ANALYZE: %.1f s in all%n%n",
                loadSeconds, copySeconds, (System.nanoTime() - start) / 1e9);

        Scenarios scenarios;
        try (Connection c = db.connect()) {
            scenarios = Scenarios.of(data, c);
        }
        Table table = new Table("scenario", "endpoint", "clients", "calls", "seconds", "calls/s", "p50 ms",
                "p99 ms", "rows/call", "plans custom/generic");
        RunQueries queries = new RunQueries(null, new ObjectMapper());
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            for (Scenarios.Scenario scenario : scenarios.all()) {
                int perClient = Math.max(1, (int) Math.round(calls * scenario.weight() / clients));
                List<Connection> connections = new ArrayList<>();
                for (int k = 0; k < clients; k++) {
                    connections.add(db.connect());
                }
                try {
                    CyclicBarrier ready = new CyclicBarrier(clients + 1);
                    List<Future<long[]>> results = new ArrayList<>();
                    long[] rows = new long[clients];
                    for (int k = 0; k < clients; k++) {
                        int client = k;
                        results.add(pool.submit(() -> {
                            Connection c = connections.get(client);
                            SplittableRandom random = new SplittableRandom(1000L + client);
                            for (int i = 0; i < warmup; i++) {
                                scenario.call().run(queries, c, random);
                            }
                            ready.await();
                            long[] nanos = new long[perClient];
                            long deadline = System.nanoTime() + maxNanos;
                            int done = 0;
                            while (done < perClient && System.nanoTime() < deadline) {
                                long t0 = System.nanoTime();
                                rows[client] += scenario.call().run(queries, c, random).size();
                                nanos[done++] = System.nanoTime() - t0;
                            }
                            return Arrays.copyOf(nanos, done);
                        }));
                    }
                    ready.await();
                    long t0 = System.nanoTime();
                    List<long[]> samples = new ArrayList<>();
                    for (Future<long[]> f : results) {
                        samples.add(f.get());
                    }
                    double seconds = (System.nanoTime() - t0) / 1e9;
                    long[] all = samples.stream().flatMapToLong(Arrays::stream).toArray();
                    long totalRows = Arrays.stream(rows).sum();
                    table.add(scenario.name(), scenario.endpoint(), clients, all.length, seconds, all.length / seconds,
                            Table.percentileMillis(all, 50), Table.percentileMillis(all, 99),
                            (double) totalRows / all.length, plans(connections.getFirst()));
                    System.out.printf("%s: %,d calls in %.1f s%n", scenario.name(), all.length, seconds);
                } finally {
                    for (Connection c : connections) {
                        c.close();
                    }
                }
            }
        } finally {
            pool.shutdown();
        }
        System.out.printf("%nLoad average after: %s%n%n", Machine.loadAverage());
        table.print();
    }

    /** How the server planned this connection's prepared statements (pgjdbc prepares after 5 uses). */
    private static String plans(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(
                     "SELECT coalesce(sum(custom_plans), 0), coalesce(sum(generic_plans), 0) FROM pg_prepared_statements")) {
            rs.next();
            return rs.getLong(1) + "/" + rs.getLong(2);
        }
    }
}
