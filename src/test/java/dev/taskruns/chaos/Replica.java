package dev.taskruns.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One application process: the production jar ({@code target/quarkus-app/quarkus-run.jar}) started
 * with system properties, its console appended to {@code <name>.log} across restarts. Its replica id
 * (and JDBC ApplicationName) is its name, so the database tells which replica holds which source's lock.
 * Public for the console's browser test, which drives one such process.
 */
public final class Replica {

    private static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final int port;
    /** The production jar serves health on its management port (application.properties). */
    private final int managementPort = Ports.free();
    private final Path log;
    private final Map<String, String> properties;
    private Process process;
    private int starts;

    /** @param properties what every replica shares (database, sources, tuning) */
    public Replica(String name, int port, Path logDir, Map<String, String> properties) {
        this.name = name;
        this.port = port;
        this.log = logDir.resolve(name + ".log");
        this.properties = properties;
    }

    int port() {
        return port;
    }

    String name() {
        return name;
    }

    int starts() {
        return starts;
    }

    Path log() {
        return log;
    }

    public synchronized void start() {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                // small and quick to start: up to four JVMs share two cores here
                "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        properties.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.add("-Dquarkus.http.port=" + port);
        command.add("-Dquarkus.management.port=" + managementPort);
        command.add("-Dquarkus.datasource.jdbc.additional-jdbc-properties.ApplicationName=" + name);
        command.add("-Dtaskruns.sync.replica-id=" + name);
        command.add("-jar");
        command.add(JAR.toString());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        // only what this test passes: nothing from the build's environment
        builder.environment().keySet().removeIf(key -> key.startsWith("QUARKUS_") || key.startsWith("TASKRUNS_"));
        try {
            Files.writeString(log, "=== start " + (starts + 1) + " of " + name + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start " + name, e);
        }
        starts++;
    }

    synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** Waits for {@code /q/health/ready}; fails with the log's tail if it does not come. */
    public void awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!isAlive()) {
                throw new AssertionError(name + " exited while starting:\n" + tail(40));
            }
            if (ready()) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError(name + " not ready within " + timeout + ":\n" + tail(40));
    }

    /** {@code kill -9}: on Linux destroyForcibly is SIGKILL, no shutdown hook runs. */
    synchronized void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** SIGSTOP ({@code true}) or SIGCONT: a process that is alive, sockets and all, but does nothing. */
    void pause(boolean paused) throws IOException, InterruptedException {
        long pid;
        synchronized (this) {
            pid = process.pid();
        }
        new ProcessBuilder("kill", paused ? "-STOP" : "-CONT", Long.toString(pid)).inheritIO().start().waitFor();
    }

    /** SIGTERM (what Kubernetes sends first), without waiting. */
    synchronized void terminate() {
        if (process != null) {
            process.destroy();
        }
    }

    /** Waits up to {@code timeout} for the process to exit; whether it did. */
    boolean awaitExit(Duration timeout) throws InterruptedException {
        Process running;
        synchronized (this) {
            running = process;
        }
        return running == null || running.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Whether {@code /q/health/ready} answers 200 now. */
    boolean ready() {
        return status(managementPort, "/q/health/ready") == 200;
    }

    /** SIGTERM, then SIGKILL if it has not stopped within {@code grace}. */
    public synchronized void stop(Duration grace) throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                kill();
            }
        }
    }

    /** The body of a GET, or null when the replica does not answer 200. */
    String get(String path) {
        try {
            HttpResponse<String> response = HTTP.send(request(port, path), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? response.body() : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    public String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private int status(int onPort, String path) {
        try {
            return HTTP.send(request(onPort, path), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private HttpRequest request(int onPort, String path) {
        return HttpRequest.newBuilder(URI.create("http://localhost:" + onPort + path)).timeout(Duration.ofSeconds(3)).GET().build();
    }
}
