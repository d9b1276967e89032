package dev.taskruns.connector.eset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;

/**
 * What the connector remembers per task (scope {@code task:<uuid>}), written in the same transaction
 * as the task's last page of runs. JSON by hand: a handful of fields, no mapper configuration to depend on.
 *
 * @param settled        all runs final, nothing recent, no trigger that can fire again: polled only every settled-recheck
 * @param unfinished     a run was not final (or not started) when last read: its end is a change still to come
 * @param deleted        the task vanished from the task list; its runs were read one last time
 * @param lastCheckedAt  when its runs were last read completely
 * @param lastActivity   newest of its runs' start/end times and the task's create/update time; null if none
 * @param taskUpdateTime the task's {@code updateTime} as listed, to notice edits (new targets or triggers)
 * @param taskName       display name, kept for runs read after the task was deleted
 */
record TaskCheckpoint(boolean settled, boolean unfinished, boolean deleted, Instant lastCheckedAt, Instant lastActivity,
                      String taskUpdateTime, String taskName) {

    static final String SCOPE_PREFIX = "task:";

    static String scope(String taskUuid) {
        return SCOPE_PREFIX + taskUuid;
    }

    JsonNode toJson() {
        ObjectNode json = JsonNodeFactory.instance.objectNode()
                .put("settled", settled)
                .put("unfinished", unfinished)
                .put("deleted", deleted)
                .put("lastCheckedAt", lastCheckedAt.toString());
        json.put("lastActivity", lastActivity == null ? null : lastActivity.toString());
        json.put("taskUpdateTime", taskUpdateTime);
        json.put("taskName", taskName);
        return json;
    }

    /**
     * Anything unreadable comes back unsettled with an old check time, so the task is simply read again
     * (and, written before {@code unfinished} existed, as finished: it only orders the reads).
     */
    static TaskCheckpoint fromJson(JsonNode json) {
        return new TaskCheckpoint(
                json.path("settled").asBoolean(false),
                json.path("unfinished").asBoolean(false),
                json.path("deleted").asBoolean(false),
                instant(json, "lastCheckedAt", Instant.EPOCH),
                instant(json, "lastActivity", null),
                EsetRunMapper.text(json, "taskUpdateTime"),
                EsetRunMapper.text(json, "taskName"));
    }

    private static Instant instant(JsonNode json, String field, Instant fallback) {
        try {
            String text = EsetRunMapper.text(json, field);
            return text == null ? fallback : Instant.parse(text);
        } catch (RuntimeException e) {
            return fallback;
        }
    }
}
