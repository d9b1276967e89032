package dev.taskruns.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Freshness: how long a vendor-side change takes to show in the facade, with ESET's real rate limit
 * (10 calls/s) on. Per size: the simulator seeded with that many active ESET tasks, the packaged
 * production jar syncing it (one ESET and one Alibaba source, a realistic poll interval); after the
 * backfill, new runs start on random (task, device) pairs at random times and each is followed on
 * {@code /api/v1/last-runs?deviceId=..&taskId=..} until it shows (new run) and until it shows
 * finished (the same run ending later). Compared with the bound the rate limit sets: calls per
 * cycle ÷ 10 per second, and the goal 1.5 × bound + one poll interval.
 */
public final class FreshnessBench {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ESET = "fresh";
    private static final double VENDOR_RATE = 10;
    private static final Duration LOOK_EVERY = Duration.ofMillis(500);
    private static final String[] HEADER = {"active tasks", "changes", "new run shown p50 / p95 / max (s)",
            "finish shown p50 / p95 / max (s)", "ESET calls/cycle", "cycle (s)", "bound (s)",
            "goal 1.5·bound + poll (s)", "worst / goal"};

    /** One vendor-side change and when the facade showed it (null until it did). */
    private static final class Change {
        final String task;
        final String device;
        final String runId;
        final Instant started;
        final Instant ends;
        Instant shownRunning;
        Instant shownFinished;
        /** A later run of the same task on the device (a recurring wave) took its place before it showed. */
        boolean superseded;

        Change(JsonNode run) {
            task = run.path("taskUuid").asText();
            device = run.path("deviceUuid").asText();
            runId = run.path("uuid").asText();
            started = Instant.parse(run.path("startTime").asText());
            ends = Instant.parse(run.path("endTime").asText());
        }
    }

    /** A sync cycle of the ESET source as /api/v1/sources showed it, and the ESET calls made until it started. */
    private record Cycle(Instant started, Instant succeeded, long callsAtStart) {
    }

    private FreshnessBench() {
    }

    public static void main(String[] args) throws Exception {
        int[] sizes = Arrays.stream(System.getProperty("bench.sizes", "20,200,2000").split(","))
                .mapToInt(s -> Integer.parseInt(s.trim())).toArray();
        Duration poll = Duration.parse("PT" + System.getProperty("bench.pollInterval", "60s").toUpperCase());
        int changes = Integer.getInteger("bench.changes", 12);
        int devices = Integer.getInteger("bench.devices", 300);
        Random random = new Random(Long.getLong("bench.seed", 1));

        BenchDatabase db = BenchDatabase.open();
        Path app = PackagedApp.folder(false);
        String token = PackagedApp.token();
        System.out.printf("PostgreSQL: %s%n", db.describe());
        System.out.printf("Load average before: %s%n", Machine.loadAverage());
        System.out.printf("Poll interval %s, %d changes per size, %d devices, ESET limit %.0f calls/s (client budget 9/s)%n%n",
                poll, changes, devices, VENDOR_RATE);

        Table table = new Table(HEADER);
        // every ESET task active, the vendors' rate limits on, the wall clock; Alibaba at the demo's size
        SimulatorHost.Settings first = new SimulatorHost.Settings(devices, sizes[0], 300, 2000, true, false, true);
        String[] database = db.credentials();
        try (SimulatorHost simulator = SimulatorHost.start(SimulatorHost.folder(), db.createDatabase("simulator"),
                database[1], database[2], first)) {
            for (int i = 0; i < sizes.length; i++) {
                if (i > 0) { // the first size is what the simulators started with
                    simulator.resetEset(devices, sizes[i], true, true);
                }
                db.reset();
                measure(sizes[i], changes, poll, random, db, app, token, simulator, table);
            }
        }
        System.out.printf("Load average after: %s%n%n", Machine.loadAverage());
        table.print();
    }

    private static void measure(int size, int changeCount, Duration poll, Random random, BenchDatabase db, Path app,
                                String token, SimulatorHost simulator, Table table) throws Exception {
        String[] credentials = db.credentials();
        Instant began = Instant.now();
        try (PackagedApp service = PackagedApp.start(app, PackagedApp.podJvmArgs(), credentials[0], credentials[1],
                credentials[2], sources(simulator, poll))) {
            HttpClient http = HttpClient.newHttpClient();
            List<Cycle> cycles = new CopyOnWriteArrayList<>();
            Thread watcher = Thread.ofVirtual().start(() -> watchCycles(http, service, token, simulator, began, cycles));
            try {
                while (cycles.isEmpty() || cycles.getFirst().succeeded() == null) {
                    Thread.sleep(1000);
                    if (Instant.now().isAfter(began.plus(Duration.ofMinutes(20)))) {
                        throw new IllegalStateException("no ESET backfill after 20 min:\n" + service.output());
                    }
                }
                Cycle backfill = cycles.getFirst();
                System.out.printf("%,d active tasks: backfill %.0f s%n", size,
                        Duration.between(backfill.started(), backfill.succeeded()).toMillis() / 1e3);

                // a cycle's length is the calls it needs at the client's 9/s; the runs' lengths span it twice
                double expectedCycle = Math.max(poll.toSeconds(), (size + 1) / 9.0);
                List<Change> changes = new CopyOnWriteArrayList<>();
                Thread injector = Thread.ofVirtual().start(() -> inject(simulator, changeCount, expectedCycle, random, changes));
                follow(http, service, token, injector, changes, Duration.ofSeconds((long) (6 * expectedCycle) + 120));
                report(size, poll, changes, cycles, table);
                printConnectorCounters(http, service, size);
            } finally {
                watcher.interrupt();
            }
        }
    }

