package dev.taskruns.chaos;

import dev.taskruns.chaos.ChaosDatabase.StoredRun;
import io.restassured.path.json.JsonPath;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The store against the simulators' ground truth, source by source, once the vendors are frozen:
 * every vendor run stored exactly once, as the vendor has it now, and every device's last run right.
 */
final class StoreAudit {

    /** A run as the contract's mapping (docs/eset-sync.md, docs/alibaba-sync.md) stores it. */
    record Expected(String deviceId, String vendorStatus, Instant startedAt, Instant endedAt) {
    }

    /**
     * @param missing      in the vendor's truth, not stored
     * @param duplicated   stored more than once, or stored but not in the truth
     * @param stale        stored with another status, device, start or end than the vendor's now
     * @param lastRunWrong devices whose stored last run is not the vendor's newest
     */
    record Findings(long expected, long missing, long duplicated, long stale, long lastRunWrong, List<String> examples) {
    }

    private static final int EXAMPLES = 10;

    private StoreAudit() {
    }

    /** ESET runs by uuid: device, status and times as sent, to the millisecond (docs/api.md: stored so). */
    static Map<String, Expected> eset(JsonPath truth) {
        Map<String, Expected> expected = new HashMap<>();
        for (Map<String, String> run : truth.<Map<String, String>>getList("runs")) {
            expected.put(run.get("uuid"), new Expected(run.get("deviceUuid"), run.get("status"),
                    millis(run.get("startTime")), run.get("endTime") == null ? null : millis(run.get("endTime"))));
        }
        return expected;
    }

    /** Alibaba tasks by TaskId: EntityUuid (else type:name), TaskStatus, ProcessTime (else creation), RemoveTime. */
    static Map<String, Expected> alibaba(JsonPath truth) {
        Map<String, Expected> expected = new HashMap<>();
        for (Map<String, Object> task : truth.<Map<String, Object>>getList("tasks")) {
            String uuid = task.get("EntityUuid") == null ? "" : ((String) task.get("EntityUuid")).strip();
            String device = uuid.isEmpty() ? task.get("EntityType") + ":" + ((String) task.get("EntityName")).strip() : uuid;
            Object started = task.get("ProcessTime") != null ? task.get("ProcessTime") : task.get("GmtCreateMillis");
            Object removed = task.get("RemoveTime");
            expected.put(String.valueOf(task.get("TaskId")), new Expected(device, String.valueOf(task.get("TaskStatus")),
                    millis(started), removed == null ? null : millis(removed)));
        }
        return expected;
    }

    /**
     * @param expected  source → run id → expected run
     * @param lastRuns  "source/device" → the run id the store holds as that device's last run
     */
    static Findings compare(Map<String, Map<String, Expected>> expected, List<StoredRun> stored, Map<String, String> lastRuns) {
        List<String> examples = new ArrayList<>();
        long expectedCount = expected.values().stream().mapToLong(Map::size).sum();
        Map<String, StoredRun> seen = new HashMap<>();
        long duplicated = 0;
        long stale = 0;
        for (StoredRun run : stored) {
            String key = run.sourceId() + "/" + run.runId();
            Expected want = expected.getOrDefault(run.sourceId(), Map.of()).get(run.runId());
            if (seen.putIfAbsent(key, run) != null || want == null) {
                duplicated++;
                example(examples, "duplicated " + key + " " + run);
            } else if (!matches(want, run)) {
                stale++;
                example(examples, "stale " + key + ": vendor " + want + ", stored " + run);
            }
        }
        long missing = 0;
        for (var source : expected.entrySet()) {
            for (String runId : source.getValue().keySet()) {
                if (!seen.containsKey(source.getKey() + "/" + runId)) {
                    missing++;
                    example(examples, "missing " + source.getKey() + "/" + runId + " " + source.getValue().get(runId));
                }
            }
        }
        Map<String, String> wantLast = lastRuns(expected);
        Set<String> devices = new HashSet<>(wantLast.keySet());
        devices.addAll(lastRuns.keySet());
        long lastRunWrong = 0;
        for (String device : new TreeSet<>(devices)) {
            if (!Objects.equals(wantLast.get(device), lastRuns.get(device))) {
                lastRunWrong++;
                example(examples, "last run of " + device + ": vendor " + wantLast.get(device) + ", stored " + lastRuns.get(device));
            }
        }
        return new Findings(expectedCount, missing, duplicated, stale, lastRunWrong, examples);
    }

    private static boolean matches(Expected want, StoredRun run) {
        return want.deviceId().equals(run.deviceId()) && want.vendorStatus().equals(run.vendorStatus())
                && same(want.startedAt(), run.startedAt()) && same(want.endedAt(), run.endedAt());
    }

    private static boolean same(Instant want, OffsetDateTime stored) {
        return Objects.equals(want, stored == null ? null : stored.toInstant());
    }

    /** Each device's run with the greatest start, ties broken by the greater run id (the facade's order). */
    private static Map<String, String> lastRuns(Map<String, Map<String, Expected>> expected) {
        Map<String, Map.Entry<String, Expected>> last = new HashMap<>();
        Comparator<Map.Entry<String, Expected>> order = Comparator.<Map.Entry<String, Expected>, Instant>comparing(
                e -> e.getValue().startedAt()).thenComparing(Map.Entry::getKey);
        expected.forEach((source, runs) -> runs.entrySet().forEach(run -> last.merge(
                source + "/" + run.getValue().deviceId(), run, (a, b) -> order.compare(a, b) >= 0 ? a : b)));
        Map<String, String> ids = new HashMap<>();
        last.forEach((device, run) -> ids.put(device, run.getKey()));
        return ids;
    }

    private static void example(List<String> examples, String text) {
        if (examples.size() < EXAMPLES) {
            examples.add(text);
        }
    }

    private static Instant millis(Object value) {
        return Instant.ofEpochMilli(((Number) value).longValue());
    }

    private static Instant millis(String timestamp) {
        return Instant.parse(timestamp).truncatedTo(ChronoUnit.MILLIS);
    }
}
