package dev.taskruns.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.taskruns.config.Sources;
import dev.taskruns.feed.ChangeFeed;
import dev.taskruns.feed.ChangeFeedConfig;
import dev.taskruns.store.RunQueries.ChangeStretch;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.ServiceUnavailableException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The change feed (contract: "Change feed"): Server-Sent Events, or JSON pages for clients that poll. */
@Path("/api/v1/changes")
@Tag(name = "Changes")
@RolesAllowed(Authentication.READ)
@APIResponse(responseCode = "400", description = "A bad parameter; each one is named in errors[]",
        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
@APIResponse(responseCode = "401", description = "No bearer token, or one that is invalid or expired",
        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
@APIResponse(responseCode = "403", description = "The token lacks the taskruns-read role",
        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
@APIResponse(responseCode = "410", description = "The resume point is older than the retention (or unknown here)",
        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
@APIResponse(responseCode = "503", description = "The database is unavailable, or this replica is stopping",
        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
public class ChangesResource {

    private static final String LAST_EVENT_ID = "Last-Event-ID";

    private final ChangeFeed feed;
    private final ChangeFeedConfig config;
    private final Sources sources;
    private final ObjectMapper json;

    public ChangesResource(ChangeFeed feed, ChangeFeedConfig config, Sources sources, ObjectMapper json) {
        this.feed = feed;
        this.config = config;
        this.sources = sources;
        this.json = json;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "A page of changes of devices' last runs, oldest first",
            description = "Changes after after= (or the oldest kept; since=now: none yet, only a cursor to poll from), "
                    + "in commit order across replicas. Filters as on /last-runs, applied to the changed run.")
    @APIResponse(responseCode = "200", description = "A page of changes and the cursor to read on from")
    public ChangePage page(@BeanParam ChangeParams params, @HeaderParam(LAST_EVENT_ID) String lastEventId) {
        ChangeParams.ParsedChanges query = params.parseChanges(sources, lastEventId);
        ChangeStretch stretch = feed.first(feed.startAfter(query.after(), query.sinceNow()), query.filter(), query.limit());
        return new ChangePage(stretch.changes().stream().map(ChangeDto::of).toList(), ChangeIds.format(stretch.readThrough()));
    }

    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Operation(summary = "The changes of devices' last runs as Server-Sent Events",
            description = "Each event's id: and data: carry one change. Resume with Last-Event-ID (or after=); "
                    + "an idle stream gets a comment line at least every 15 s.")
    @APIResponse(responseCode = "200", description = "The stream",
            content = @Content(mediaType = MediaType.SERVER_SENT_EVENTS, schema = @Schema(implementation = ChangeDto.class)))
    public void stream(@BeanParam ChangeParams params, @HeaderParam(LAST_EVENT_ID) String lastEventId,
                       @Context SseEventSink sink, @Context Sse sse) {
        ChangeParams.ParsedChanges query = params.parseChanges(sources, lastEventId);
        long start = feed.startAfter(query.after(), query.sinceNow()).after();
        ChangeStream stream = new ChangeStream(feed, config, json, sink, sse, query.filter(), start);
        if (!feed.open(stream)) {
            throw new ServiceUnavailableException("This replica is stopping; reconnect to reach another one");
        }
        stream.open();
        Thread.ofVirtual().name("changes-stream").start(stream);
    }
}
