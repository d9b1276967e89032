package dev.taskruns.sync;

import dev.taskruns.support.Database;
import dev.taskruns.support.PostgresResource;
import dev.taskruns.support.SimulatorAdmin;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A bounded load test, not a timed assertion: 8 clients read the facade for a few seconds while a
 * backfill of the Alibaba simulator (source "asim", 15,000 tasks, pages of 100 runs) writes. No
 * answer may be an error and no read may wait on a lock; the latency table it prints is the
 * benchmark recorded in docs/benchmarks.md.
 */
@QuarkusTest
@TestProfile(FacadeUnderSyncLoadTest.PagePerTransaction.class)
@WithTestResource(PostgresResource.class)
class FacadeUnderSyncLoadTest {

    /**
     * A transaction per page: the few seconds of load must see many of them, which 1,000-run
     * transactions do not promise on a loaded machine. Reads take no row locks, so the size of the
     * writer's transactions does not change what is tested.
     */
    public static class PagePerTransaction implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("taskruns.alibaba.commit-runs", "0");
        }
    }

    private static final SimulatorAdmin SIMULATOR = new SimulatorAdmin("/simulator/alibaba");
    private static final int CLIENTS = 8;
    private static final Duration LOAD = Duration.ofSeconds(6);
    /** Each client's cap, so the loop is bounded in count as well as in time. */
    private static final int MAX_CALLS_PER_CLIENT = 20_000;

    @Inject
    SyncEngine engine;

    @Inject
    Database db;

    @Inject
    AgroalDataSource dataSource;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void largeAccount() {
        db.clear();
        RestAssured.given().queryParam("seed", 29).queryParam("entities", 3000).queryParam("tasks", 15_000)
                .post("/simulator/alibaba/admin/reset").then().statusCode(200);
        SIMULATOR.faults(Map.of("rateLimitPerSecond", 0));
        // as in AlibabaSyncEndToEndTest: simulated time ahead of the wall clock, which the service's clock follows
        SIMULATOR.advance(3600);
    }

    @AfterEach
    void idleAndDefaultWorld() {
        EndToEnd.awaitIdle(engine, "asim");
        RestAssured.post("/simulator/alibaba/admin/reset").then().statusCode(200);
    }

    @Test
    void readsNeitherFailNorWaitBehindTheBackfill() throws Exception {
        assertThat(engine.trigger("asim")).isEqualTo(SyncEngine.Start.STARTED);
        awaitFirstPage();
        List<String> devices = db.list("SELECT device_id FROM device LIMIT 200").stream().map(String::valueOf).toList();
        double loadBefore = loadAverage();

        long firstXid = currentXid();
        List<Call> calls;
        List<LockWaitSampler.Wait> waits;
        int samples;
        try (LockWaitSampler sampler = LockWaitSampler.start(dataSource)) {
            calls = load(devices);
            waits = sampler.waits();
            samples = sampler.samples();
        }
        long lastXid = currentXid();
        boolean stillSyncing = engine.isRunning("asim");

        // a page is one transaction: the run rows it wrote carry its transaction id
        long pages = (Long) db.single("SELECT count(DISTINCT xmin::text) FROM run WHERE xmin::text::bigint BETWEEN "
                + firstXid + " AND " + lastXid);
        long runs = (Long) db.single("SELECT count(*) FROM run WHERE xmin::text::bigint BETWEEN "
                + firstXid + " AND " + lastXid);
        printTable(calls);
        System.out.printf("backfill during the load: %d pages, %d runs written, still syncing at the end: %s; "
                        + "lock sampler: %d samples, %d lock waits; load average %.2f before, %.2f after%n",
                pages, runs, stillSyncing, samples, waits.size(), loadBefore, loadAverage());

        assertThat(pages).as("the backfill wrote while the facade was read").isPositive();
        assertThat(calls.stream().filter(c -> !c.ok()).map(Call::toString).distinct().limit(5).toList())
                .as("failed calls").isEmpty();
        assertThat(waits).as("sessions that waited on a lock during the load").isEmpty();
    }

    /** The negative control: a read held up by a lock is seen (here, a table lock a migration would take). */
    @Test
    void theSamplerSeesAReadBlockedByALock() throws Exception {
        try (LockWaitSampler sampler = LockWaitSampler.start(dataSource);
             Connection locker = dataSource.getConnection()) {
            locker.setAutoCommit(false);
            try (Statement lock = locker.createStatement()) {
                lock.execute("LOCK TABLE device IN ACCESS EXCLUSIVE MODE");
            }
            var read = http.sendAsync(request("/api/v1/last-runs"), HttpResponse.BodyHandlers.discarding());
            Thread.sleep(500);
            locker.rollback();
            assertThat(read.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            assertThat(sampler.waits()).anySatisfy(wait -> assertThat(wait.isRead()).isTrue());
        }
    }

    private List<Call> load(List<String> devices) throws InterruptedException {
        Queue<Call> calls = new ConcurrentLinkedQueue<>();
        List<Supplier<String>> paths = List.of(
                () -> "/api/v1/last-runs",
                () -> "/api/v1/runs",
                () -> "/api/v1/devices/" + devices.get(ThreadLocalRandom.current().nextInt(devices.size())) + "/runs",
                () -> "/api/v1/sources");
        long deadline = System.nanoTime() + LOAD.toNanos();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        for (int client = 0; client < CLIENTS; client++) {
            int first = client;
            clients.execute(() -> {
                for (int i = first; i < first + MAX_CALLS_PER_CLIENT && System.nanoTime() < deadline; i++) {
                    calls.add(call(paths.get(i % paths.size()).get()));
                }
            });
        }
        clients.shutdown();
        assertThat(clients.awaitTermination(LOAD.toSeconds() + 60, TimeUnit.SECONDS)).as("clients stopped").isTrue();
        return new ArrayList<>(calls);
    }

    private Call call(String path) {
        String endpoint = path.startsWith("/api/v1/devices/") ? "/api/v1/devices/{id}/runs" : path;
        long started = System.nanoTime();
        try {
            HttpResponse<String> response = http.send(request(path), HttpResponse.BodyHandlers.ofString());
            int status = response.statusCode();
            return new Call(endpoint, System.nanoTime() - started, status, status / 100 == 2 ? "" : response.body());
        } catch (IOException e) {
            return new Call(endpoint, System.nanoTime() - started, 0, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Call(endpoint, System.nanoTime() - started, 0, e.toString());
        }
    }

    private static HttpRequest request(String path) {
        int port = ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
        return HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).timeout(Duration.ofSeconds(30)).build();
    }

    private void awaitFirstPage() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while ((Long) db.single("SELECT count(*) FROM device") == 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat((Long) db.single("SELECT count(*) FROM device")).as("devices after the first page").isPositive();
    }

    private long currentXid() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             var rs = s.executeQuery("SELECT pg_current_xact_id()::text::bigint")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    /** One Markdown row per endpoint: calls, errors and latency percentiles (nearest rank). */
    private static void printTable(List<Call> calls) {
        System.out.printf("%nFacade under a backfill: %d clients, %d s%n%n", CLIENTS, LOAD.toSeconds());
        System.out.println("| endpoint | calls | errors | p50 ms | p95 ms | p99 ms | max ms |");
        System.out.println("| --- | --- | --- | --- | --- | --- | --- |");
        calls.stream().map(Call::endpoint).distinct().sorted().forEach(endpoint -> {
            long[] nanos = calls.stream().filter(c -> c.endpoint().equals(endpoint)).mapToLong(Call::nanos).sorted().toArray();
            long errors = calls.stream().filter(c -> c.endpoint().equals(endpoint) && !c.ok()).count();
            System.out.printf("| %s | %,d | %d | %.1f | %.1f | %.1f | %.1f |%n", endpoint, nanos.length, errors,
                    percentile(nanos, 50), percentile(nanos, 95), percentile(nanos, 99), nanos[nanos.length - 1] / 1e6);
        });
        System.out.println();
    }

    private static double percentile(long[] sorted, double p) {
        int rank = (int) Math.ceil(p / 100 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))] / 1e6;
    }

    private record Call(String endpoint, long nanos, int status, String failure) {
        boolean ok() {
            return status / 100 == 2;
        }

        @Override
        public String toString() {
            return endpoint + " -> " + status + " " + failure.substring(0, Math.min(200, failure.length()));
        }
    }
}
