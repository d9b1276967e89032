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
 * Both vendor simulators in a process of their own: the demo-profile build (bench/run.sh packages it
 * into target/simulator-app, so target/quarkus-app stays the production build), its own demo sources
 * off, on a database of its own. The ESET account is seeded with {@code tasks} tasks over
 * {@code devices} devices; {@code rateLimits} keeps the vendors' limits (ESET: 10 calls/s).
 */
final class SimulatorHost implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the host seeds and whether it throttles like the vendors. */
    record Setup(int tasks, int devices, boolean activeTasks, boolean rateLimits) {
    }

    private final PackagedApp process;
    private final HttpClient http = HttpClient.newHttpClient();

    private SimulatorHost(PackagedApp process) {
        this.process = process;
    }

    /** The simulator build's folder (bench.simulatorApp), or exit with what to do. */
    static Path folder() {
        Path app = Path.of(System.getProperty("bench.simulatorApp", "target/simulator-app/quarkus-app"));
        if (!Files.isRegularFile(app.resolve("quarkus-run.jar"))) {
            System.err.println("No " + app.resolve("quarkus-run.jar") + ": bench/run.sh builds it (demo profile)");
            System.exit(2);
        }
        return app;
    }

    static SimulatorHost start(Path app, String[] database, Setup setup) throws IOException, InterruptedException {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("taskruns.sources.esetdemo.enabled", "false");
        properties.put("taskruns.sources.alidemo.enabled", "false");
        properties.put("taskruns.embedded-postgres.enabled", "false");
        properties.put("quarkus.datasource.jdbc.url", database[0]);
        properties.put("quarkus.datasource.username", database[1]);
        properties.put("quarkus.datasource.password", database[2]);
        properties.put("quarkus.log.level", "WARN");
        properties.put("taskruns.simulator.eset.tasks", Integer.toString(setup.tasks()));
        properties.put("taskruns.simulator.eset.devices", Integer.toString(setup.devices()));
        properties.put("taskruns.simulator.eset.active-tasks", Boolean.toString(setup.activeTasks()));
        if (!setup.rateLimits()) {
            properties.put("taskruns.simulator.eset.faults.rate-limit-per-second", "0");
        }
        // the simulators serve vendor answers only: a small heap, like a sidecar
        return new SimulatorHost(PackagedApp.startDemo(app, List.of("-Xmx512m", "-XX:+UseSerialGC"), properties));
    }

    /** Base URL of the simulated ESET Connect (automation and device management). */
    String esetUrl() {
        return process.url("/simulator/eset");
    }

    /** The Alibaba simulator answers on the root, like the vendor's endpoint. */
    String alibabaUrl() {
        return process.url("");
    }

    /** Fresh ESET data and state with this setup (clock back to wall time, rate windows and call counts cleared). */
    void resetEset(Setup setup) throws IOException, InterruptedException {
        post("/simulator/eset/admin/reset?tasks=" + setup.tasks() + "&devices=" + setup.devices()
                + "&active=" + setup.activeTasks());
        if (!setup.rateLimits()) {
            post("/simulator/eset/admin/faults", "{\"rateLimitPerSecond\": 0}");
        }
    }

    /** Every run the ESET simulator holds now, with its task and device. */
    JsonNode esetGroundTruth() throws IOException, InterruptedException {
        return get("/simulator/eset/admin/ground-truth");
    }

    /** ESET calls answered since the last reset, whatever the answer. */
    long esetCalls() throws IOException, InterruptedException {
        return get("/simulator/eset/admin/calls").path("total").asLong();
    }

    /** A new run of {@code task} on {@code device}, starting now and running {@code runningSeconds}. */
    JsonNode startEsetRun(String task, String device, long runningSeconds) throws IOException, InterruptedException {
        return post("/simulator/eset/admin/tasks/" + task + "/runs?device=" + device + "&runningSeconds=" + runningSeconds);
    }

    private JsonNode get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(process.url(path))).GET().build());
    }

    private JsonNode post(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(process.url(path))).POST(HttpRequest.BodyPublishers.noBody()).build());
    }

    private JsonNode post(String path, String json) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(process.url(path))).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    private JsonNode send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> answer = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 200) {
            throw new IllegalStateException(request.uri() + " answered " + answer.statusCode() + ": " + answer.body());
        }
        return JSON.readTree(answer.body());
    }

    @Override
    public void close() throws InterruptedException {
        process.close();
    }
}
