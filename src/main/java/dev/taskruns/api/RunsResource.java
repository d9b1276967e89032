package dev.taskruns.api;

import dev.taskruns.config.Sources;
import dev.taskruns.store.RunFilter;
import dev.taskruns.store.RunQueries;
import dev.taskruns.store.RunQueries.DeviceKey;
import dev.taskruns.store.RunQueries.RunKey;
import dev.taskruns.store.RunView;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.function.Function;

/** Last runs, device history and all runs, keyset-paginated (contract: "Facade"). */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Runs")
@APIResponse(responseCode = "400", description = "A bad parameter; each one is named in errors[]",
        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
@APIResponse(responseCode = "503", description = "The database is unavailable; retry after Retry-After seconds",
        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
@RolesAllowed(Authentication.READ)
@APIResponse(responseCode = "401", description = "No bearer token, or one that is invalid or expired",
        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
@APIResponse(responseCode = "403", description = "The token lacks the taskruns-read role",
        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
public class RunsResource {

    private final RunQueries queries;
    private final Sources sources;

    public RunsResource(RunQueries queries, Sources sources) {
        this.queries = queries;
        this.sources = sources;
    }

    @GET
    @Path("/last-runs")
    @Operation(summary = "The last run of every device",
            description = "One item per (source, deviceId), ordered by source then deviceId. vendor, source, deviceId, "
                    + "taskId, startedAfter and startedBefore choose which runs count and each device's last run is "
                    + "taken among those; status then keeps the devices whose last run has that status.")
    @APIResponse(responseCode = "200", description = "A page of last runs")
    public RunPage lastRuns(@BeanParam FilterParams params) {
        FilterParams.ParsedQuery query = params.parse(sources, null);
        return page("last-runs", query,
                position -> new DeviceKey(position.get(0), position.get(1)),
                (filter, after, limit) -> queries.lastRuns(filter, after, limit),
                run -> List.of(run.source(), run.deviceId()), 2);
    }

    @GET
    @Path("/devices/{deviceId}/last-run")
    @Operation(summary = "The last run of one device",
            description = "Across all sources unless source is given: the run with the greatest startedAt, ties "
                    + "broken by the greater runId. The other filters choose which runs count, as on /last-runs.")
    @APIResponse(responseCode = "200", description = "The device's last run")
    @APIResponse(responseCode = "404", description = "No run of this device matches",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public RunDto deviceLastRun(@PathParam("deviceId") String deviceId, @BeanParam FilterParams params) {
        RunFilter filter = params.parse(sources, deviceId).filter();
        RunFilter anyStatus = new RunFilter(filter.sources(), filter.vendor(), null, filter.deviceIds(),
                filter.taskId(), filter.startedAfter(), filter.startedBefore());
        return queries.runs(anyStatus, null, 1).stream()
                .filter(run -> filter.statuses().isEmpty() || filter.statuses().contains(run.status()))
                .findFirst()
                .map(RunDto::of)
                .orElseThrow(() -> new NotFoundProblem("No run of device '" + deviceId + "' matches the query"));
    }

    @GET
    @Path("/devices/{deviceId}/runs")
    @Operation(summary = "One device's run history, newest first",
            description = "Ordered by startedAt, then runId, then source, all descending.")
    @APIResponse(responseCode = "200", description = "A page of the device's runs")
    public RunPage deviceRuns(@PathParam("deviceId") String deviceId, @BeanParam FilterParams params) {
        return runs("device-runs", params.parse(sources, deviceId));
    }

    @GET
    @Path("/runs")
    @Operation(summary = "All runs, newest first",
            description = "Ordered by startedAt, then runId, then source, all descending.")
    @APIResponse(responseCode = "200", description = "A page of runs")
    public RunPage runs(@BeanParam FilterParams params) {
        return runs("runs", params.parse(sources, null));
    }

    private RunPage runs(String kind, FilterParams.ParsedQuery query) {
        return page(kind, query,
                position -> new RunKey(instant(position.get(0)), position.get(1), position.get(2)),
                (filter, after, limit) -> queries.runs(filter, after, limit),
                run -> List.of(run.startedAt().toString(), run.runId(), run.source()), 3);
    }

    /** Fetches one item more than asked to learn whether a next page exists without counting. */
    private static <K> RunPage page(String kind, FilterParams.ParsedQuery query, Function<List<String>, K> key,
                                    Fetch<K> fetch, Function<RunView, List<String>> position, int parts) {
        K after = query.cursor().map(c -> key.apply(Cursor.decode(c, kind, query.canonical(), parts))).orElse(null);
        List<RunView> rows = fetch.apply(query.filter(), after, query.limit() + 1);
        boolean more = rows.size() > query.limit();
        List<RunView> items = more ? rows.subList(0, query.limit()) : rows;
        String next = more ? Cursor.encode(kind, query.canonical(), position.apply(items.getLast())) : null;
        return new RunPage(items.stream().map(RunDto::of).toList(), next);
    }

    private static Instant instant(String text) {
        try {
            Instant instant = Instant.parse(text);
            if (Timestamps.inRange(instant)) {
                return instant;
            }
        } catch (DateTimeParseException e) {
            // reported below
        }
        throw Cursor.malformed();
    }

    @FunctionalInterface
    private interface Fetch<K> {
        List<RunView> apply(RunFilter filter, K after, int limit);
    }
}
