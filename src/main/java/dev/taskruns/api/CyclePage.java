package dev.taskruns.api;

import io.quarkus.runtime.annotations.RegisterForReflection;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;

/** A source's latest cycles, newest first. */
@RegisterForReflection
@Schema(name = "CyclePage")
public record CyclePage(List<CycleDto> items) {
}
