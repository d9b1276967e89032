package dev.taskruns.bench;

import io.smallrye.jwt.build.Jwt;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packaged production jar (target/quarkus-app) as a process of its own, the way the JVM image runs
 * it: prod profile, authentication on (verifying tokens signed with the test key pair of
 * src/test/resources/jwt), API and management ports of its own, a database given by URL.
 */
final class PackagedApp implements AutoCloseable {

    static final String ISSUER = "https://issuer.taskruns.bench";
    private static final Path KEYS = Path.of("src/test/resources/jwt");
    private static final Pattern STARTED_IN = Pattern.compile("started in (\\d+\\.\\d+)s");

    final int port;
    final int managementPort;
    final double readyMillis;
    private final Process process;
    private final OutputReader output;

    private PackagedApp(int port, int managementPort, Process process, OutputReader output, double readyMillis) {
        this.port = port;
        this.managementPort = managementPort;
        this.process = process;
        this.output = output;
        this.readyMillis = readyMillis;
    }

    /**
     * JVM options standing for the pod (bench.jvmArgs to change them): its 512 MiB memory limit, and
     * the memory settings the image gives the JVM (Dockerfile.jvm).
     */
    static List<String> podJvmArgs() {
        return List.of(System.getProperty("bench.jvmArgs", "-XX:MaxRAM=512m -XX:+UseSerialGC -XX:MaxRAMPercentage=30"
                + " -XX:TrimNativeHeapInterval=2000 -XX:TieredStopAtLevel=1").trim().split("\\s+"));
    }

    /** The application folder, or exit with what to do when it has not been built. */
    static Path folder(boolean needsCache) {
        Path app = Path.of(System.getProperty("bench.app", "target/quarkus-app"));
        if (!Files.isRegularFile(app.resolve("quarkus-run.jar")) || needsCache && !Files.isRegularFile(app.resolve("app.aot"))) {
            System.err.println("No " + app.resolve("quarkus-run.jar") + (needsCache ? " with its app.aot" : "")
                    + ": run ./mvnw verify first (on JDK 25 it also records the AOT cache)");
            System.exit(2);
        }
        return app;
    }

    /**
     * Starts the production jar with {@code jvmArgs}, then {@code properties} as system properties, and
     * waits until /q/health/ready answers 200 (timing that from the process start).
     */
    static PackagedApp start(Path app, List<String> jvmArgs, String jdbcUrl, String user, String password,
                             Map<String, String> properties) throws IOException, InterruptedException {
        Map<String, String> all = new LinkedHashMap<>(Map.of(
                "quarkus.datasource.jdbc.url", jdbcUrl,
                "quarkus.datasource.username", user,
                "quarkus.datasource.password", password,
                "mp.jwt.verify.publickey.location", KEYS.resolve("test-public-key.pem").toAbsolutePath().toString(),
                "mp.jwt.verify.issuer", ISSUER));
        all.putAll(properties);
        return launch(app, jvmArgs, all, true);
    }

    /**
     * Starts any packaged build of the application on free ports and waits until it is ready. The
     * production build serves health on a management port of its own ({@code managementInterface});
     * the demo and test builds serve it under the HTTP port.
     */
    static PackagedApp launch(Path app, List<String> jvmArgs, Map<String, String> properties,
                              boolean managementInterface) throws IOException, InterruptedException {
        int port = freePort();
        int managementPort = managementInterface ? freePort() : port;
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(jvmArgs);
        command.add("-Dquarkus.http.port=" + port);
        if (managementInterface) {
            command.add("-Dquarkus.management.port=" + managementPort);
        }
        properties.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.addAll(List.of("-jar", app.resolve("quarkus-run.jar").toAbsolutePath().toString()));

        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long begin = System.nanoTime();
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("MALLOC_ARENA_MAX", "2"); // as the image sets it (Dockerfile.jvm)
        Process process = builder.start();
        OutputReader output = new OutputReader(process);
        output.start();
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://localhost:" + managementPort + "/q/health/ready")).build();
        while (status(http, ready) != 200) {
            if (!process.isAlive()) {
                throw new IllegalStateException("The application stopped before it was ready:\n" + output.text());
            }
            if (System.nanoTime() - begin > TimeUnit.SECONDS.toNanos(180)) {
                process.destroyForcibly();
                throw new IllegalStateException("Not ready after 180 s:\n" + output.text());
            }
            Thread.sleep(10);
        }
        return new PackagedApp(port, managementPort, process, output, (System.nanoTime() - begin) / 1e6);
    }

