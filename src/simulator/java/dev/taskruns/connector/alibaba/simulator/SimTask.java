package dev.taskruns.connector.alibaba.simulator;

import dev.taskruns.connector.alibaba.simulator.AlibabaWire.ProcessTask;

/**
 * One response task and its whole timeline, fixed at creation, so that what it looks like is a pure
 * function of the simulated now: 11 (handling) until {@code settleAt}, then {@code settledStatus}
 * (20, 90, 21 or 22); a 21/22 task is released at {@code releaseAt} into {@code releasedStatus}
 * (23, 91 or 92) with that RemoveTime. Times are epoch milliseconds.
 */
record SimTask(String taskId, String creator, String scope, long created, Long processTime, World.Scene scene,
               World.Entity entity, boolean entityUuidLate, String eventUuid, String inputParams,
               String processStrategyUuid, String source, String triggerSource, String reqUuid,
               long settleAt, int settledStatus, Long releaseAt, int releasedStatus, World.Failure failure) {

    static final int HANDLING = 11;
    static final int SUCCESS = 20;
    static final int BLOCKING = 21;
    static final int ISOLATING = 22;
    static final int ENDED = 23;
    static final int FAILED = 90;
    static final int UNBLOCK_FAILED = 91;
    static final int UNISOLATE_FAILED = 92;

    int statusAt(long now) {
        if (now < settleAt) {
            return HANDLING;
        }
        return releaseAt != null && now >= releaseAt ? releasedStatus : settledStatus;
    }

    /** The time ProcessActionStart/End filter on: when the task was delivered, else its creation. */
    long actionTime() {
        return processTime != null ? processTime : created;
    }

    Long removeTimeAt(long now) {
        return releaseAt != null && now >= releaseAt ? releaseAt : null;
    }

    long modifiedAt(long now) {
        if (now < settleAt) {
            return created;
        }
        return releaseAt != null && now >= releaseAt ? releaseAt : settleAt;
    }

    /** As DescribeProcessTasks lists it at {@code now}. */
    ProcessTask at(long now) {
        int status = statusAt(now);
        boolean failed = status == FAILED || status == UNBLOCK_FAILED || status == UNISOLATE_FAILED;
        // the "run moves device" case: the entity is only known once the task has been handled
        String entityUuid = entityUuidLate && status == HANDLING ? "" : entity.uuid();
        return new ProcessTask(taskId, creator, created, modifiedAt(now), scene.yunCode(), entity.name(),
                entity.type(), entityUuid, eventUuid, status, scope, inputParams, scene.code(), scene.name(),
                processTime, removeTimeAt(now), processStrategyUuid, source, triggerSource, reqUuid,
                failed ? failure.code() : null, failed ? failure.message() : null, failed ? failure.tip() : null);
    }
}
