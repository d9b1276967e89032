package dev.taskruns.connector.eset;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * ESET Connect Automation API, the two calls the sync needs. Answers are raw {@link Response}s
 * because 202/404/429/5xx drive the protocol in {@link EsetExchange}, not exceptions.
 * <p>
 * Built per source with {@code QuarkusRestClientBuilder} (see {@link EsetClients}): every source has
 * its own region or override URL, so a single {@code @RegisterRestClient} config key cannot serve them.
 */
@Path("/v1")
@Produces(MediaType.APPLICATION_JSON)
interface EsetAutomationApi {

    @GET
    @Path("/device_tasks")
    Response listTasks(@HeaderParam("Authorization") String authorization,
                       @HeaderParam(EsetExchange.RESPONSE_ID) String responseId,
                       @QueryParam("pageSize") int pageSize,
                       @QueryParam("pageToken") String pageToken);

    @GET
    @Path("/device_tasks/{taskUuid}/runs")
    Response listRuns(@HeaderParam("Authorization") String authorization,
                      @HeaderParam(EsetExchange.RESPONSE_ID) String responseId,
                      @PathParam("taskUuid") String taskUuid,
                      @QueryParam("deviceUuid") String deviceUuid,
                      @QueryParam("listOnlyLastRuns") Boolean listOnlyLastRuns,
                      @QueryParam("pageSize") int pageSize,
                      @QueryParam("pageToken") String pageToken);
}
