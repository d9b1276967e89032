package dev.taskruns.connector.eset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;

/**
 * Where an unfinished read of one task's runs stands (scope {@code progress:<uuid>}), committed with
 * each page but the last: after a crash the next cycle resumes at the following page, so at most one
 * page is read twice. The last page removes it. The settled-check tallies ride along, because the
 * pages already read are not read again.
 *
 * @param pageToken    ESET's nextPageToken after the last committed page
 * @param allFinal     every run read so far is in a final status
 * @param lastActivity newest activity seen so far, or null
 */
record TaskProgress(String pageToken, boolean allFinal, Instant lastActivity) {

    static final String SCOPE_PREFIX = "progress:";

    static String scope(String taskUuid) {
        return SCOPE_PREFIX + taskUuid;
    }

    JsonNode toJson() {
        ObjectNode json = JsonNodeFactory.instance.objectNode().put("pageToken", pageToken).put("allFinal", allFinal);
        json.put("lastActivity", lastActivity == null ? null : lastActivity.toString());
        return json;
    }

    /** Null when unreadable: the task is then simply read from its first page. */
    static TaskProgress fromJson(JsonNode json) {
        String token = EsetRunMapper.text(json, "pageToken");
        if (token == null) {
            return null;
        }
        try {
            String activity = EsetRunMapper.text(json, "lastActivity");
            return new TaskProgress(token, json.path("allFinal").asBoolean(false),
                    activity == null ? null : Instant.parse(activity));
        } catch (RuntimeException e) {
            return null;
        }
    }
}
