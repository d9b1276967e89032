package dev.taskruns.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.taskruns.config.Vendor;
import dev.taskruns.store.RunStatus;
import dev.taskruns.store.UnifiedRun;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A deterministic synthetic store: run {@code i} (and its {@code revision}) is always the same record,
 * so the ingest benchmark can re-send batches unchanged or changed, and the query benchmark's COPY
 * load holds exactly what the batch write would have stored.
 *
 * <p>Shape: {@link #SOURCES} (two ESET, one Alibaba); devices and tasks each belong to one source;
 * runs are spread evenly over {@link #SPAN} in {@code i} order (a sync pulls them oldest first), each
 * on a pseudo-random device and a task of that device's source; ~85% succeeded, 8% failed with an
 * error object, the rest pending/running/suppressed/unknown; {@code raw} is a vendor-like record of
 * about 450 bytes.
 */
public final class Dataset {

    public record Source(String id, Vendor vendor) {
    }

    public static final List<Source> SOURCES = List.of(
            new Source("esetde", Vendor.ESET), new Source("eseteu", Vendor.ESET), new Source("ali", Vendor.ALIBABA));
    public static final Instant END = Instant.parse("2026-11-22T00:00:00Z");
    public static final Duration SPAN = Duration.ofDays(90);

    private static final ObjectMapper JSON = new ObjectMapper();

    public final int runs;
    public final int devices;
    public final int tasks;

    public Dataset(int runs, int devices, int tasks) {
        this.runs = runs;
        this.devices = devices;
        this.tasks = tasks;
    }

    /** Sizes from system properties bench.runs / bench.devices / bench.tasks (defaults 1M / 50k / 2k). */
    public static Dataset fromProperties() {
        return new Dataset(Integer.getInteger("bench.runs", 1_000_000), Integer.getInteger("bench.devices", 50_000),
                Integer.getInteger("bench.tasks", 2_000));
    }

    public Instant start() {
        return END.minus(SPAN);
    }

    public static Source sourceOfDevice(int device) {
        return SOURCES.get(device % SOURCES.size());
    }

    public static String deviceId(int device) {
        return uuid(0xde71ce, device);
    }

    public static String deviceName(int device) {
        return "host-" + device;
    }

    public static String taskId(int task) {
        return uuid(0x7a5c, task);
    }

    public static String taskName(int task) {
        return "Scheduled task " + task;
    }

    public String runId(int i) {
        return uuid(0x12b, i);
    }

    public int deviceOf(int i) {
        return Math.floorMod(mix(i, 1), devices);
    }

    /** A task of the run's source: tasks are dealt to sources like devices (task % sources). */
    public int taskOf(int i) {
        int n = SOURCES.size();
        int source = deviceOf(i) % n;
        int perSource = Math.max(1, (tasks - source + n - 1) / n);
        return Math.floorMod(mix(i, 2), perSource) * n + source;
    }

    public Instant startedAt(int i) {
        long spanMillis = SPAN.toMillis();
        long jitter = Math.floorMod(mix(i, 3), 60_000);
        return start().plusMillis(spanMillis * i / runs + jitter);
    }

    public RunStatus status(int i) {
        int p = Math.floorMod(mix(i, 4), 100);
        if (p < 85) {
            return RunStatus.SUCCEEDED;
        }
        if (p < 93) {
            return RunStatus.FAILED;
        }
        if (p < 96) {
            return RunStatus.RUNNING;
        }
        if (p < 98) {
            return RunStatus.PENDING;
        }
        return p < 99 ? RunStatus.SUPPRESSED : RunStatus.UNKNOWN;
    }

    /** Run {@code i} as a vendor integration hands it over; a higher revision is a changed record. */
    public UnifiedRun run(int i, int revision) {
        int device = deviceOf(i);
        int task = taskOf(i);
        Source source = sourceOfDevice(device);
        RunStatus status = status(i);
        Instant started = startedAt(i);
        Instant ended = status == RunStatus.RUNNING || status == RunStatus.PENDING
                ? null : started.plusSeconds(5 + Math.floorMod(mix(i, 5), 600));
        String vendorStatus = vendorStatus(source.vendor(), status);
        JsonNode error = status == RunStatus.FAILED ? error(i) : null;
        return new UnifiedRun(source.id(), runId(i), deviceId(device), deviceName(device), taskId(task),
                taskName(task), status, vendorStatus, started, ended, null, error,
                raw(i, revision, source.vendor(), device, task, vendorStatus, started, ended));
    }

    /** Runs [from, to) at the given revision. */
    public List<UnifiedRun> batch(int from, int to, int revision) {
        List<UnifiedRun> batch = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) {
            batch.add(run(i, revision));
        }
        return batch;
    }

    public static String json(JsonNode node) {
        try {
            return node == null ? null : JSON.writeValueAsString(node);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String vendorStatus(Vendor vendor, RunStatus status) {
        return switch (vendor) {
            case ESET -> "TASK_RUN_STATUS_" + status.name();
            case ALIBABA -> switch (status) {
                case SUCCEEDED -> "Success";
                case FAILED -> "Failed";
                case RUNNING -> "Processing";
                case PENDING -> "Pending";
                case SUPPRESSED -> "Ignored";
                case UNKNOWN -> "Unknown";
            };
        };
    }

    private JsonNode error(int i) {
        ObjectNode error = JSON.createObjectNode();
        error.put("code", "E" + (1000 + Math.floorMod(mix(i, 6), 40)));
        error.put("message", "The task could not be completed on the device (exit code "
                + Math.floorMod(mix(i, 7), 255) + ")");
        return error;
    }

    private JsonNode raw(int i, int revision, Vendor vendor, int device, int task, String vendorStatus,
                         Instant started, Instant ended) {
        ObjectNode raw = JSON.createObjectNode();
        raw.put("uuid", runId(i));
        raw.put("deviceUuid", deviceId(device));
        raw.put("deviceDisplayName", deviceName(device) + ".corp.example.com");
        raw.put("taskUuid", taskId(task));
        raw.put("taskDisplayName", taskName(task));
        raw.put("status", vendorStatus);
        raw.put("createTime", started.toString());
        raw.put("updateTime", (ended == null ? started : ended).plusSeconds(revision).toString());
        raw.put("revision", revision);
        raw.put("vendor", vendor.name());
        ObjectNode detail = raw.putObject("detail");
        detail.put("progress", ended == null ? 40 : 100);
        detail.put("triggeredBy", "policy-" + Math.floorMod(mix(i, 8), 30));
        detail.put("agentVersion", "11.1." + Math.floorMod(mix(i, 9), 900));
        detail.put("message", "Device reported result after " + Math.floorMod(mix(i, 10), 3600) + " s");
        return raw;
    }

    private static String uuid(long kind, long n) {
        return new UUID(mix64(kind * 0x9E3779B97F4A7C15L + n), mix64(n * 0xC2B2AE3D27D4EB4FL + kind)).toString();
    }

    private static int mix(int i, int salt) {
        return (int) (mix64(i * 0x9E3779B97F4A7C15L + salt) >>> 33);
    }

    /** SplitMix64's finaliser: cheap, deterministic, well spread. */
    private static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
