package dev.taskruns.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taskruns.store.RunView;
import io.quarkus.runtime.annotations.RegisterForReflection;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The unified run as consumers see it (contract: "The unified run"). */
@RegisterForReflection
@Schema(name = "Run", description = "One vendor run in unified form")
public record RunDto(
        @Schema(description = "Configured source id", example = "eseteu") String source,
        @Schema(enumeration = {"ESET", "ALIBABA"}) String vendor,
        @Schema(description = "ESET deviceUuid; Alibaba EntityUuid, else EntityType:EntityName") String deviceId,
        @Schema(description = "Device display name when known", nullable = true) String deviceName,
        @Schema(description = "ESET taskUuid; Alibaba TaskId") String taskId,
        @Schema(description = "ESET task displayName when known; Alibaba SceneName", nullable = true) String taskName,
        @Schema(description = "ESET run uuid; Alibaba TaskId") String runId,
        @Schema(enumeration = {"PENDING", "RUNNING", "SUCCEEDED", "FAILED", "SUPPRESSED", "UNKNOWN"}) String status,
        @Schema(description = "The vendor's own status value", example = "TASK_RUN_STATUS_FAILED") String vendorStatus,
        @Schema(format = "date-time", example = "2026-11-01T08:15:30.000Z") String startedAt,
        @Schema(format = "date-time", nullable = true) String endedAt,
        @Schema(format = "date-time", description = "When this service last saw the run change "
                + "(Alibaba: GmtModifiedMillis)") String updatedAt,
        @Schema(description = "Vendor error details when the run failed", nullable = true) JsonNode error) {

    static RunDto of(RunView run) {
        return new RunDto(run.source(), run.vendor().name(), run.deviceId(), run.deviceName(), run.taskId(),
                run.taskName(), run.runId(), run.status().name(), run.vendorStatus(),
                Timestamps.format(run.startedAt()), Timestamps.format(run.endedAt()),
                Timestamps.format(run.updatedAt()), run.error());
    }
}
