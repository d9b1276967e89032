package dev.taskruns.bench;

import dev.taskruns.config.EmbeddedDatabase;
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
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Start-up of the packaged application as the JVM image runs it (prod profile, authentication on)
 * against an external PostgreSQL, without and with the JDK AOT cache that {@code ./mvnw verify}
 * records (target/quarkus-app/app.aot). Per start: wall time from process start to the first UP from
 * /q/health/ready, Quarkus' own "started in", and resident memory at ready and after a burst of
 * facade calls. Variants alternate round by round, after one untimed start each (the first one
 * migrates the database and warms the page cache), so a drifting machine load hits both alike.
 */
public final class StartupBench {

    private static final Pattern STARTED_IN = Pattern.compile("started in (\\d+\\.\\d+)s");
    private static final String ISSUER = "https://issuer.taskruns.bench";
    private static final Path KEYS = Path.of("src/test/resources/jwt");

    public static void main(String[] args) throws Exception {
        Path app = Path.of(System.getProperty("bench.app", "target/quarkus-app"));
        Path jar = app.resolve("quarkus-run.jar");
        Path cache = app.resolve("app.aot");
        if (!Files.isRegularFile(jar) || !Files.isRegularFile(cache)) {
            System.err.println("No " + jar + " with its " + cache + ": run ./mvnw verify first (the integration"
                    + " tests record the cache)");
            System.exit(2);
        }
        int rounds = Integer.getInteger("bench.rounds", 5);
        int requests = Integer.getInteger("bench.requests", 1000);
        // The pod's 512 MiB memory limit and the image's heap share of it (Dockerfile.jvm)
        List<String> jvmArgs = List.of(System.getProperty("bench.jvmArgs",
                "-XX:MaxRAM=512m -XX:MaxRAMPercentage=75").trim().split("\\s+"));
        String url = System.getProperty("bench.jdbcUrl");
        Launch launch = new Launch(jar, jvmArgs, url != null ? url : EmbeddedDatabase.startEphemeral(),
                System.getProperty("bench.user", "postgres"), System.getProperty("bench.password", "postgres"));

        Map<String, List<String>> variants = new LinkedHashMap<>();
        variants.put("JVM, no cache", List.of());
        // AOTMode=on: a cache the JVM cannot use stops the start instead of silently measuring none
        variants.put("JVM, AOT cache", List.of("-XX:AOTCache=" + cache.toAbsolutePath(), "-XX:AOTMode=on"));

        System.out.printf("Java: %s; application: %s (AOT cache %,d MB); JVM options: %s%n",
                Runtime.version(), app, Files.size(cache) >> 20, String.join(" ", jvmArgs));
        System.out.printf("Load average before: %s%n", Machine.loadAverage());
        Map<String, List<Start>> results = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> variant : variants.entrySet()) {
            launch.measure(variant.getValue(), 0);
            results.put(variant.getKey(), new ArrayList<>());
        }
        for (int round = 1; round <= rounds; round++) {
            for (Map.Entry<String, List<String>> variant : variants.entrySet()) {
                Start start = launch.measure(variant.getValue(), requests);
                results.get(variant.getKey()).add(start);
                System.out.printf("round %d, %s: %s%n", round, variant.getKey(), start);
            }
        }
        System.out.println();
        Table table = new Table("variant", "starts", "start-to-ready ms p50 (min-max)", "Quarkus 'started in' s p50",
                "RSS at ready MB p50", "of it anonymous MB", "RSS after " + requests + " calls MB p50");
        results.forEach((name, starts) -> table.add(name, starts.size(),
                String.format("%.0f (%.0f-%.0f)", median(starts, Start::readyMillis),
                        starts.stream().mapToDouble(Start::readyMillis).min().orElseThrow(),
                        starts.stream().mapToDouble(Start::readyMillis).max().orElseThrow()),
                median(starts, Start::startedInSeconds), median(starts, Start::rssAtReadyMb),
                median(starts, Start::anonAtReadyMb), median(starts, Start::rssAfterCallsMb)));
        table.print();
        System.out.printf("Load average after: %s%n", Machine.loadAverage());
    }

    private static double median(List<Start> starts, ToDoubleFunction<Start> value) {
        double[] sorted = starts.stream().mapToDouble(value).sorted().toArray();
        return sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    }

    /** One start's figures; memory in MB (2^20 bytes). */
    record Start(double readyMillis, double startedInSeconds, double rssAtReadyMb, double anonAtReadyMb,
                 double rssAfterCallsMb) {
        @Override
        public String toString() {
            return String.format("ready in %.0f ms (Quarkus: started in %.3f s), RSS %.0f MB (%.0f anonymous),"
                    + " after calls %.0f MB", readyMillis, startedInSeconds, rssAtReadyMb, anonAtReadyMb,
                    rssAfterCallsMb);
        }
    }

    /** Starts the application, waits for readiness, measures, calls the facade and kills it. */
    private record Launch(Path jar, List<String> jvmArgs, String jdbcUrl, String user, String password) {

        Start measure(List<String> variantArgs, int requests) throws Exception {
            int port = freePort();
            int managementPort = freePort();
            List<String> command = new ArrayList<>();
            command.add(ProcessHandle.current().info().command().orElse("java"));
            command.addAll(jvmArgs);
            command.addAll(variantArgs);
            command.addAll(List.of("-Dquarkus.http.port=" + port,
                    "-Dquarkus.management.port=" + managementPort,
                    "-Dquarkus.datasource.jdbc.url=" + jdbcUrl,
                    "-Dquarkus.datasource.username=" + user,
                    "-Dquarkus.datasource.password=" + password,
                    "-Dmp.jwt.verify.publickey.location=" + KEYS.resolve("test-public-key.pem").toAbsolutePath(),
                    "-Dmp.jwt.verify.issuer=" + ISSUER,
                    "-jar", jar.toAbsolutePath().toString()));
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
            long begin = System.nanoTime();
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            StartedInReader log = new StartedInReader(process);
            log.start();
            try {
                URI ready = URI.create("http://localhost:" + managementPort + "/q/health/ready");
                while (status(http, HttpRequest.newBuilder(ready).build()) != 200) {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("The application stopped before it was ready:\n" + log.output());
                    }
                    if (System.nanoTime() - begin > TimeUnit.SECONDS.toNanos(120)) {
                        throw new IllegalStateException("Not ready after 120 s:\n" + log.output());
                    }
                    Thread.sleep(10);
                }
                double readyMillis = (System.nanoTime() - begin) / 1e6;
                long[] atReady = memory(process.pid());
                call(http, port, managementPort, requests);
                long[] afterCalls = memory(process.pid());
                return new Start(readyMillis, log.startedIn(), atReady[0] / 1024.0, atReady[1] / 1024.0,
                        afterCalls[0] / 1024.0);
            } finally {
                process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        }

        /** Facade reads, one in five a metrics scrape, as consumers and Prometheus would send them. */
        private void call(HttpClient http, int port, int managementPort, int requests) throws Exception {
            String token = "Bearer " + token();
            String[] paths = {"/api/v1/last-runs?limit=100", "/api/v1/runs?limit=100", "/api/v1/sources",
                    "/api/v1/runs?status=FAILED&limit=50"};
            for (int i = 0; i < requests; i++) {
                URI uri = i % 5 == 4 ? URI.create("http://localhost:" + managementPort + "/q/metrics")
                        : URI.create("http://localhost:" + port + paths[i % paths.length]);
                HttpRequest request = HttpRequest.newBuilder(uri).header("Authorization", token).build();
                int status = status(http, request);
                if (status != 200) {
                    throw new IllegalStateException(request.uri() + " answered " + status);
                }
            }
        }

        private static int status(HttpClient http, HttpRequest request) throws InterruptedException {
            try {
                return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            } catch (IOException notListeningYet) {
                return -1;
            }
        }

        /** VmRSS and RssAnon of a process, in kB (Linux /proc). */
        private static long[] memory(long pid) throws IOException {
            long rss = 0;
            long anon = 0;
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    rss = kilobytes(line);
                } else if (line.startsWith("RssAnon:")) {
                    anon = kilobytes(line);
                }
            }
            return new long[] {rss, anon};
        }

        private static long kilobytes(String statusLine) {
            return Long.parseLong(statusLine.replaceAll("[^0-9]", ""));
        }

        private static String token() throws Exception {
            String pem = Files.readString(KEYS.resolve("test-private-key.pem"))
                    .replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            PrivateKey key = KeyFactory.getInstance("RSA")
                    .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
            return Jwt.issuer(ISSUER).upn("bench@example.com").groups(Set.of("taskruns-read"))
                    .expiresIn(600).sign(key);
        }

        private static int freePort() throws IOException {
            try (ServerSocket socket = new ServerSocket(0)) {
                return socket.getLocalPort();
            }
        }
    }

    /** Drains the application's output (so it never blocks on a full pipe) and keeps "started in". */
    private static final class StartedInReader extends Thread {
        private final Process process;
        private final StringBuilder output = new StringBuilder();
        private volatile double startedIn = Double.NaN;

        StartedInReader(Process process) {
            super("application-output");
            setDaemon(true);
            this.process = process;
        }

        @Override
        public void run() {
            try (BufferedReader lines = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    synchronized (output) {
                        output.append(line).append('\n');
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

        double startedIn() throws InterruptedException {
            // the line is logged just before readiness can answer; give the reader a moment to see it
            for (int i = 0; i < 100 && Double.isNaN(startedIn); i++) {
                Thread.sleep(10);
            }
            return startedIn;
        }

        String output() {
            synchronized (output) {
                return output.toString();
            }
        }
    }

    private StartupBench() {
    }
}
