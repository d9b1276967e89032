package dev.taskruns.support;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.taskruns.store.RunStatus;
import dev.taskruns.store.UnifiedRun;

import java.time.Instant;

/** Builds unified runs for tests: a sensible default for every field, overridden as needed. */
public final class Runs {

    private Runs() {
    }

    public static UnifiedRun run(String source, String runId, String deviceId, Instant startedAt, RunStatus status) {
        return run(source, runId, deviceId, "task-1", startedAt, status);
    }

    public static UnifiedRun run(String source, String runId, String deviceId, String taskId, Instant startedAt,
                                 RunStatus status) {
        ObjectNode raw = JsonNodeFactory.instance.objectNode()
                .put("uuid", runId).put("deviceUuid", deviceId).put("taskUuid", taskId)
                .put("status", "TASK_RUN_STATUS_" + status.name()).put("startTime", startedAt.toString());
        return new UnifiedRun(source, runId, deviceId, "Device " + deviceId, taskId, "Task " + taskId, status,
                "TASK_RUN_STATUS_" + status.name(), startedAt, null, null, null, raw);
    }

    public static UnifiedRun withStatus(UnifiedRun run, RunStatus status, Instant endedAt) {
        ObjectNode raw = run.raw().deepCopy();
        raw.put("status", "TASK_RUN_STATUS_" + status.name());
        return new UnifiedRun(run.source(), run.runId(), run.deviceId(), run.deviceName(), run.taskId(),
                run.taskName(), status, "TASK_RUN_STATUS_" + status.name(), run.startedAt(), endedAt,
                run.vendorUpdatedAt(), run.error(), raw);
    }

    /** The same run as reported under another device, e.g. an Alibaba run once its EntityUuid is known. */
    public static UnifiedRun onDevice(UnifiedRun run, String deviceId) {
        ObjectNode raw = run.raw().deepCopy();
        raw.put("deviceUuid", deviceId);
        return new UnifiedRun(run.source(), run.runId(), deviceId, "Device " + deviceId, run.taskId(),
                run.taskName(), run.status(), run.vendorStatus(), run.startedAt(), run.endedAt(),
                run.vendorUpdatedAt(), run.error(), raw);
    }
}
