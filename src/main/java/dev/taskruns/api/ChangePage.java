package dev.taskruns.api;

import io.quarkus.runtime.annotations.RegisterForReflection;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;

/** A page of the change feed; unlike run pages, nextCursor is always given: the place to poll from. */
@RegisterForReflection
@Schema(name = "ChangePage")
public record ChangePage(
        List<ChangeDto> items,
        @Schema(description = "Pass back as after= to read on; an empty page with the same cursor means no newer change yet")
        String nextCursor) {
}