    String url(String path) {
        return "http://localhost:" + port + path;
    }

    String managementUrl(String path) {
        return "http://localhost:" + managementPort + path;
    }

    /** CPU seconds the application has used so far (all its threads). */
    double cpuSeconds() {
        return Machine.cpuSeconds(process.pid());
    }

    /** Its output so far: for the message when something it serves goes wrong. */
    String output() {
        return output.text();
    }

    /** Runs {@code jcmd <pid> command...} against the application and prints what it answers. */
    void jcmd(String... command) throws IOException, InterruptedException {
        List<String> line = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(process.pid())));
        line.addAll(List.of(command));
        Process jcmd = new ProcessBuilder(line).redirectErrorStream(true).start();
        System.out.println(new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip());
        jcmd.waitFor();
    }

    /** Quarkus' own "started in", in seconds (NaN if the line did not come). */
    double startedInSeconds() throws InterruptedException {
        // logged just before readiness can answer: give the reader a moment to see it
        for (int i = 0; i < 100 && Double.isNaN(output.startedIn); i++) {
            Thread.sleep(10);
        }
        return output.startedIn;
    }

    /** VmRSS and RssAnon in kB (Linux /proc). */
    long[] memory() throws IOException {
        long rss = 0;
        long anon = 0;
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                rss = kilobytes(line);
            } else if (line.startsWith("RssAnon:")) {
                anon = kilobytes(line);
            }
        }
        return new long[] {rss, anon};
    }

    /** SIGKILL: a benchmark has no use for the graceful shutdown's seconds. */
    @Override
    public void close() throws InterruptedException {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }

    /**
     * A token of a consumer with {@code taskruns-read}, valid for an hour. (The tests' TestTokens does
     * the same, but the benchmarks compile against the application, not its test tree.)
     */
    static String token() throws Exception {
        return token(Set.of("taskruns-read"));
    }

    /** A token holding {@code groups} (taskruns-sync to start cycles), valid for an hour. */
    static String token(Set<String> groups) throws Exception {
        String pem = Files.readString(KEYS.resolve("test-private-key.pem"))
                .replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        PrivateKey key = KeyFactory.getInstance("RSA")
                .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
        return Jwt.issuer(ISSUER).upn("bench@example.com").groups(groups).expiresIn(3600).sign(key);
    }

    static int status(HttpClient http, HttpRequest request) throws InterruptedException {
        try {
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException notListeningYet) {
            return -1;
        }
    }

    private static long kilobytes(String statusLine) {
        return Long.parseLong(statusLine.replaceAll("[^0-9]", ""));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Drains the application's output (so it never blocks on a full pipe) and keeps "started in". */
    private static final class OutputReader extends Thread {
        private final Process process;
        private final StringBuilder text = new StringBuilder();
        private volatile double startedIn = Double.NaN;

        OutputReader(Process process) {
            super("application-output");
            setDaemon(true);
            this.process = process;
        }

        @Override
        public void run() {
            try (BufferedReader lines = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    synchronized (text) {
                        text.append(line).append('\n');
                    }
                    Matcher matcher = STARTED_IN.matcher(line);
                    if (matcher.find()) {
                        startedIn = Double.parseDouble(matcher.group(1));
                    }
                }
            } catch (IOException processGone) {
                // killed at the end of the measurement: nothing more to read
            }
        }

        String text() {
            synchronized (text) {
                return text.toString();
            }
        }
    }
}