    /** The ESET source on the simulator (the one measured) and an Alibaba source syncing alongside, as deployed. */
    private static Map<String, String> sources(SimulatorHost simulator, Duration poll) {
        Map<String, String> properties = new LinkedHashMap<>(simulator.esetSource(ESET));
        properties.putAll(simulator.alibabaSource("ali"));
        properties.put("taskruns.sources." + ESET + ".poll-interval", poll.toSeconds() + "s");
        properties.put("taskruns.sources.ali.poll-interval", poll.toSeconds() + "s");
        return properties;
    }

    /**
     * Starts {@code count} runs on distinct devices at random moments over one expected cycle (so the
     * changes fall at every phase of it), each running between one and two cycles: long enough to be
     * seen running first, so its end is a status change of a run the service already follows.
     */
    private static void inject(SimulatorHost simulator, int count, double cycleSeconds, Random random, List<Change> changes) {
        try {
            injectOrFail(simulator, count, cycleSeconds, random, changes);
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("changes stopped after " + changes.size(), e);
        }
    }

    private static void injectOrFail(SimulatorHost simulator, int count, double cycleSeconds, Random random,
                                     List<Change> changes) throws IOException, InterruptedException {
        List<String[]> pairs = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (JsonNode run : simulator.esetGroundTruth().path("runs")) {
            String device = run.path("deviceUuid").asText();
            if (seen.add(run.path("taskUuid").asText() + " " + device)) {
                pairs.add(new String[] {run.path("taskUuid").asText(), device});
            }
        }
        Collections.shuffle(pairs, random);
        List<double[]> at = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            at.add(new double[] {random.nextDouble() * cycleSeconds, cycleSeconds * (1 + random.nextDouble())});
        }
        at.sort((a, b) -> Double.compare(a[0], b[0]));
        Set<String> devices = new HashSet<>();
        long begin = System.nanoTime();
        for (String[] pair : pairs) {
            if (changes.size() == count) {
                break;
            }
            if (!devices.add(pair[1])) {
                continue; // one change per device, so no change hides another
            }
            double[] moment = at.get(changes.size());
            long wait = (long) (moment[0] * 1e9) - (System.nanoTime() - begin);
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000);
            }
            changes.add(new Change(simulator.startEsetRun(pair[0], pair[1], (long) moment[1])));
        }
    }

    /**
     * Looks at every change, while they are being made, until each shows running and finished, or gives
     * up after {@code limit}.
     */
    private static void follow(HttpClient http, PackagedApp service, String token, Thread injector, List<Change> changes,
                               Duration limit) throws IOException, InterruptedException {
        Instant giveUp = Instant.now().plus(limit);
        while (Instant.now().isBefore(giveUp) && (injector.isAlive() || changes.stream().anyMatch(c -> c.shownFinished == null && !c.superseded))) {
            for (Change change : changes) {
                if (change.shownFinished != null || change.superseded) {
                    continue;
                }
                JsonNode last = get(http, service, token, "/api/v1/last-runs?source=" + ESET + "&deviceId="
                        + URLEncoder.encode(change.device, StandardCharsets.UTF_8) + "&taskId=" + change.task).path("items").path(0);
                if (!change.runId.equals(last.path("runId").asText())) {
                    change.superseded = last.hasNonNull("startedAt") && Instant.parse(last.path("startedAt").asText()).isAfter(change.started);
                    continue;
                }
                Instant now = Instant.now();
                if (change.shownRunning == null) {
                    change.shownRunning = now;
                }
                if ("SUCCEEDED".equals(last.path("status").asText())) {
                    change.shownFinished = now;
                }
            }
            Thread.sleep(LOOK_EVERY.toMillis());
        }
    }

    /**
     * Records each new cycle of the ESET source with the simulator's call count at its start; the
     * source's row outlives the store's reset, so cycles that started before {@code since} are another size's.
     */
    private static void watchCycles(HttpClient http, PackagedApp service, String token, SimulatorHost simulator,
                                    Instant since, List<Cycle> cycles) {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                for (JsonNode source : get(http, service, token, "/api/v1/sources")) {
                    if (!ESET.equals(source.path("id").asText()) || source.path("lastSyncStartedAt").isNull()) {
                        continue;
                    }
                    Instant started = Instant.parse(source.path("lastSyncStartedAt").asText());
                    if (started.isBefore(since)) {
                        continue;
                    }
                    Instant succeeded = source.path("lastSyncSucceededAt").isNull() ? null
                            : Instant.parse(source.path("lastSyncSucceededAt").asText());
                    Cycle last = cycles.isEmpty() ? null : cycles.getLast();
                    if (last == null || !last.started().equals(started)) {
                        // back-to-back cycles: the next one may start before the last one's success was seen
                        if (last != null && last.succeeded() == null && succeeded != null && !succeeded.isBefore(last.started())) {
                            cycles.set(cycles.size() - 1, new Cycle(last.started(), succeeded, last.callsAtStart()));
                        }
                        cycles.add(new Cycle(started, null, simulator.esetCalls()));
                    } else if (succeeded != null && last.succeeded() == null && !succeeded.isBefore(started)) {
                        cycles.set(cycles.size() - 1, new Cycle(started, succeeded, last.callsAtStart()));
                    }
                }
                Thread.sleep(250);
            }
        } catch (InterruptedException | IOException stopped) {
            // interrupted at the end of the size (an IOException then is the interrupted HTTP call)
        }
    }

    private static void report(int size, Duration poll, List<Change> changes, List<Cycle> cycles, Table table) {
        // steady cycles: after the backfill, and complete (the next one has started)
        List<Cycle> steady = cycles.subList(1, Math.max(1, cycles.size() - 1));
        long[] calls = new long[steady.size()];
        long[] cycleNanos = new long[steady.size()];
        for (int i = 0; i < steady.size(); i++) {
            calls[i] = cycles.get(i + 2).callsAtStart() - steady.get(i).callsAtStart();
            Cycle c = steady.get(i);
            cycleNanos[i] = c.succeeded() == null ? 0 : Duration.between(c.started(), c.succeeded()).toNanos();
        }
        double callsPerCycle = median(calls);
        double bound = callsPerCycle / VENDOR_RATE;
        double goal = 1.5 * bound + poll.toSeconds();
        long[] shown = changes.stream().filter(c -> c.shownRunning != null)
                .mapToLong(c -> Duration.between(c.started, c.shownRunning).toNanos()).toArray();
        long[] finished = changes.stream().filter(c -> c.shownFinished != null)
                .mapToLong(c -> Duration.between(c.ends, c.shownFinished).toNanos()).toArray();
        long superseded = changes.stream().filter(c -> c.superseded).count();
        long lost = changes.stream().filter(c -> c.shownFinished == null && !c.superseded).count();
        double worst = Math.max(max(shown), max(finished)) / 1e9;
        Table row = new Table(HEADER);
        for (Table t : List.of(table, row)) {
            t.add(size, changes.size() + (superseded > 0 ? " (" + superseded + " superseded)" : "")
                        + (lost > 0 ? " (" + lost + " not shown)" : ""), spread(shown), spread(finished),
                    callsPerCycle, median(cycleNanos) / 1e9, bound, goal, String.format("%.2f", worst / goal));
        }
        row.print();
        System.out.printf("%,d active tasks: %d steady cycles, calls per cycle %s%n", size, steady.size(), Arrays.toString(calls));
    }

    /** What the ESET connector says it did (tasks read, name lookups, token grants): where the calls went. */
    private static void printConnectorCounters(HttpClient http, PackagedApp service, int size)
            throws IOException, InterruptedException {
        String metrics = http.send(HttpRequest.newBuilder(URI.create(service.managementUrl("/q/metrics"))).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        metrics.lines().filter(line -> line.startsWith("taskruns_eset_") || line.startsWith("taskruns_vendor_api_calls_total"))
                .forEach(line -> System.out.printf("%,d active tasks: %s%n", size, line));
    }

    private static String spread(long[] nanos) {
        if (nanos.length == 0) {
            return "-";
        }
        return String.format("%.1f / %.1f / %.1f", Table.percentileMillis(nanos, 50) / 1e3,
                Table.percentileMillis(nanos, 95) / 1e3, max(nanos) / 1e9);
    }

    private static long max(long[] values) {
        return Arrays.stream(values).max().orElse(0);
    }

    private static double median(long[] values) {
        return values.length == 0 ? Double.NaN : Table.percentileMillis(values, 50) * 1e6;
    }

    private static JsonNode get(HttpClient http, PackagedApp service, String token, String path)
            throws IOException, InterruptedException {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(service.url(path)))
                .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 200) {
            throw new IllegalStateException(path + " answered " + answer.statusCode() + ": " + answer.body());
        }
        return JSON.readTree(answer.body());
    }
}
