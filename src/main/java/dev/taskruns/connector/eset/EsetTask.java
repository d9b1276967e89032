package dev.taskruns.connector.eset;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taskruns.connector.RecordGuard;
import dev.taskruns.connector.VendorText;

import java.util.ArrayList;
import java.util.List;

/**
 * A device task as listed by {@code GET /v1/device_tasks}. Triggers stay JSON so that a trigger kind
 * this client does not know yet is still seen (and treated as one that can fire again).
 */
public record EsetTask(String uuid, String displayName, List<JsonNode> triggers, String createTime, String updateTime) {

    /**
     * Reads one listed task leniently, field by field: a field of the wrong type (an object where a
     * name belongs) is left out instead of failing the whole task list, which would stop every task
     * of the source; a task left without a usable uuid is then one bad record (EsetConnector).
     */
    static EsetTask from(JsonNode task) {
        List<JsonNode> triggers = new ArrayList<>();
        JsonNode listed = task.get("triggers");
        if (listed != null && listed.isArray()) {
            listed.forEach(triggers::add);
        }
        return new EsetTask(scalar(task, "uuid"), scalar(task, "displayName"), triggers,
                scalar(task, "createTime"), scalar(task, "updateTime"));
    }

    private static String scalar(JsonNode task, String field) {
        JsonNode value = task.get(field);
        return value != null && value.isValueNode() && !value.isNull() ? value.asText() : null;
    }

    public List<JsonNode> triggers() {
        return triggers == null ? List.of() : triggers;
    }

    /** With its name and times as a checkpoint may keep them (no NUL, bounded); triggers are only read. */
    EsetTask storable() {
        return new EsetTask(uuid, clean(displayName), triggers, clean(createTime), clean(updateTime));
    }

    private static String clean(String value) {
        return VendorText.clean(value, RecordGuard.MAX_TEXT);
    }
}
