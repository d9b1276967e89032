package dev.taskruns.api;

import dev.taskruns.config.Sources;
import dev.taskruns.store.SourceEntity;
import dev.taskruns.store.SourceRepository;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The configured sources and the state of their sync. */
@Path("/api/v1/sources")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Sources")
public class SourcesResource {

    private final Sources sources;
    private final SourceRepository repository;

    public SourcesResource(Sources sources, SourceRepository repository) {
        this.sources = sources;
        this.repository = repository;
    }

    @GET
    @Operation(summary = "Every configured source with its sync state", description = "Ordered by id.")
    public List<SourceDto> list() {
        Map<String, SourceEntity> stored = repository.listAll().stream()
                .collect(Collectors.toMap(s -> s.id, Function.identity()));
        return sources.all().stream().map(def -> SourceDto.of(def, stored.get(def.id()))).toList();
    }
}
