package dev.taskruns.connector.eset.simulator;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.taskruns.connector.simulator.Fault;
import io.quarkus.runtime.annotations.RegisterForReflection;

import java.util.List;

/** JSON of the simulator's own admin API (not vendor API). */
final class AdminWire {

    private AdminWire() {
    }

    /**
     * The fault switches. In a POST every member is optional: members sent replace the current
     * values, members left out keep them. {@code next} forces the fault on that many coming calls,
     * {@code probability} (0..1) on each call after that.
     */
    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record FaultSettings(Integer rateLimitPerSecond, Fault serverError, Fault throttle, Fault timeout,
                         Fault deferred, Integer deferredPolls, Fault slow, Long slowDelayMillis) {
    }

    @RegisterForReflection
    record Clock(String now) {
    }

    @RegisterForReflection
    record Error(String message) {
    }

    /** Everything the simulator holds at {@code now}, deleted tasks included, for comparing a full sync. */
    @RegisterForReflection
    record GroundTruth(String now, List<Task> tasks, List<Device> devices, List<Run> runs) {
    }

    @RegisterForReflection
    record Task(String uuid, String displayName, boolean deleted) {
    }

    @RegisterForReflection
    record Device(String uuid, String displayName) {
    }

    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Run(String taskUuid, String uuid, String deviceUuid, String status, String startTime, String endTime) {
    }
}
