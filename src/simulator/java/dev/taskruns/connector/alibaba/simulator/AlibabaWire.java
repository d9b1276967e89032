package dev.taskruns.connector.alibaba.simulator;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.quarkus.runtime.annotations.RegisterForReflection;

import java.util.List;

/** The vendor's JSON: members in upper camel case, null members left out (as on the reference page). */
final class AlibabaWire {

    private AlibabaWire() {
    }

    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
    record ProcessTask(String taskId, String creator, Long gmtCreateMillis, Long gmtModifiedMillis, String yunCode,
                       String entityName, String entityType, String entityUuid, String eventUuid, Integer taskStatus,
                       String scope, String inputParams, String sceneCode, String sceneName, Long processTime,
                       Long removeTime, String processStrategyUuid, String source, String triggerSource,
                       String reqUuid, String errCode, String errMsg, String errTip) {
    }

    @RegisterForReflection
    @JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
    record Page(int totalCount, int pageNumber, int pageSize) {
    }

    @RegisterForReflection
    @JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
    record DescribeProcessTasksResponse(String requestId, List<ProcessTask> processTasks, Page page) {
    }

    @RegisterForReflection
    @JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
    record Error(String requestId, String hostId, String code, String message, String recommend) {
    }
}
