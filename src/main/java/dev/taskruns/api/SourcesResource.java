package dev.taskruns.api;

import dev.taskruns.config.Sources;
import dev.taskruns.store.SourceEntity;
import dev.taskruns.store.SourceRepository;
import dev.taskruns.store.SyncCycleRepository;
import dev.taskruns.sync.SyncEngine;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The configured sources and the state of their sync. */
@Path("/api/v1/sources")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Sources")
@APIResponse(responseCode = "503", description = "The database is unavailable; retry after Retry-After seconds",
        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
@APIResponse(responseCode = "401", description = "No bearer token, or one that is invalid or expired",
        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
@APIResponse(responseCode = "403", description = "The token lacks the role: taskruns-read to list, taskruns-sync to start cycles",
        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
public class SourcesResource {

    private static final int DEFAULT_CYCLES = 20;
    private static final int MAX_CYCLES = 100;

    private final Sources sources;
    private final SourceRepository repository;
    private final SyncEngine engine;
    private final SyncCycleRepository cycles;

    public SourcesResource(Sources sources, SourceRepository repository, SyncEngine engine, SyncCycleRepository cycles) {
        this.sources = sources;
        this.repository = repository;
        this.engine = engine;
        this.cycles = cycles;
    }

    @GET
    @RolesAllowed(Authentication.READ)
    @Operation(summary = "Every configured source with its sync state", description = "Ordered by id.")
    public List<SourceDto> list() {
        Map<String, SourceEntity> stored = repository.listAll().stream()
                .collect(Collectors.toMap(s -> s.id, Function.identity()));
        return sources.all().stream().map(def -> SourceDto.of(def, stored.get(def.id()))).toList();
    }

    @GET
    @Path("/{id}/cycles")
    @RolesAllowed(Authentication.READ)
    @Operation(summary = "A source's latest finished sync cycles, newest first",
            description = "Kept as long as the change feed (taskruns.changes.retention).")
    @APIResponse(responseCode = "200", description = "The cycles")
    @APIResponse(responseCode = "400", description = "A bad limit",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "No such source",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public CyclePage cycles(@PathParam("id") String id,
                            @QueryParam("limit") @Parameter(description = "1 to 100 (default 20)") String limit) {
        int size = cycleLimit(limit);
        if (!sources.exists(id)) {
            throw new NotFoundProblem("No source '" + id + "' is configured");
        }
        return new CyclePage(cycles.latest(id, size).stream().map(CycleDto::of).toList());
    }

    private static int cycleLimit(String limit) {
        if (limit == null || limit.isBlank()) {
            return DEFAULT_CYCLES;
        }
        return FilterParams.pageSize(limit, MAX_CYCLES).orElseThrow(() -> new InvalidParametersException("limit",
                "'" + limit + "' is not a whole number from 1 to " + MAX_CYCLES));
    }

    @POST
    @Path("/{id}/sync")
    @RolesAllowed(Authentication.SYNC)
    @Operation(summary = "Start a sync cycle of one source now",
            description = "Accepted (202) when a cycle starts; 409 while one of this source runs on any replica.")
    @APIResponse(responseCode = "202", description = "A cycle has started; follow it on GET /api/v1/sources")
    @APIResponse(responseCode = "404", description = "No such source",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "A cycle of this source is running, every worker is busy, "
            + "or the source is disabled or unsupported",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response sync(@PathParam("id") String id) {
        return switch (engine.trigger(id)) {
            case STARTED -> Response.accepted().location(URI.create("/api/v1/sources")).build();
            case ALREADY_RUNNING -> throw new ConflictProblem("A sync cycle of source '" + id + "' is already running");
            case BUSY -> throw new ConflictProblem("Every sync worker of this replica is busy "
                    + "(taskruns.sync.max-concurrent-sources); try again shortly");
            case STOPPING -> throw new ConflictProblem("This replica is shutting down; another replica picks source '"
                    + id + "' up at once");
            case DISABLED -> throw new ConflictProblem("Source '" + id + "' is disabled (taskruns.sources." + id + ".enabled)");
            case UNSUPPORTED -> throw new ConflictProblem("Source '" + id + "' has no connector in this build");
            case UNKNOWN_SOURCE -> throw new NotFoundProblem("No source '" + id + "' is configured");
        };
    }

    @POST
    @Path("/{id}/reread")
    @RolesAllowed(Authentication.SYNC)
    @Operation(summary = "Read one source again from scratch",
            description = "Forgets the source's checkpoints and makes it due at once, so its next cycle reads "
                    + "everything its connector reaches (ESET: every task; Alibaba: the backfill period). "
                    + "Stored runs stay and are updated in place; a cycle running now stops at its next page.")
    @APIResponse(responseCode = "202", description = "The next cycle reads from scratch; follow it on GET /api/v1/sources")
    @APIResponse(responseCode = "404", description = "No such source",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response reread(@PathParam("id") String id) {
        if (!engine.reread(id)) {
            throw new NotFoundProblem("No source '" + id + "' is configured");
        }
        return Response.accepted().location(URI.create("/api/v1/sources")).build();
    }
}
