package dev.taskruns.bench;

import dev.taskruns.store.RunFilter;
import dev.taskruns.store.RunQueries;
import dev.taskruns.store.RunQueries.DeviceKey;
import dev.taskruns.store.RunQueries.RunKey;
import dev.taskruns.store.RunStatus;
import dev.taskruns.store.RunView;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The facade calls the query benchmark times and the plan report explains, each exactly as the REST
 * resource makes it: {@link RunQueries} with the filter, cursor position and limit + 1 (the resource
 * fetches one row more than the page to learn whether a next page exists). Parameters are drawn at
 * random from the loaded store, so a run of many calls touches many devices, pages and tasks.
 */
public final class Scenarios {

    /** The page size the benchmarks ask for (the API default); the resource fetches one more. */
    public static final int PAGE = 100;

    @FunctionalInterface
    public interface Call {
        List<RunView> run(RunQueries queries, Connection c, SplittableRandom random) throws SQLException;
    }

    /** One facade call; {@code weight} scales its iteration count (slow calls get fewer). */
    public record Scenario(String name, String endpoint, double weight, Call call) {
    }

    private final Dataset data;
    private final List<DeviceKey> devices = new ArrayList<>();

    private Scenarios(Dataset data) {
        this.data = data;
    }

    /** Reads the device keys (the cursor positions of /last-runs) from the loaded store. */
    public static Scenarios of(Dataset data, Connection c) throws SQLException {
        Scenarios scenarios = new Scenarios(data);
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT source_id, device_id FROM device ORDER BY source_id, device_id")) {
            while (rs.next()) {
                scenarios.devices.add(new DeviceKey(rs.getString(1), rs.getString(2)));
            }
        }
        return scenarios;
    }

    public List<Scenario> all() {
        Instant end = Dataset.END;
        return List.of(
                new Scenario("last-runs, first page", "GET /last-runs", 1,
                        (q, c, r) -> q.lastRuns(c, RunFilter.none(), null, PAGE + 1)),
                new Scenario("last-runs, cursor page (middle)", "GET /last-runs?cursor=", 1,
                        (q, c, r) -> q.lastRuns(c, RunFilter.none(), middleDevice(r), PAGE + 1)),
                new Scenario("last-runs, status=FAILED", "GET /last-runs?status=FAILED", 1,
                        (q, c, r) -> q.lastRuns(c, filter(Set.of(RunStatus.FAILED), null, null, null), null, PAGE + 1)),
                new Scenario("last-runs, taskId=", "GET /last-runs?taskId=", 0.05,
                        (q, c, r) -> q.lastRuns(c, filter(null, null, task(r), null), null, PAGE + 1)),
                new Scenario("last-runs, startedAfter=end-7d", "GET /last-runs?startedAfter=", 0.5,
                        (q, c, r) -> q.lastRuns(c, filter(null, null, null, end.minus(Duration.ofDays(7))),
                                null, PAGE + 1)),
                new Scenario("last-runs, startedAfter=end-1h", "GET /last-runs?startedAfter=", 0.05,
                        (q, c, r) -> q.lastRuns(c, filter(null, null, null, end.minus(Duration.ofHours(1))),
                                null, PAGE + 1)),
                new Scenario("device last run, all sources", "GET /devices/{id}/last-run", 1,
                        (q, c, r) -> q.runs(c, RunFilter.none().withDevice(device(r).deviceId()), null, 1)),
                new Scenario("device last run, source=", "GET /devices/{id}/last-run?source=", 1,
                        (q, c, r) -> {
                            DeviceKey device = device(r);
                            RunFilter f = new RunFilter(Set.of(device.source()), null, null, Set.of(device.deviceId()),
                                    null, null, null);
                            return q.runs(c, f, null, 1);
                        }),
                new Scenario("device history, first page", "GET /devices/{id}/runs", 1,
                        (q, c, r) -> q.runs(c, RunFilter.none().withDevice(device(r).deviceId()), null, PAGE + 1)),
                new Scenario("runs, first page", "GET /runs", 1,
                        (q, c, r) -> q.runs(c, RunFilter.none(), null, PAGE + 1)),
                new Scenario("runs, cursor page (middle)", "GET /runs?cursor=", 1,
                        (q, c, r) -> q.runs(c, RunFilter.none(), middleRun(r), PAGE + 1)),
                new Scenario("runs, status=FAILED", "GET /runs?status=FAILED", 1,
                        (q, c, r) -> q.runs(c, filter(Set.of(RunStatus.FAILED), null, null, null), null, PAGE + 1)),
                new Scenario("runs, status=UNKNOWN (1%)", "GET /runs?status=UNKNOWN", 0.5,
                        (q, c, r) -> q.runs(c, filter(Set.of(RunStatus.UNKNOWN), null, null, null), null, PAGE + 1)),
                new Scenario("runs, taskId=", "GET /runs?taskId=", 0.05,
                        (q, c, r) -> q.runs(c, filter(null, null, task(r), null), null, PAGE + 1)));
    }

    private static RunFilter filter(Set<RunStatus> statuses, Set<String> devices, String taskId, Instant startedAfter) {
        return new RunFilter(null, null, statuses, devices, taskId, startedAfter, null);
    }

    private DeviceKey device(SplittableRandom r) {
        return devices.get(r.nextInt(devices.size()));
    }

    /** A cursor position in the middle half of the device order: a deep page, not the first few. */
    private DeviceKey middleDevice(SplittableRandom r) {
        int quarter = devices.size() / 4;
        return devices.get(quarter + r.nextInt(Math.max(1, 2 * quarter)));
    }

    /** The position of a run in the middle half of the time span (runs are generated in time order). */
    private RunKey middleRun(SplittableRandom r) {
        int quarter = data.runs / 4;
        int i = quarter + r.nextInt(Math.max(1, 2 * quarter));
        var run = data.run(i, 0);
        return new RunKey(run.startedAt(), run.runId(), run.source());
    }

    private String task(SplittableRandom r) {
        return Dataset.taskId(r.nextInt(data.tasks));
    }
}
