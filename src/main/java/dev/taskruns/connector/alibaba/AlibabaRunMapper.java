package dev.taskruns.connector.alibaba;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.taskruns.connector.VendorText;
import dev.taskruns.store.RunStatus;
import dev.taskruns.store.UnifiedRun;

import java.time.Instant;
import java.util.Map;

/**
 * One {@code DescribeProcessTasks} task → {@link UnifiedRun}, per the contract's mapping table. A task
 * is its own run: runId and taskId are both {@code TaskId}.
 */
final class AlibabaRunMapper {

    /** vendorStatus of a task without {@code TaskStatus}: the column is required, and "" would hide that it was absent. */
    static final String UNSET = "UNSET";
    /** The one status that is bound to change ("handling"): the connector follows such tasks until they leave it. */
    static final String HANDLING = "11";

    private static final Map<String, RunStatus> STATUSES = Map.of(
            HANDLING, RunStatus.RUNNING,
            "20", RunStatus.SUCCEEDED, // success
            "21", RunStatus.SUCCEEDED, // blocking: the block is in place
            "22", RunStatus.SUCCEEDED, // isolating: the isolation is in place
            "23", RunStatus.SUCCEEDED, // ended: released again
            "24", RunStatus.SUCCEEDED, // whitelisted
            "90", RunStatus.FAILED,    // failed
            "91", RunStatus.FAILED,    // unblock failed
            "92", RunStatus.FAILED);   // un-isolate failed

    private AlibabaRunMapper() {
    }

    /**
     * @throws IllegalArgumentException when the task lacks what the store requires or has an unreadable
     *                                  field; the message names the field and the TaskId when known
     */
    static UnifiedRun map(String source, JsonNode task) {
        if (task == null || !task.isObject()) {
            throw new IllegalArgumentException("task record is not a JSON object");
        }
        String taskId = taskId(task);
        String vendorStatus = text(task, "TaskStatus", taskId);
        vendorStatus = vendorStatus == null ? UNSET : vendorStatus;
        String deviceName = stripped(task, "EntityName", taskId);
        Instant processTime = time(task, "ProcessTime", taskId);
        Instant created = time(task, "GmtCreateMillis", taskId);
        Instant startedAt = processTime != null ? processTime : created;
        if (startedAt == null) {
            throw new IllegalArgumentException(named(taskId) + " has neither ProcessTime nor GmtCreateMillis");
        }
        return new UnifiedRun(source, taskId, deviceId(task, taskId, deviceName), deviceName, taskId,
                nonBlank(text(task, "SceneName", taskId)), status(vendorStatus), vendorStatus, startedAt,
                time(task, "RemoveTime", taskId), time(task, "GmtModifiedMillis", taskId), error(task, taskId), task);
    }

    /** Every documented value; anything else is UNKNOWN, stored with its vendorStatus. */
    static RunStatus status(String vendorStatus) {
        return vendorStatus == null ? RunStatus.UNKNOWN : STATUSES.getOrDefault(vendorStatus, RunStatus.UNKNOWN);
    }

    /** Documented as a string; a number is taken as written, anything else (true, 1.5E17, {...}) is no id. */
    private static String taskId(JsonNode task) {
        JsonNode value = task.get("TaskId");
        if (value == null || value.isNull() || value.isTextual() && value.textValue().isBlank()) {
            throw new IllegalArgumentException("task without TaskId");
        }
        if (!value.isTextual() && !value.isIntegralNumber()) {
            throw unreadable("TaskId", null);
        }
        return value.asText();
    }

    /** EntityUuid when given, else EntityType:EntityName: the same name (an IP, a file) can be entities of different types. */
    private static String deviceId(JsonNode task, String taskId, String entityName) {
        String uuid = stripped(task, "EntityUuid", taskId);
        if (uuid != null) {
            return uuid;
        }
        String entityType = stripped(task, "EntityType", taskId);
        if (entityType == null || entityName == null) {
            throw new IllegalArgumentException(named(taskId) + " has no EntityUuid and no "
                    + (entityType == null ? "EntityType" : "EntityName"));
        }
        return entityType + ":" + entityName;
    }

    private static JsonNode error(JsonNode task, String taskId) {
        ObjectNode error = JsonNodeFactory.instance.objectNode();
        putNonBlank(error, "code", text(task, "ErrCode", taskId));
        putNonBlank(error, "message", text(task, "ErrMsg", taskId));
        putNonBlank(error, "tip", text(task, "ErrTip", taskId));
        return error.isEmpty() ? null : error;
    }

    private static void putNonBlank(ObjectNode node, String field, String value) {
        if (nonBlank(value) != null) {
            node.put(field, value);
        }
    }

    /** Epoch millis, as a number or a numeric string; 0, negative or blank is "not set". */
    private static Instant time(JsonNode task, String field, String taskId) {
        JsonNode value = task.get(field);
        if (value == null || value.isNull() || value.isTextual() && value.textValue().isBlank()) {
            return null;
        }
        long millis;
        if (value.isIntegralNumber() && value.canConvertToLong()) {
            millis = value.longValue();
        } else if (value.isTextual()) {
            try {
                millis = Long.parseLong(value.textValue().strip());
            } catch (NumberFormatException e) {
                throw unreadable(field, taskId);
            }
        } else {
            throw unreadable(field, taskId);
        }
        return millis > 0 ? Instant.ofEpochMilli(millis) : null;
    }

    /** A scalar as text (numbers as written), null when absent or JSON null. */
    private static String text(JsonNode task, String field, String taskId) {
        JsonNode value = task.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isValueNode()) {
            throw unreadable(field, taskId);
        }
        return value.asText();
    }

    /** Stripped, null when blank: the vendor's own examples end identifiers with "\n". */
    private static String stripped(JsonNode task, String field, String taskId) {
        String value = text(task, field, taskId);
        return value == null ? null : nonBlank(value.strip());
    }

    private static String nonBlank(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    private static IllegalArgumentException unreadable(String field, String taskId) {
        return new IllegalArgumentException(named(taskId) + " has an unreadable " + field);
    }

    /** The task as a message names it: its TaskId, cut, when it has one. */
    private static String named(String taskId) {
        return taskId == null ? "task" : "task " + VendorText.quote(taskId);
    }
}
