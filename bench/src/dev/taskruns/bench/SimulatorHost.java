package dev.taskruns.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The vendor simulators (ESET Connect and Alibaba Cloud) in a JVM of their own: the demo build of the
 * application (bench/run.sh builds it into target/simulator-build, so target/quarkus-app stays the
 * production build), its own sources and scheduler off, against a database of its own. The application
 * under benchmark then syncs from it over HTTP, and its CPU can be measured without the vendors'.
 */
final class SimulatorHost implements AutoCloseable {

    private static final String ESET_USER = "bench@example.com";
    private static final String ESET_PASSWORD = "bench-password";
    private static final String ALIBABA_KEY_ID = "bench-key-id";
    private static final String ALIBABA_KEY_SECRET = "bench-key-secret";
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * What the simulators serve: the ESET account's devices and tasks (runs follow from them), the
     * Alibaba account's entities and tasks (one run each); the vendors' rate limits on or off; a frozen
     * clock (a fixed data set, nothing new arrives) or the wall clock (recurring tasks keep running);
     * ESET tasks all active (every one is read every cycle) or the demo's mix of settled and recurring.
     */
    record Settings(int esetDevices, int esetTasks, int alibabaEntities, int alibabaTasks, boolean rateLimits,
                    boolean frozenClock, boolean esetActiveTasks) {
    }

    private final PackagedApp process;
    private final HttpClient http = HttpClient.newHttpClient();

    private SimulatorHost(PackagedApp process) {
        this.process = process;
    }

    /** The demo build, or exit with how to build it. */
    static Path folder() {
        Path app = Path.of(System.getProperty("bench.simulatorApp", "target/simulator-build/target/quarkus-app"));
        if (!Files.isRegularFile(app.resolve("quarkus-run.jar"))) {
            System.err.println("No " + app.resolve("quarkus-run.jar") + ": bench/run.sh sync builds it"
                    + " (the demo build, from a copy of the sources)");
            System.exit(2);
        }
        return app;
    }

    /** Starts the simulators, seeded as {@code settings} says, on a free port; {@code jdbcUrl} is theirs alone. */
    static SimulatorHost start(Path app, String jdbcUrl, String user, String password, Settings settings)
            throws IOException, InterruptedException {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("quarkus.datasource.jdbc.url", jdbcUrl);
        properties.put("quarkus.datasource.username", user);
        properties.put("quarkus.datasource.password", password);
        properties.put("taskruns.embedded-postgres.enabled", "false");
        // it only serves: the demo's own sources and scheduler stay off
        properties.put("taskruns.sync.scheduler-enabled", "false");
        properties.put("quarkus.log.level", "WARN");
        properties.put("taskruns.sources.esetdemo.enabled", "false");
        properties.put("taskruns.sources.alidemo.enabled", "false");
        properties.put("taskruns.simulator.eset.username", ESET_USER);
        properties.put("taskruns.simulator.eset.password", ESET_PASSWORD);
        properties.put("taskruns.simulator.eset.devices", Integer.toString(settings.esetDevices()));
        properties.put("taskruns.simulator.eset.tasks", Integer.toString(settings.esetTasks()));
        properties.put("taskruns.simulator.eset.frozen-clock", Boolean.toString(settings.frozenClock()));
        properties.put("taskruns.simulator.eset.active-tasks", Boolean.toString(settings.esetActiveTasks()));
        properties.put("taskruns.simulator.alibaba.access-key-id", ALIBABA_KEY_ID);
        properties.put("taskruns.simulator.alibaba.access-key-secret", ALIBABA_KEY_SECRET);
        properties.put("taskruns.simulator.alibaba.entities", Integer.toString(settings.alibabaEntities()));
        properties.put("taskruns.simulator.alibaba.tasks", Integer.toString(settings.alibabaTasks()));
        properties.put("taskruns.simulator.alibaba.frozen-clock", Boolean.toString(settings.frozenClock()));
        if (!settings.rateLimits()) {
            properties.put("taskruns.simulator.eset.faults.rate-limit-per-second", "0");
            properties.put("taskruns.simulator.alibaba.faults.rate-limit-per-second", "0");
        }
        return new SimulatorHost(PackagedApp.launch(app, List.of("-Xmx1g", "-XX:+UseG1GC"), properties, false));
    }

    /** The aggregator's properties for an ESET source {@code id} reading the simulated account. */
    Map<String, String> esetSource(String id) {
        String base = process.url("/simulator/eset");
        String prefix = "taskruns.sources." + id + ".";
        return Map.of(prefix + "vendor", "eset",
                prefix + "eset.automation-url", base,
                prefix + "eset.device-management-url", base,
                prefix + "eset.token-url", base + "/oauth/token",
                prefix + "eset.username", ESET_USER,
                prefix + "eset.password", ESET_PASSWORD);
    }

    /** The aggregator's properties for an Alibaba source {@code id} reading the simulated account. */
    Map<String, String> alibabaSource(String id) {
        String prefix = "taskruns.sources." + id + ".";
        return Map.of(prefix + "vendor", "alibaba",
                prefix + "alibaba.endpoint", process.url(""),
                prefix + "alibaba.access-key-id", ALIBABA_KEY_ID,
                prefix + "alibaba.access-key-secret", ALIBABA_KEY_SECRET);
    }

    /** Runs the ESET account holds now (its admin ground truth). */
    int esetRuns() throws IOException, InterruptedException {
        return esetGroundTruth().get("runs").size();
    }

    /** Every run the ESET account holds now, with its task and device. */
    JsonNode esetGroundTruth() throws IOException, InterruptedException {
        return get("/simulator/eset/admin/ground-truth");
    }

    /** Tasks (= runs) the Alibaba account holds now (its admin ground truth). */
    int alibabaRuns() throws IOException, InterruptedException {
        return get("/simulator/alibaba/admin/ground-truth").get("tasks").size();
    }

    /**
     * Fresh ESET data of this size (clock back to wall time, rate windows and call counts cleared),
     * with the vendor's rate limit on or off.
     */
    void resetEset(int devices, int tasks, boolean activeTasks, boolean rateLimits) throws IOException, InterruptedException {
        post("/simulator/eset/admin/reset?tasks=" + tasks + "&devices=" + devices + "&active=" + activeTasks, null);
        if (!rateLimits) {
            post("/simulator/eset/admin/faults", "{\"rateLimitPerSecond\": 0}");
        }
    }

    /** ESET calls answered since the last reset, whatever the answer. */
    long esetCalls() throws IOException, InterruptedException {
        return get("/simulator/eset/admin/calls").path("total").asLong();
    }

    /** A new run of {@code task} on {@code device}, starting now and running {@code runningSeconds}. */
    JsonNode startEsetRun(String task, String device, long runningSeconds) throws IOException, InterruptedException {
        return post("/simulator/eset/admin/tasks/" + task + "/runs?device=" + device + "&runningSeconds=" + runningSeconds,
                null);
    }

    double cpuSeconds() {
        return process.cpuSeconds();
    }

    @Override
    public void close() throws InterruptedException {
        process.close();
    }

    private JsonNode get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(process.url(path))).GET().build());
    }

    /** A POST with {@code json} as its body, or none when null. */
    private JsonNode post(String path, String json) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(process.url(path)));
        if (json == null) {
            request.POST(HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
        }
        return send(request.build());
    }

    private JsonNode send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> answer = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 200) {
            throw new IllegalStateException(request.uri() + " answered " + answer.statusCode() + ": " + answer.body());
        }
        return JSON.readTree(answer.body());
    }
}
