package dev.taskruns.api;

import dev.taskruns.config.SourceDefinition;
import dev.taskruns.store.SourceEntity;
import dev.taskruns.store.SourceState;
import io.quarkus.runtime.annotations.RegisterForReflection;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A configured source and where its sync stands. */
@RegisterForReflection
@Schema(name = "Source")
public record SourceDto(
        @Schema(example = "eseteu") String id,
        @Schema(enumeration = {"ESET", "ALIBABA"}) String vendor,
        boolean enabled,
        @Schema(format = "date-time", nullable = true) String lastSyncStartedAt,
        @Schema(format = "date-time", nullable = true) String lastSyncSucceededAt,
        @Schema(description = "Last sync error, cleared by the next successful cycle", nullable = true) String lastError,
        @Schema(description = "Runs stored for this source") long runsStored,
        @Schema(enumeration = {"IDLE", "SYNCING", "BACKING_OFF", "FAILING"}) String state) {

    static SourceDto of(SourceDefinition definition, SourceEntity stored) {
        if (stored == null) {
            return new SourceDto(definition.id(), definition.vendor().name(), definition.enabled(),
                    null, null, null, 0, SourceState.IDLE.name());
        }
        return new SourceDto(definition.id(), definition.vendor().name(), definition.enabled(),
                Timestamps.format(stored.lastSyncStartedAt), Timestamps.format(stored.lastSyncSucceededAt),
                stored.lastError, stored.runsStored, stored.state.name());
    }
}
