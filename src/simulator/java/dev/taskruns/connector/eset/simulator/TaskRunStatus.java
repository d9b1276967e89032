package dev.taskruns.connector.eset.simulator;

/** The vendor's {@code v1TaskRunStatus} values the simulator produces (never UNSPECIFIED). */
enum TaskRunStatus {
    TASK_RUN_STATUS_QUEUED,
    TASK_RUN_STATUS_RUNNING,
    TASK_RUN_STATUS_FINISHED,
    TASK_RUN_STATUS_FAILED,
    TASK_RUN_STATUS_SUPPRESSED
}
