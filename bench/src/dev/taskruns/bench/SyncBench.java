package dev.taskruns.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Ingest end to end: the packaged production jar syncs one ESET and one Alibaba source from the vendor
 * simulators (a process of their own, {@link SimulatorHost}: seeded large, rate limits off, frozen
 * clock) through HTTP, mapping and the batch write into PostgreSQL; then, in the same run, COPY of
 * exactly the rows it stored into the same table (indexes and constraints in place) as the ceiling.
 *
 * <p>The scheduler is off: the bench starts one cycle per source (POST /api/v1/sources/{id}/sync), one
 * source after the other, so each backfill's wall time and CPU are its own. A JVM just started spends
 * most of its first minute's CPU compiling (JFR: 48 s of JIT in an 80 s run), so the same accounts are
 * first synced by two more sources on the fresh JVM (reported as "cold"), the store is emptied, and
 * then the measured sources sync into it. CPU is read from /proc:
 * the application's process, PostgreSQL's postmaster with every process it started (backends,
 * WAL writer, checkpointer, autovacuum), and the simulators' process. After each step the server's
 * share is broken down by process and by statement ({@link ServerProfile}).
 */
public final class SyncBench {

    private static final String ESET = "esetsim";
    private static final String ALIBABA = "alisim";
    private static final String ESET_COLD = "esetcold";
    private static final String ALIBABA_COLD = "alicold";

    /** What one measured step did, and what it cost each process. */
    private record Step(String name, long runs, long seeded, double seconds, double appCpu, double databaseCpu,
                        double simulatorCpu) {
        double runsPerSecond() {
            return runs / seconds;
        }

        /** Steps that ran one after the other, as one. */
        static Step sum(String name, List<Step> steps) {
            return new Step(name, steps.stream().mapToLong(Step::runs).sum(), steps.stream().mapToLong(Step::seeded).sum(),
                    steps.stream().mapToDouble(Step::seconds).sum(), steps.stream().mapToDouble(Step::appCpu).sum(),
                    steps.stream().mapToDouble(Step::databaseCpu).sum(), steps.stream().mapToDouble(Step::simulatorCpu).sum());
        }
    }

    /** CPU seconds used so far by the three processes. */
    private record Cpu(double app, double database, double simulator) {
        static Cpu read(PackagedApp app, BenchDatabase db, SimulatorHost simulator) throws SQLException {
            return new Cpu(app == null ? Double.NaN : app.cpuSeconds(), db.serverCpuSeconds(), simulator.cpuSeconds());
        }
    }

    public static void main(String[] args) throws Exception {
        Path app = PackagedApp.folder(false);
        Path simulatorApp = SimulatorHost.folder();
        SimulatorHost.Settings seed = new SimulatorHost.Settings(Integer.getInteger("bench.esetDevices", 5_000),
                Integer.getInteger("bench.esetTasks", 4_000), Integer.getInteger("bench.alibabaEntities", 5_000),
                Integer.getInteger("bench.alibabaTasks", 50_000), false, true, false);
        long maxSeconds = Long.getLong("bench.maxSeconds", 1800);

        BenchDatabase db = BenchDatabase.open(true);
        System.out.printf("PostgreSQL: %s%n", db.describe());
        System.out.printf("Load average before: %s%n", Machine.loadAverage());
        System.out.printf("Simulators: %s%n", seed);
        String[] database = db.credentials();
        List<Step> cold = new ArrayList<>();
        List<Step> steps = new ArrayList<>();
        try (SimulatorHost simulator = SimulatorHost.start(simulatorApp, db.createDatabase("simulator"), database[1],
                database[2], seed)) {
            System.out.printf("Seeded: %,d ESET runs, %,d Alibaba tasks%n", simulator.esetRuns(), simulator.alibabaRuns());
            Map<String, String> properties = new LinkedHashMap<>();
            for (String source : List.of(ESET_COLD, ESET)) {
                properties.putAll(simulator.esetSource(source));
            }
            for (String source : List.of(ALIBABA_COLD, ALIBABA)) {
                properties.putAll(simulator.alibabaSource(source));
            }
            properties.put("taskruns.sync.scheduler-enabled", "false"); // the bench starts each cycle
            // rate limits off on our side too: the budget is the vendors', and they have none here
            properties.put("taskruns.eset.requests-per-second", "100000");
            properties.put("taskruns.alibaba.requests-per-second", "100000");
            // the frozen simulator gets no late tasks, and its tasks reach back 30 days from seeding
            properties.put("taskruns.alibaba.lag", "0s");
            properties.put("taskruns.alibaba.backfill", "45d");
            List<String> jvmArgs = new ArrayList<>(PackagedApp.podJvmArgs());
            String jfr = System.getProperty("bench.jfr"); // a Flight Recorder profile of both cycles
            if (jfr != null) {
                jvmArgs.add("-XX:StartFlightRecording=name=bench,settings=profile");
            }
            try (PackagedApp aggregator = PackagedApp.start(app, jvmArgs, database[0], database[1], database[2],
                    properties)) {
                System.out.printf("Application: %s, JVM options %s, ready in %.0f ms%n%n", app,
                        String.join(" ", jvmArgs), aggregator.readyMillis);
                String token = "Bearer " + PackagedApp.token(Set.of("taskruns-sync"));
                cold.add(sync(aggregator, db, simulator, token, ESET_COLD, "cold JVM: sync ESET", simulator.esetRuns(),
                        maxSeconds));
                cold.add(sync(aggregator, db, simulator, token, ALIBABA_COLD, "cold JVM: sync Alibaba",
                        simulator.alibabaRuns(), maxSeconds));
                db.reset();
                steps.add(sync(aggregator, db, simulator, token, ESET, "sync ESET (" + ESET + ")",
                        simulator.esetRuns(), maxSeconds));
                steps.add(sync(aggregator, db, simulator, token, ALIBABA, "sync Alibaba (" + ALIBABA + ")",
                        simulator.alibabaRuns(), maxSeconds));
                if (jfr != null) {
                    aggregator.jcmd("JFR.dump", "name=bench", "filename=" + Path.of(jfr).toAbsolutePath());
                }
            }
            steps.add(Step.sum("sync, both", steps));
            steps.add(copy(db, simulator));
        }
        Step both = steps.get(2);
        Step copy = steps.get(3);
        System.out.printf("%nLoad average after: %s%n%n", Machine.loadAverage());
        Table table = new Table("step", "runs stored", "seeded", "seconds", "runs/s", "app CPU s",
                "PostgreSQL CPU s", "simulator CPU s", "app CPU ms / 1k runs", "PostgreSQL CPU ms / 1k runs");
        for (Step step : Stream.concat(cold.stream(), steps.stream()).toList()) {
            table.add(step.name(), step.runs(), step.seeded(), step.seconds(), step.runsPerSecond(), step.appCpu(),
                    step.databaseCpu(), step.simulatorCpu(), perThousand(step.appCpu(), step.runs()),
                    perThousand(step.databaseCpu(), step.runs()));
        }
        table.print();
        System.out.printf("Sync vs COPY: %.2fx (goal >= 0.5x)%n", both.runsPerSecond() / copy.runsPerSecond());
    }

