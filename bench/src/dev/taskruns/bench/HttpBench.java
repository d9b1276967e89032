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
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The facade over HTTP, as consumers see it, beside PostgreSQL's own ceiling: the dataset loaded by
 * COPY into a throw-away PostgreSQL, the packaged production jar started against it (prod profile,
 * authentication on, the pod's memory setting), and for every facade shape in turn, interleaved:
 * wrk with bench.connections (8) connections on two threads, pgbench running the exact statements the
 * service sent for those requests (read back from the server's log: {@link ServerLog}), and pgbench
 * running the best SQL written for the shape ({@link BestSql}), each for bench.seconds (10) after a
 * warm-up over all shapes (bench.firstWarmup) and a short one each. Shapes that name a device or a
 * task draw one of their samples per request (a wrk Lua script; a pgbench script per sample). Prints
 * requests/s, p50/p99 latency, non-2xx answers, the two ratios, the answer's size plain and
 * gzip-compressed, and the application's resident memory: at ready, the highest seen while under load
 * (sampled every 250 ms), and at the end.
 */
public final class HttpBench {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Devices or tasks a shape draws from: one pgbench script each, and pgbench takes at most 128. */
    private static final int SAMPLES = Pgbench.MAX_SAMPLES;

    /** One facade shape: what wrk requests (one path, or one drawn per request from several). */
    record Shape(String name, List<String> paths, boolean gzip) {
        static Shape of(String name, String path) {
            return new Shape(name, List.of(path), false);
        }
    }

    /** A shape's three measurements. */
    private record Measured(WrkResult http, Pgbench.Result same, Pgbench.Result best) {
    }

    /** What wrk printed for a shape. */
    record WrkResult(double requestsPerSecond, double p50Millis, double p99Millis, long non2xx) {
    }

    public static void main(String[] args) throws Exception {
        Path app = PackagedApp.folder(false);
        Dataset data = Dataset.fromProperties();
        int seconds = Integer.getInteger("bench.seconds", 10);
        int connections = Integer.getInteger("bench.connections", 8);
        // The JIT needs tens of seconds of load on 2 cores (a single-device read ran at 888 req/s after
        // 2 s of warm-up, 2,447 after 40 s): one warm-up over all shapes first, then a short one each.
        int firstWarmup = Integer.getInteger("bench.firstWarmup", 60);
        int warmup = Integer.getInteger("bench.warmup", 3);
        requireWrk();

        BenchDatabase db = BenchDatabase.openWith(data);
        db.printSetting(data);

        // as the image starts it: from the AOT cache when the build recorded one (bench.aotCache=false: without)
        List<String> jvmArgs = new ArrayList<>(PackagedApp.podJvmArgs());
        Path cache = app.resolve("app.aot");
        if (Files.isRegularFile(cache) && Boolean.parseBoolean(System.getProperty("bench.aotCache", "true"))) {
            jvmArgs.add("-XX:AOTCache=" + cache.toAbsolutePath());
        }
        // bench.jfr=<file>: a Flight Recorder profile of the whole load, dumped there at the end
        String jfr = System.getProperty("bench.jfr");
        if (jfr != null) {
            jvmArgs.add("-XX:StartFlightRecording=name=bench,settings=profile");
        }
        String[] database = db.credentials();
        try (PackagedApp started = PackagedApp.start(app, jvmArgs, database[0], database[1], database[2], appProperties())) {
            long[] atReady = started.memory();
            System.out.printf("Application: %s, JVM options %s, ready in %.0f ms, RSS %,d MB%n%n", app,
                    String.join(" ", jvmArgs), started.readyMillis, atReady[0] >> 10);
            String token = "Bearer " + PackagedApp.token();
            HttpClient http = HttpClient.newHttpClient();
            // bench.shapes: a regular expression on the shape names, to measure a few of them
            Pattern only = Pattern.compile(System.getProperty("bench.shapes", ".*"));
            List<Shape> shapes = shapes(data, started, http, token, only);

            // the statements each sample request makes, read back from the server's log, for pgbench
            Map<Shape, List<List<ServerLog.Executed>>> statements = new LinkedHashMap<>();
            Pgbench pgbench = null;
            try (Connection c = db.connect()) {
                ServerLog log = ServerLog.of(c);
                if (log == null || !Pgbench.installed()) {
                    System.out.println("No pgbench columns: " + (log == null
                            ? "the server writes no JSON log (log_destination=jsonlog)" : "pgbench not found"));
                } else {
                    pgbench = new Pgbench(database[0], database[1], database[2]);
                    for (Shape shape : shapes) {
                        statements.put(shape, log.record(shape.paths().size(),
                                i -> get(http, started.url(shape.paths().get(i)), token)));
                    }
                    BestSql.check(c, statements);
                }
            }

            AtomicLong peakRss = new AtomicLong();
            Thread sampler = Thread.ofPlatform().daemon().start(() -> {
                try {
                    while (!Thread.currentThread().isInterrupted()) {
                        peakRss.accumulateAndGet(started.memory()[0], Math::max);
                        Thread.sleep(250);
                    }
                } catch (IOException | InterruptedException stopped) {
                    // the measurement is over
                }
            });

            Table table = new Table("shape", "example", "req/s", "p50 ms", "p99 ms", "non-2xx", "same SQL tps",
                    "same SQL p99 ms", "ratio", "best SQL tps", "ratio", "bytes", "gzip bytes");
            Path scripts = Files.createTempDirectory("wrk");
            Map<Shape, Path> shapeScripts = new LinkedHashMap<>();
            for (Shape shape : shapes) {
                shapeScripts.put(shape, script(scripts, shape, token));
            }
            for (Path script : shapeScripts.values()) {
                wrk(started.url(""), script, connections, Math.max(1, firstWarmup / shapes.size()));
            }
            for (Shape shape : shapes) {
                Measured m = measure(shape, started, shapeScripts.get(shape), pgbench, statements.get(shape),
                        connections, warmup, seconds);
                long[] sizes = sizes(http, started.url(shape.paths().getFirst()), token);
                double rate = m.http().requestsPerSecond();
                table.add(shape.name() + (shape.gzip() ? " (gzip)" : ""), example(shape), rate,
                        m.http().p50Millis(), m.http().p99Millis(), m.http().non2xx(),
                        m.same() == null ? "-" : m.same().tps(), m.same() == null ? "-" : m.same().p99Millis(),
                        m.same() == null ? "-" : ratio(rate, m.same().tps()),
                        m.best() == null ? "-" : m.best().tps(), m.best() == null ? "-" : ratio(rate, m.best().tps()),
                        sizes[0], sizes[1]);
                System.out.printf("%s: %.0f req/s, p50 %.2f ms, p99 %.2f ms; same SQL %s tps, best SQL %s tps%n",
                        shape.name(), rate, m.http().p50Millis(), m.http().p99Millis(),
                        m.same() == null ? "-" : String.format("%.0f", m.same().tps()),
                        m.best() == null ? "-" : String.format("%.0f", m.best().tps()));
            }
            sampler.interrupt();
            long[] atEnd = started.memory();
            // where the memory is: the heap always, the JVM's native areas when NMT is on (bench.jvmArgs)
            started.jcmd("GC.heap_info");
            if (jvmArgs.stream().anyMatch(a -> a.startsWith("-XX:NativeMemoryTracking="))) {
                started.jcmd("VM.native_memory", "summary");
            }
            if (jfr != null) {
                started.jcmd("JFR.dump", "name=bench", "filename=" + Path.of(jfr).toAbsolutePath());
            }
            System.out.println();
            table.print();
            System.out.printf("Application RSS: %,d MB at ready, %,d MB at most under load, %,d MB at the end"
                    + " (%,d MB anonymous)%n", atReady[0] >> 10, peakRss.get() >> 10, atEnd[0] >> 10, atEnd[1] >> 10);
        }
        System.out.printf("Load average after: %s%n", Machine.loadAverage());
    }

    /**
     * wrk, pgbench of the service's statements and pgbench of the best SQL one after the other, each
     * after a short warm-up of its own, so the three see the same machine.
     */
    private static Measured measure(Shape shape, PackagedApp app, Path script, Pgbench pgbench,
                                    List<List<ServerLog.Executed>> statements, int connections, int warmup,
                                    int seconds) throws Exception {
        wrk(app.url(""), script, connections, warmup);
        WrkResult http = wrk(app.url(""), script, connections, seconds);
        if (pgbench == null) {
            return new Measured(http, null, null);
        }
        pgbench.run(shape.name(), statements, connections, warmup);
        Pgbench.Result same = pgbench.run(shape.name(), statements, connections, seconds);
        List<List<ServerLog.Executed>> best = BestSql.samples(shape.name(), statements);
        pgbench.run(shape.name() + " best", best, connections, warmup);
        return new Measured(http, same, pgbench.run(shape.name() + " best", best, connections, seconds));
    }

    private static double ratio(double http, double pgbench) {
        return Math.round(http / pgbench * 100) / 100.0;
    }

    /**
     * Every request asks for JSON, as the facade's clients do: /changes answers the same URL with
     * Server-Sent Events to {@code Accept: text/event-stream}.
     */
    private static final String ACCEPT = "application/json";

    /** The body of a 200 answer to an authorized GET (anything else stops the benchmark). */
    private static String get(HttpClient http, String url, String token) throws Exception {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", token)
                .header("Accept", ACCEPT).build(), HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 200) {
            throw new IllegalStateException(url + " answered " + answer.statusCode() + ": " + answer.body());
        }
        return answer.body();
    }

    /**
     * The dataset's sources, configured but disabled: the facade knows them, nothing syncs. The change
     * feed's retention long enough to keep the loaded changes, which are as old as the load (a kept
     * store's too), so no request meets a store being pruned.
     */
    private static Map<String, String> appProperties() {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("taskruns.changes.retention", "36500d");
        for (Dataset.Source source : Dataset.SOURCES) {
            String prefix = "taskruns.sources." + source.id() + ".";
            properties.put(prefix + "vendor", source.vendor().name().toLowerCase());
            properties.put(prefix + "enabled", "false");
            switch (source.vendor()) {
                case ESET -> {
                    properties.put(prefix + "eset.region", "eu");
                    properties.put(prefix + "eset.username", "bench@example.com");
                    properties.put(prefix + "eset.password", "bench");
                }
                case ALIBABA -> {
                    properties.put(prefix + "alibaba.access-key-id", "bench");
                    properties.put(prefix + "alibaba.access-key-secret", "bench");
                }
            }
        }
        return properties;
    }

    private static List<Shape> shapes(Dataset data, PackagedApp app, HttpClient http, String token, Pattern only)
            throws Exception {
        SplittableRandom random = new SplittableRandom(42);
        List<String> lastRun = new ArrayList<>();
        List<String> lastRunOfSource = new ArrayList<>();
        List<String> history = new ArrayList<>();
        for (int i = 0; i < SAMPLES; i++) {
            int device = random.nextInt(data.devices);
            String id = Dataset.deviceId(device);
            lastRun.add("/api/v1/devices/" + id + "/last-run");
            lastRunOfSource.add("/api/v1/devices/" + id + "/last-run?source=" + Dataset.sourceOfDevice(device).id());
            history.add("/api/v1/devices/" + id + "/runs");
        }
        List<String> lastRunsOfTask = new ArrayList<>();
        List<String> runsOfTask = new ArrayList<>();
        for (int i = 0; i < SAMPLES; i++) {
            String task = Dataset.taskId(random.nextInt(data.tasks));
            lastRunsOfTask.add("/api/v1/last-runs?taskId=" + task);
            runsOfTask.add("/api/v1/runs?taskId=" + task);
        }
        List<String> changesOfDevice = new ArrayList<>();
        for (int i = 0; i < SAMPLES; i++) {
            changesOfDevice.add("/api/v1/changes?limit=100&deviceId=" + Dataset.deviceId(random.nextInt(data.devices)));
        }
        String hourAgo = encode(Dataset.END.minus(Duration.ofHours(1)));
        String weekAgo = encode(Dataset.END.minus(Duration.ofDays(7)));
        return List.of(
                new Shape("device last run, all sources", lastRun, false),
                new Shape("device last run, source=", lastRunOfSource, false),
                new Shape("device history, first page", history, false),
                Shape.of("last-runs, first page", "/api/v1/last-runs"),
                new Shape("last-runs, first page", List.of("/api/v1/last-runs"), true),
                deepPage("last-runs, deep page", "/api/v1/last-runs", data.devices, only, app, http, token),
                Shape.of("last-runs, status=FAILED", "/api/v1/last-runs?status=FAILED"),
                new Shape("last-runs, taskId=", lastRunsOfTask, false),
                Shape.of("last-runs, startedAfter=end-1h", "/api/v1/last-runs?startedAfter=" + hourAgo),
                Shape.of("last-runs, startedAfter=end-7d", "/api/v1/last-runs?startedAfter=" + weekAgo),
                Shape.of("last-runs, vendor=ALIBABA", "/api/v1/last-runs?vendor=ALIBABA"),
                Shape.of("runs, first page", "/api/v1/runs"),
                deepPage("runs, deep page", "/api/v1/runs", data.runs, only, app, http, token),
                Shape.of("runs, status=FAILED", "/api/v1/runs?status=FAILED"),
                new Shape("runs, taskId=", runsOfTask, false),
                Shape.of("runs, startedAfter=end-1h", "/api/v1/runs?startedAfter=" + hourAgo),
                Shape.of("runs, startedAfter=end-7d", "/api/v1/runs?startedAfter=" + weekAgo),
                Shape.of("runs, vendor=ALIBABA", "/api/v1/runs?vendor=ALIBABA"),
                // the change feed as pages (JSON); one change per run, oldest first (BenchDatabase)
                Shape.of("changes, first page", "/api/v1/changes?limit=100"),
                middleChanges("changes, deep page", only, app, http, token),
                Shape.of("changes, status=FAILED", "/api/v1/changes?limit=100&status=FAILED"),
                // ~20 changes per device: each call reads its 40 windows of 5,000 ids and answers what it found
                new Shape("changes, deviceId=", changesOfDevice, false),
                Shape.of("changes, since=now", "/api/v1/changes?since=now"))
                .stream().filter(shape -> only.matcher(shape.name()).find()).toList();
    }

    /** A page from the middle of {@code path}'s order; walked to only when the shape is to be measured. */
    private static Shape deepPage(String name, String path, int items, Pattern only, PackagedApp app, HttpClient http,
                                  String token) throws Exception {
        return Shape.of(name, only.matcher(name).find() ? middle(app, http, token, path, items) : path);
    }

    /**
     * The cursor reached by walking half of {@code items} in pages of 1000 (cursors are opaque, so
     * walking is the only way to one).
     */
    private static String middle(PackagedApp app, HttpClient http, String token, String path, int items) throws Exception {
        String cursor = null;
        for (int walked = 0; walked < items / 2; walked += 1000) {
            String url = app.url(path + "?limit=1000" + (cursor == null ? "" : "&cursor=" + cursor));
            JsonNode next = JSON.readTree(get(http, url, token)).get("nextCursor");
            if (next == null || next.isNull()) {
                break;
            }
            cursor = URLEncoder.encode(next.asText(), StandardCharsets.UTF_8);
        }
        return path + (cursor == null ? "" : "?cursor=" + cursor);
    }

    /**
     * A page of changes after the id halfway between the oldest and the newest (change ids are
     * numbers; the walk of {@link #middle} would read 500 pages for the same point).
     */
    private static Shape middleChanges(String name, Pattern only, PackagedApp app, HttpClient http, String token)
            throws Exception {
        String path = "/api/v1/changes?limit=100";
        if (!only.matcher(name).find()) {
            return Shape.of(name, path);
        }
        long newest = Long.parseLong(JSON.readTree(get(http, app.url("/api/v1/changes?since=now"), token))
                .get("nextCursor").asText());
        JsonNode oldest = JSON.readTree(get(http, app.url("/api/v1/changes?limit=1"), token)).get("items");
        if (oldest.isEmpty()) {
            throw new IllegalStateException("The store holds no changes to page through");
        }
        long first = Long.parseLong(oldest.get(0).get("id").asText());
        return Shape.of(name, path + "&after=" + (first + (newest - first) / 2));
    }

    /** A wrk script drawing one of the shape's paths per request, with the token (and gzip if asked). */
    private static Path script(Path folder, Shape shape, String token) throws IOException {
        StringBuilder lua = new StringBuilder("local paths = {\n");
        for (String path : shape.paths()) {
            lua.append("  \"").append(path).append("\",\n");
        }
        lua.append("}\n")
                .append("local headers = { [\"Authorization\"] = \"").append(token).append("\"")
                .append(", [\"Accept\"] = \"").append(ACCEPT).append("\"")
                .append(shape.gzip() ? ", [\"Accept-Encoding\"] = \"gzip\"" : "").append(" }\n")
                .append("request = function()\n")
                .append("  return wrk.format(\"GET\", paths[math.random(#paths)], headers)\n")
                .append("end\n");
        Path script = Files.createTempFile(folder, "shape", ".lua");
        Files.writeString(script, lua);
        return script;
    }

    private static final Pattern RATE = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
    private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses:\\s+(\\d+)");

    private static WrkResult wrk(String base, Path script, int connections, int seconds) throws Exception {
        Process wrk = new ProcessBuilder("wrk", "-t2", "-c" + connections, "-d" + seconds + "s", "--latency",
                "-s", script.toString(), base).redirectErrorStream(true).start();
        String output = new String(wrk.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (wrk.waitFor() != 0) {
            throw new IllegalStateException("wrk failed:\n" + output);
        }
        Matcher rate = RATE.matcher(output);
        if (!rate.find()) {
            throw new IllegalStateException("no rate in wrk's output:\n" + output);
        }
        Matcher non2xx = NON_2XX.matcher(output);
        return new WrkResult(Double.parseDouble(rate.group(1)), percentile(output, "50%"), percentile(output, "99%"),
                non2xx.find() ? Long.parseLong(non2xx.group(1)) : 0);
    }

    /** A line of wrk's latency distribution ("     99%   12.34ms"), in milliseconds. */
    private static double percentile(String output, String label) {
        Matcher m = Pattern.compile("^\\s+" + Pattern.quote(label) + "\\s+([0-9.]+)(us|ms|s)\\s*$", Pattern.MULTILINE)
                .matcher(output);
        if (!m.find()) {
            throw new IllegalStateException("no " + label + " latency in wrk's output:\n" + output);
        }
        double value = Double.parseDouble(m.group(1));
        return switch (m.group(2)) {
            case "us" -> value / 1000;
            case "s" -> value * 1000;
            default -> value;
        };
    }

    /** The answer's size as sent, plain and gzip-compressed. */
    private static long[] sizes(HttpClient http, String url, String token) throws Exception {
        long[] sizes = new long[2];
        String[] encodings = {"identity", "gzip"};
        for (int i = 0; i < 2; i++) {
            HttpResponse<byte[]> answer = http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", token)
                    .header("Accept", ACCEPT).header("Accept-Encoding", encodings[i]).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            sizes[i] = answer.body().length;
        }
        return sizes;
    }

    private static String example(Shape shape) {
        String path = shape.paths().getFirst();
        String shortened = path.replaceAll("[0-9a-f]{8}-[0-9a-f-]{27}", "{id}").replaceAll("cursor=[^&]+", "cursor=…")
                .replaceAll("after=[^&]+", "after=…");
        return shape.paths().size() > 1 ? shortened + " (random)" : shortened;
    }

    private static String encode(Instant instant) {
        return URLEncoder.encode(instant.toString(), StandardCharsets.UTF_8);
    }

    private static void requireWrk() {
        try {
            new ProcessBuilder("wrk", "--version").redirectErrorStream(true).start().waitFor();
        } catch (IOException | InterruptedException e) {
            System.err.println("wrk not found: apt-get install wrk");
            System.exit(2);
        }
    }

    private HttpBench() {
    }
}
