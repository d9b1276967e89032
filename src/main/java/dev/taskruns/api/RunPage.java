package dev.taskruns.api;

import io.quarkus.runtime.annotations.RegisterForReflection;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;

/** One page of runs; {@code nextCursor} is null on the last page. */
@RegisterForReflection
@Schema(name = "RunPage")
public record RunPage(
        List<RunDto> items,
        @Schema(description = "Opaque cursor for the next page, null on the last page", nullable = true)
        String nextCursor) {
}
