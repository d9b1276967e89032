package dev.taskruns;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged application (prod profile) through a PostgreSQL outage: its own embedded server,
 * stopped and started again on the same port and data folder while the application keeps running.
 * The application's log is kept in target/database-outage-it.log (what the sync did meanwhile).
 */
class DatabaseOutageIT {

    /** A hang guard, not a benchmark: a request must end well before a client or probe gives up. */
    private static final Duration BOUND = Duration.ofSeconds(15);
    private static final List<String> FACADE = List.of("/api/v1/last-runs", "/api/v1/sources");

    @TempDir
    Path dataDir;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private EmbeddedPostgres postgres;
    private Process app;
    private WireMockServer vendor;

    @AfterEach
    void stopAll() throws IOException, InterruptedException {
        if (app != null) {
            app.destroy();
            if (!app.waitFor(30, TimeUnit.SECONDS)) {
                app.destroyForcibly();
            }
        }
        if (postgres != null) {
            postgres.close();
        }
        if (vendor != null) {
            vendor.stop();
        }
    }

    @Test
    void answers503WhileDownAndRecoversWithoutARestart() throws Exception {
        int dbPort = freePort();
        postgres = startPostgres(dbPort);
        // a source whose vendor answers slowly with errors, so a sync cycle is in flight when the database goes
        vendor = new WireMockServer(options().dynamicPort());
        vendor.start();
        vendor.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(503).withFixedDelay(1500)));
        int appPort = freePort();
        int managementPort = freePort();
        app = startApp(dbPort, appPort, managementPort, vendor.baseUrl());

        awaitStatus(managementPort, "/q/health/ready", 200, Duration.ofSeconds(90));
        for (String path : FACADE) {
            assertThat(get(appPort, path).statusCode()).as(path).isEqualTo(200);
        }

        postgres.close();
        postgres = null;

        for (String path : FACADE) {
            long started = System.nanoTime();
            HttpResponse<String> response = get(appPort, path);
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            System.out.printf("outage: GET %s -> %d in %d ms%n", path, response.statusCode(), took.toMillis());
            assertThat(took).as(path).isLessThan(BOUND);
            assertThat(response.statusCode()).as(path).isEqualTo(503);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(response.headers().firstValue("Retry-After")).hasValue("5");
            assertThat(response.body()).contains("urn:taskruns:problem:database-unavailable")
                    .doesNotContainIgnoringCase("select").doesNotContain("jdbc:");
        }
        long started = System.nanoTime();
        HttpResponse<String> ready = get(managementPort, "/q/health/ready");
        System.out.printf("outage: GET /q/health/ready -> %d in %d ms%n", ready.statusCode(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(ready.body()).contains("\"DOWN\"");
        assertThat(get(managementPort, "/q/health/live").statusCode()).isEqualTo(200);

        // long enough for the sync cycle in flight to end and for the scheduler to tick against a dead database
        Thread.sleep(10_000);
        postgres = startPostgres(dbPort);

        awaitStatus(managementPort, "/q/health/ready", 200, Duration.ofSeconds(30));
        for (String path : FACADE) {
            assertThat(get(appPort, path).statusCode()).as(path + " after the restart").isEqualTo(200);
        }
        // the sync's side is the engine's to assert; shown here, a tick or two later, for whoever reads the output
        Thread.sleep(3000);
        System.out.println("after the restart: " + get(appPort, "/api/v1/sources").body());
    }

    private EmbeddedPostgres startPostgres(int port) throws IOException {
        return EmbeddedPostgres.builder().setPort(port).setDataDirectory(dataDir).setCleanDataDirectory(false).start();
    }

    private static Process startApp(int dbPort, int appPort, int managementPort, String vendorUrl) throws IOException {
        Path jar = Path.of("target/quarkus-app/quarkus-run.jar");
        assertThat(jar).exists();
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder builder = new ProcessBuilder(java, "-Dquarkus.http.port=" + appPort,
                        "-Dquarkus.management.port=" + managementPort, "-jar", jar.toString())
                .redirectErrorStream(true)
                .redirectOutput(Path.of("target/database-outage-it.log").toFile());
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(name -> name.startsWith("QUARKUS_") || name.startsWith("TASKRUNS_"));
        env.put("QUARKUS_DATASOURCE_JDBC_URL", "jdbc:postgresql://localhost:" + dbPort + "/postgres");
        env.put("QUARKUS_DATASOURCE_USERNAME", "postgres");
        env.put("QUARKUS_DATASOURCE_PASSWORD", "postgres");
        env.put("TASKRUNS_AUTH_ENABLED", "false"); // what is under test here is the database, not the caller
        env.put("TASKRUNS_SOURCES_SLOW_VENDOR", "eset");
        env.put("TASKRUNS_SOURCES_SLOW_POLL_INTERVAL", "2s");
        env.put("TASKRUNS_SOURCES_SLOW_ESET_AUTOMATION_URL", vendorUrl);
        env.put("TASKRUNS_SOURCES_SLOW_ESET_DEVICE_MANAGEMENT_URL", vendorUrl);
        env.put("TASKRUNS_SOURCES_SLOW_ESET_TOKEN_URL", vendorUrl + "/oauth/token");
        env.put("TASKRUNS_SOURCES_SLOW_ESET_USERNAME", "outage@example.com");
        env.put("TASKRUNS_SOURCES_SLOW_ESET_PASSWORD", "outage-password");
        return builder.start();
    }

    private void awaitStatus(int port, String path, int status, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        int last = -1;
        while (System.nanoTime() < deadline) {
            assertThat(app.isAlive()).as("the application is running").isTrue();
            try {
                last = get(port, path).statusCode();
                if (last == status) {
                    return;
                }
            } catch (IOException notListeningYet) {
                // retried until the deadline
            }
            Thread.sleep(250);
        }
        assertThat(last).as(path + " within " + within).isEqualTo(status);
    }

    private HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .timeout(BOUND.multipliedBy(2)).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
