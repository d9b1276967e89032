package dev.taskruns.connector.eset.simulator;

import java.time.Duration;
import java.time.Instant;

/**
 * One planned run. Its status is not stored but derived from the clock: queued from {@code start},
 * running after {@code queued}, then its outcome after {@code running} (suppressed runs never run),
 * so advancing the clock moves every run along without any background job.
 */
record SimRun(String uuid, String taskUuid, String deviceUuid, Instant start, Duration queued, Duration running,
              TaskRunStatus outcome, String error) {

    boolean visibleAt(Instant now) {
        return !start.isAfter(now);
    }

    TaskRunStatus statusAt(Instant now) {
        Instant picked = start.plus(queued);
        if (now.isBefore(picked)) {
            return TaskRunStatus.TASK_RUN_STATUS_QUEUED;
        }
        if (outcome == TaskRunStatus.TASK_RUN_STATUS_SUPPRESSED) {
            return outcome;
        }
        return now.isBefore(picked.plus(running)) ? TaskRunStatus.TASK_RUN_STATUS_RUNNING : outcome;
    }

    /** Only finished and failed runs have an end (the spec: "meaningful for finished and failed task runs"). */
    Instant endAt(Instant now) {
        TaskRunStatus status = statusAt(now);
        boolean ended = status == TaskRunStatus.TASK_RUN_STATUS_FINISHED || status == TaskRunStatus.TASK_RUN_STATUS_FAILED;
        return ended ? start.plus(queued).plus(running) : null;
    }
}
