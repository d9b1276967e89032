package dev.taskruns.bench;

import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Many sources on one replica (issue item 5): the packaged production jar with bench.sources (50)
 * sources, ESET and Alibaba in turn, all reading the simulators ({@link SimulatorHost}: the demo
 * accounts' size, wall clock so recurring tasks keep producing runs, the simulators' shared-credential
 * rate limits off because 50 real sources would have 50 accounts) at the application's own request
 * budgets and the poll interval bench.interval (60 s). After every source's first cycle (its
 * backfill), it watches bench.cycles (5) intervals and takes each cycle's start from
 * {@code source.last_sync_started_at}; a cycle's lag is how long after it was due it started (due:
 * poll-interval after the previous cycle started, as the engine schedules it after a success).
 */
public final class SourcesBench {

    public static void main(String[] args) throws Exception {
        Path app = PackagedApp.folder(false);
        Path simulatorApp = SimulatorHost.folder();
        int count = Integer.getInteger("bench.sources", 50);
        Duration interval = Duration.ofSeconds(Integer.getInteger("bench.interval", 60));
        int cycles = Integer.getInteger("bench.cycles", 5);
        SimulatorHost.Settings seed = new SimulatorHost.Settings(300, 200, 300, 2000, false, false, false);

        BenchDatabase db = BenchDatabase.open();
        System.out.printf("PostgreSQL: %s%n", db.describe());
        System.out.printf("Load average before: %s%n", Machine.loadAverage());
        System.out.printf("Simulators: %s; %d sources, poll interval %s%n", seed, count, interval);
        String[] database = db.credentials();
        try (SimulatorHost simulator = SimulatorHost.start(simulatorApp, db.createDatabase("simulator"), database[1],
                database[2], seed)) {
            Map<String, String> properties = new LinkedHashMap<>();
            List<String> ids = new ArrayList<>();
            for (int i = 1; i <= count; i++) {
                String id = (i % 2 == 1 ? "eset" : "ali") + String.format("%02d", i);
                ids.add(id);
                properties.putAll(i % 2 == 1 ? simulator.esetSource(id) : simulator.alibabaSource(id));
                properties.put("taskruns.sources." + id + ".poll-interval", interval.toSeconds() + "s");
            }
            try (PackagedApp aggregator = PackagedApp.start(app, PackagedApp.podJvmArgs(), database[0], database[1],
                    database[2], properties);
                 Connection c = db.connect();
                 PreparedStatement ps = c.prepareStatement("""
                         SELECT id, last_sync_started_at, last_sync_succeeded_at, last_error, runs_stored,
                                state = 'SYNCING'
                           FROM source WHERE id = ANY (?)""")) {
                Array idArray = c.createArrayOf("text", ids.toArray());
                ps.setArray(1, idArray);
                long begin = System.nanoTime();
                Map<String, List<Instant>> starts = new TreeMap<>();
                ids.forEach(id -> starts.put(id, new ArrayList<>()));
                Map<String, String> errors = new TreeMap<>();
                // the backfill: every source's first cycle, as many at a time as taskruns.sync.max-concurrent-sources allows
                double backfill = Double.NaN;
                double cpuBefore = Double.NaN;
                double databaseCpuBefore = Double.NaN;
                long watchFrom = 0;
                long runsAtWatch = 0;
                long runs = 0;
                // sources SYNCING at each look: how many cycles run at once, in the backfill and after it
                Concurrency backfillRunning = new Concurrency();
                Concurrency watchRunning = new Concurrency();
                while (true) {
                    int succeeded = 0;
                    int syncing = 0;
                    runs = 0;
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            Timestamp started = rs.getTimestamp(2);
                            List<Instant> seen = starts.get(rs.getString(1));
                            if (started != null && (seen.isEmpty() || !seen.getLast().equals(started.toInstant()))) {
                                seen.add(started.toInstant());
                            }
                            succeeded += rs.getTimestamp(3) != null ? 1 : 0;
                            if (rs.getString(4) != null) {
                                errors.put(rs.getString(1), rs.getString(4));
                            }
                            runs += rs.getLong(5);
                            syncing += rs.getBoolean(6) ? 1 : 0;
                        }
                    }
                    (Double.isNaN(backfill) ? backfillRunning : watchRunning).add(syncing);
                    long now = System.nanoTime();
                    if (Double.isNaN(backfill) && succeeded == count) {
                        backfill = (now - begin) / 1e9;
                        watchFrom = now;
                        runsAtWatch = runs;
                        cpuBefore = aggregator.cpuSeconds();
                        databaseCpuBefore = db.serverCpuSeconds();
                        starts.values().forEach(List::clear); // lag is measured from here on
                        System.out.printf("Every source synced once after %.0f s (%,d runs); watching %d intervals%n",
                                backfill, runs, cycles);
                    }
                    if (!Double.isNaN(backfill) && now - watchFrom > interval.multipliedBy(cycles).toNanos()) {
                        break;
                    }
                    if (now - begin > TimeUnit.MINUTES.toNanos(30) && Double.isNaN(backfill)) {
                        throw new IllegalStateException("backfill not done after 30 min; " + succeeded + " of " + count);
                    }
                    Thread.sleep(250);
                }
                double watched = (System.nanoTime() - watchFrom) / 1e9;
                double appCpu = aggregator.cpuSeconds() - cpuBefore;
                double databaseCpu = db.serverCpuSeconds() - databaseCpuBefore;
                report(starts, interval, watched, appCpu, databaseCpu, runs - runsAtWatch, errors);
                System.out.printf("Cycles running at once: backfill mean %.1f, max %d; watched mean %.1f, max %d%n",
                        backfillRunning.mean(), backfillRunning.max, watchRunning.mean(), watchRunning.max);
                cycleTimes(aggregator.output(), interval);
            }
        }
        System.out.printf("Load average after: %s%n", Machine.loadAverage());
    }

    /** Per source: cycles seen, lag p50/p99/max, missed intervals; then one line for all. */
    private static void report(Map<String, List<Instant>> starts, Duration interval, double watched, double appCpu,
                               double databaseCpu, long newRuns, Map<String, String> errors) {
        Table table = new Table("source", "cycles started", "lag p50 ms", "lag p99 ms", "lag max ms", "missed intervals");
        List<Long> all = new ArrayList<>();
        int cycles = 0;
        int missed = 0;
        for (Map.Entry<String, List<Instant>> source : starts.entrySet()) {
            List<Instant> seen = source.getValue();
            List<Long> lags = new ArrayList<>();
            for (int k = 1; k < seen.size(); k++) {
                lags.add(Duration.between(seen.get(k - 1).plus(interval), seen.get(k)).toNanos());
            }
            // no start seen for a whole interval, or a cycle that started an interval late
            int sourceMissed = (int) lags.stream().filter(lag -> lag >= interval.toNanos()).count()
                    + (seen.isEmpty() ? 1 : 0);
            missed += sourceMissed;
            cycles += seen.size();
            all.addAll(lags);
            long[] nanos = lags.stream().mapToLong(Long::longValue).toArray();
            table.add(source.getKey(), seen.size(), lag(nanos, 50), lag(nanos, 99), lag(nanos, 100), sourceMissed);
        }
        long[] nanos = all.stream().mapToLong(Long::longValue).toArray();
        table.add("all " + starts.size(), cycles, lag(nanos, 50), lag(nanos, 99), lag(nanos, 100), missed);
        System.out.println();
        table.print();
        System.out.printf("Watched %.0f s: %,d new runs stored; application CPU %.1f s (%.0f%% of one core), "
                        + "PostgreSQL CPU %.1f s (%.0f%%)%n", watched, newRuns, appCpu, 100 * appCpu / watched, databaseCpu,
                100 * databaseCpu / watched);
        System.out.printf("Sources with an error recorded: %d%s%n", errors.size(),
                errors.isEmpty() ? "" : " " + errors);
    }

    private static final Pattern CYCLE = Pattern.compile(
            "sync cycle source=(\\S+) vendor=(\\S+) outcome=(\\S+) duration_ms=(\\d+) pages=(\\d+)");

    /**
     * Cycle durations per vendor from the application's log line per cycle: each source's first cycle
     * (its backfill) apart from the others, and what the steady ones add up to per poll interval, the
     * left-hand side of the capacity rule (docs/sync-engine.md, "Capacity").
     */
    private static void cycleTimes(String log, Duration interval) {
        Map<String, Integer> seen = new TreeMap<>();
        Map<String, List<Long>> durations = new TreeMap<>();
        Map<String, Integer> outcomes = new TreeMap<>();
        Map<String, Integer> sourcesPerVendor = new TreeMap<>();
        Matcher m = CYCLE.matcher(log);
        while (m.find()) {
            int nth = seen.merge(m.group(1), 1, Integer::sum);
            if (nth == 1) {
                sourcesPerVendor.merge(m.group(2), 1, Integer::sum);
            }
            String key = m.group(2) + (nth == 1 ? " backfill" : " steady");
            durations.computeIfAbsent(key, k -> new ArrayList<>()).add(TimeUnit.MILLISECONDS.toNanos(Long.parseLong(m.group(4))));
            outcomes.merge(key + " " + m.group(3), 1, Integer::sum);
        }
        Table table = new Table("vendor, cycle", "cycles", "p50 ms", "p99 ms", "max ms", "mean ms");
        double busy = 0;
        for (Map.Entry<String, List<Long>> entry : durations.entrySet()) {
            long[] nanos = entry.getValue().stream().mapToLong(Long::longValue).toArray();
            double mean = Arrays.stream(nanos).average().orElse(0) / 1e6;
            table.add(entry.getKey(), nanos.length, Table.percentileMillis(nanos, 50), Table.percentileMillis(nanos, 99),
                    Table.percentileMillis(nanos, 100), Math.round(mean));
            if (entry.getKey().endsWith(" steady")) {
                busy += sourcesPerVendor.get(entry.getKey().split(" ")[0]) * mean / interval.toMillis();
            }
        }
        System.out.println();
        table.print();
        System.out.printf("Outcomes: %s%n", outcomes);
        System.out.printf("Steady cycle time per poll interval, summed over the sources: %.2f cycles running on average%n", busy);
    }

    /** How many cycles ran at once, over the looks taken. */
    private static final class Concurrency {
        private long sum;
        private int looks;
        private int max;

        void add(int running) {
            sum += running;
            looks++;
            max = Math.max(max, running);
        }

        double mean() {
            return looks == 0 ? Double.NaN : (double) sum / looks;
        }
    }

    private static Object lag(long[] nanos, double percentile) {
        return nanos.length == 0 ? "-" : (Object) Table.percentileMillis(nanos, percentile);
    }

    private SourcesBench() {
    }
}
