package dev.taskruns.connector.eset;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.JsonNode;
import dev.taskruns.connector.RecordGuard;
import dev.taskruns.connector.VendorText;
import io.quarkus.runtime.annotations.RegisterForReflection;

import java.util.List;

/**
 * A device task as listed by {@code GET /v1/device_tasks}. Triggers stay JSON so that a trigger kind
 * this client does not know yet is still seen (and treated as one that can fire again).
 */
@RegisterForReflection
@JsonIgnoreProperties(ignoreUnknown = true)
public record EsetTask(String uuid, String displayName, List<JsonNode> triggers, String createTime, String updateTime) {

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
