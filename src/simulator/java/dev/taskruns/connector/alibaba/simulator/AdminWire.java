package dev.taskruns.connector.alibaba.simulator;

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
     * values, members left out keep them.
     */
    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record FaultSettings(Integer rateLimitPerSecond, Fault throttle, Integer throttleStatus, Fault serverError,
                         Fault slow, Long slowDelayMillis, Integer arrivals) {
    }

    @RegisterForReflection
    record Clock(String now, long nowMillis) {
    }

    @RegisterForReflection
    record Error(String message) {
    }

    /** Every task as DescribeProcessTasks lists it at {@code now}, in its default order (gmtModified desc). */
    @RegisterForReflection
    record GroundTruth(String now, long nowMillis, List<AlibabaWire.ProcessTask> tasks) {
    }
}
