package dev.taskruns.connector.eset;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.JsonNode;
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
}
