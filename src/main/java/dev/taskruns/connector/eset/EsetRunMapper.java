package dev.taskruns.connector.eset;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taskruns.connector.VendorText;
import dev.taskruns.store.RunStatus;
import dev.taskruns.store.UnifiedRun;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Map;

/**
 * ESET task run → {@link UnifiedRun}, per the contract's mapping table.
 * <p>
 * A run without {@code startTime} (a queued run has not started yet) takes its {@code endTime};
 * one with neither has no place in a timeline and is rejected as a bad record. It is still
 * listed next cycle, and stored once the vendor gives it a time.
 */
final class EsetRunMapper {

    static final String STATUS_PREFIX = "TASK_RUN_STATUS_";

    private static final Map<String, RunStatus> STATUSES = Map.of(
            "TASK_RUN_STATUS_QUEUED", RunStatus.PENDING,
            "TASK_RUN_STATUS_RUNNING", RunStatus.RUNNING,
            "TASK_RUN_STATUS_FINISHED", RunStatus.SUCCEEDED,
            "TASK_RUN_STATUS_FAILED", RunStatus.FAILED,
            "TASK_RUN_STATUS_SUPPRESSED", RunStatus.SUPPRESSED);

    private EsetRunMapper() {
    }

    /**
     * @param taskUuid    the task being listed, used when the run does not name its own
     * @param taskName    the task's display name, or null when unknown (e.g. a deleted task)
     * @param deviceNames display names known so far, by device uuid
     * @throws IllegalArgumentException when the run lacks what the store requires
     */
    static UnifiedRun map(String source, JsonNode run, String taskUuid, String taskName, Map<String, String> deviceNames) {
        String runId = required(run, "uuid", null);
        String deviceId = required(run, "deviceUuid", runId);
        // a number is an enum value a newer API version may send: unknown, not broken
        String vendorStatus = field(run, "status", runId);
        // the vendor's enum default; an absent status is "unspecified", not a broken record
        vendorStatus = vendorStatus == null ? STATUS_PREFIX + "UNSPECIFIED" : vendorStatus;
        Instant start = time(run, "startTime", runId);
        Instant end = time(run, "endTime", runId);
        Instant startedAt = start != null ? start : end;
        if (startedAt == null) {
            throw new NotStarted("run " + VendorText.quote(runId) + " has neither startTime nor endTime");
        }
        RunStatus status = status(vendorStatus);
        JsonNode result = run.get("result");
        JsonNode error = status == RunStatus.FAILED && result != null && result.isObject() ? result : null;
        String ownTask = field(run, "taskUuid", runId);
        return new UnifiedRun(source, runId, deviceId, deviceNames.get(deviceId), ownTask != null ? ownTask : taskUuid,
                taskName, status, vendorStatus, startedAt, end, null, error, run);
    }

    /** Every value the vendor documents; UNSPECIFIED and anything new map to UNKNOWN. */
    static RunStatus status(String vendorStatus) {
        return vendorStatus == null ? RunStatus.UNKNOWN : STATUSES.getOrDefault(vendorStatus, RunStatus.UNKNOWN);
    }

    /** Whether a run can still change: only these three are outcomes. */
    static boolean isFinal(String vendorStatus) {
        RunStatus status = status(vendorStatus);
        return status == RunStatus.SUCCEEDED || status == RunStatus.FAILED || status == RunStatus.SUPPRESSED;
    }

    /** RFC 3339 as the vendor sends it (any offset, any fraction); null when absent or empty. */
    static Instant parseTime(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        return OffsetDateTime.parse(value).toInstant();
    }

    static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() || value.asText().isEmpty() ? null : value.asText();
    }

    /**
     * A run's scalar field as text, like {@link #text}, but an object or array where the API has a
     * string is a broken record, not an empty value.
     */
    private static String field(JsonNode run, String field, String runId) {
        JsonNode value = run.get(field);
        if (value != null && value.isContainerNode()) {
            throw new IllegalArgumentException(named(runId) + " has an unreadable " + field);
        }
        return text(run, field);
    }

    private static String required(JsonNode run, String field, String runId) {
        String value = field(run, field, runId);
        if (value == null) {
            throw new IllegalArgumentException(named(runId) + " without " + field);
        }
        return value;
    }

    private static Instant time(JsonNode run, String field, String runId) {
        String value = field(run, field, runId);
        try {
            return parseTime(value);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(named(runId) + " has an unreadable " + field + " "
                    + VendorText.quote(value), e);
        }
    }

    /** The run as a message names it: its uuid, cut, when it has one. */
    private static String named(String runId) {
        return runId == null ? "run" : "run " + VendorText.quote(runId);
    }

    /**
     * A run ESET lists before it has any time (typically queued): nothing is wrong with it, it just
     * cannot be placed in time yet. Not a bad record; it is stored once ESET gives it a time.
     */
    static final class NotStarted extends IllegalArgumentException {
        NotStarted(String message) {
            super(message);
        }
    }
}
