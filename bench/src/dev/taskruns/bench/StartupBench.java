package dev.taskruns.bench;

import dev.taskruns.config.EmbeddedDatabase;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Start-up of the packaged application as the JVM image runs it (prod profile, authentication on)
 * against an external PostgreSQL, without and with the JDK AOT cache that {@code ./mvnw verify}
 * records (target/quarkus-app/app.aot). Per start: wall time from process start to the first UP from
 * /q/health/ready, Quarkus' own "started in", and resident memory at ready and after a burst of
 * facade calls. Variants alternate round by round, after one untimed start each (the first one
 * migrates the database and warms the page cache), so a drifting machine load hits both alike.
 */
public final class StartupBench {

    public static void main(String[] args) throws Exception {
        Path app = PackagedApp.folder(true);
        Path cache = app.resolve("app.aot");
        int rounds = Integer.getInteger("bench.rounds", 5);
        int requests = Integer.getInteger("bench.requests", 1000);
        List<String> jvmArgs = PackagedApp.podJvmArgs();
        String url = System.getProperty("bench.jdbcUrl");
        String jdbcUrl = url != null ? url : EmbeddedDatabase.startEphemeral();
        String user = System.getProperty("bench.user", "postgres");
        String password = System.getProperty("bench.password", "postgres");

        Map<String, List<String>> variants = new LinkedHashMap<>();
        variants.put("JVM, no cache", List.of());
        // AOTMode=on: a cache the JVM cannot use stops the start instead of silently measuring none
        variants.put("JVM, AOT cache", List.of("-XX:AOTCache=" + cache.toAbsolutePath(), "-XX:AOTMode=on"));

        System.out.printf("Java: %s; application: %s (AOT cache %,d MB); JVM options: %s%n",
                Runtime.version(), app, Files.size(cache) >> 20, String.join(" ", jvmArgs));
        System.out.printf("Load average before: %s%n", Machine.loadAverage());
        Map<String, List<Start>> results = new LinkedHashMap<>();
        for (int round = 0; round <= rounds; round++) {
            for (Map.Entry<String, List<String>> variant : variants.entrySet()) {
                List<String> options = new ArrayList<>(jvmArgs);
                options.addAll(variant.getValue());
                try (PackagedApp started = PackagedApp.start(app, options, jdbcUrl, user, password, Map.of())) {
                    if (round == 0) {
                        continue; // untimed: migrates the database, warms the page cache
                    }
                    long[] atReady = started.memory();
                    call(started, requests);
                    long[] afterCalls = started.memory();
                    Start start = new Start(started.readyMillis, started.startedInSeconds(), atReady[0] / 1024.0,
                            atReady[1] / 1024.0, afterCalls[0] / 1024.0);
                    results.computeIfAbsent(variant.getKey(), k -> new ArrayList<>()).add(start);
                    System.out.printf("round %d, %s: %s%n", round, variant.getKey(), start);
                }
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

    /** Facade reads, one in five a metrics scrape, as consumers and Prometheus would send them. */
    private static void call(PackagedApp app, int requests) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String token = "Bearer " + PackagedApp.token();
        String[] paths = {"/api/v1/last-runs?limit=100", "/api/v1/runs?limit=100", "/api/v1/sources",
                "/api/v1/runs?status=FAILED&limit=50"};
        for (int i = 0; i < requests; i++) {
            URI uri = URI.create(i % 5 == 4 ? app.managementUrl("/q/metrics") : app.url(paths[i % paths.length]));
            HttpRequest request = HttpRequest.newBuilder(uri).header("Authorization", token).build();
            int status = PackagedApp.status(http, request);
            if (status != 200) {
                throw new IllegalStateException(uri + " answered " + status);
            }
        }
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

    private StartupBench() {
    }
}
