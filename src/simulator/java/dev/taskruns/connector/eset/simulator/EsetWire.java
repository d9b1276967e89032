package dev.taskruns.connector.eset.simulator;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.quarkus.runtime.annotations.RegisterForReflection;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

/** The vendor's JSON, field for field as in the OpenAPI specs (automation, business-account, device-management). */
final class EsetWire {

    private EsetWire() {
    }

    /** RFC 3339 in UTC with {@code Z}; the fraction has 0, 3, 6 or 9 digits, as it comes. */
    static String timestamp(Instant instant) {
        return instant == null ? null : DateTimeFormatter.ISO_INSTANT.format(instant);
    }

    /** business-account {@code Token}. */
    @RegisterForReflection
    record Token(@JsonProperty("access_token") String accessToken,
                 @JsonProperty("refresh_token") String refreshToken,
                 @JsonProperty("token_type") String tokenType,
                 @JsonProperty("expires_in") long expiresIn) {
    }

    /** RFC 6749 section 5.2 error; the spec leaves the token endpoint's error body open. */
    @RegisterForReflection
    record OAuthError(String error, @JsonProperty("error_description") String errorDescription) {
    }

    /** {@code rpcStatus}: gRPC status code, message, details. */
    @RegisterForReflection
    record RpcStatus(int code, String message, List<Map<String, Object>> details) {
    }

    @RegisterForReflection
    record DeviceTask(String uuid, String displayName, String description, Action action, String source,
                      Targets targets, List<Trigger> triggers, String versionId, String createTime, String updateTime) {
    }

    /** {@code params} is a protobuf Any: {@code @type} plus message fields. */
    @RegisterForReflection
    record Action(String name, Map<String, Object> params) {
    }

    @RegisterForReflection
    record Targets(List<String> devicesUuids, List<String> deviceGroupsUuids) {
    }

    @RegisterForReflection
    record Trigger(ManualTrigger manual) {
    }

    @RegisterForReflection
    record ManualTrigger(String createTime, String expireTime) {
    }

    @RegisterForReflection
    record ListTasksResponse(List<DeviceTask> tasks, String nextPageToken) {
    }

    /** {@code endTime} and {@code result} are absent, not null, when they do not apply. */
    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record DeviceTaskRun(String uuid, String taskUuid, String deviceUuid, String status, String startTime,
                         String endTime, Map<String, Object> result) {
    }

    @RegisterForReflection
    record ListTaskRunsResponse(List<DeviceTaskRun> taskRuns, String nextPageToken) {
    }

    /** The subset of device-management {@code v1Device} a task-run consumer needs. */
    @RegisterForReflection
    record Device(String uuid, String displayName, String primaryLocalIpAddress, String lastSyncTime) {
    }

    @RegisterForReflection
    record BatchGetDevicesResponse(List<Device> devices) {
    }
}