    /** Starts one cycle of {@code source} and waits until it has ended; fails on a failed cycle. */
    private static Step sync(PackagedApp app, BenchDatabase db, SimulatorHost simulator, String token, String source,
                             String name, long seeded, long maxSeconds) throws Exception {
        ServerProfile profile = ServerProfile.start(db);
        Cpu before = Cpu.read(app, db, simulator);
        long begin = System.nanoTime();
        Instant started = Instant.now();
        HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(app.url("/api/v1/sources/" + source + "/sync")))
                .header("Authorization", token).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 202) {
            throw new IllegalStateException("POST sync of " + source + " answered " + answer.statusCode() + ": "
                    + answer.body());
        }
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("""
                SELECT state, last_sync_succeeded_at, last_error, runs_stored FROM source WHERE id = ?""")) {
            ps.setString(1, source);
            while (true) {
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    Timestamp succeeded = rs.getTimestamp(2);
                    if (succeeded != null && !succeeded.toInstant().isBefore(started)) {
                        double seconds = (System.nanoTime() - begin) / 1e9;
                        Cpu after = Cpu.read(app, db, simulator);
                        System.out.printf("%s: %,d runs in %.1f s%n", name, rs.getLong(4), seconds);
                        profile.print(name, rs.getLong(4));
                        return new Step(name, rs.getLong(4), seeded, seconds, after.app() - before.app(),
                                after.database() - before.database(), after.simulator() - before.simulator());
                    }
                    if (rs.getString(3) != null && !"SYNCING".equals(rs.getString(1))) {
                        throw new IllegalStateException(source + " failed: " + rs.getString(3) + "\n" + app.output());
                    }
                }
                if (System.nanoTime() - begin > TimeUnit.SECONDS.toNanos(maxSeconds)) {
                    throw new IllegalStateException(source + " still syncing after " + maxSeconds + " s");
                }
                Thread.sleep(100);
            }
        }
    }

    /** The ceiling: every stored run exported, the table emptied, and the rows COPYed back in. */
    private static Step copy(BenchDatabase db, SimulatorHost simulator) throws SQLException {
        try (Connection c = db.connect()) {
            byte[] rows = db.exportRuns(c);
            long runs;
            ServerProfile profile = ServerProfile.start(db);
            Cpu before = Cpu.read(null, db, simulator);
            double seconds = db.copyBackRuns(c, rows);
            Cpu after = Cpu.read(null, db, simulator);
            try (ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM run")) {
                rs.next();
                runs = rs.getLong(1);
            }
            System.out.printf("COPY: %,d runs (%,d MB) in %.1f s%n", runs, rows.length >> 20, seconds);
            profile.print("COPY", runs);
            return new Step("COPY of the stored rows", runs, runs, seconds, Double.NaN,
                    after.database() - before.database(), Double.NaN);
        }
    }

    private static double perThousand(double cpuSeconds, long runs) {
        return cpuSeconds * 1000 * 1000 / runs;
    }

    private SyncBench() {
    }
}
