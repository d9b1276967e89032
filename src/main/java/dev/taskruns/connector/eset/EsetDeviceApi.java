package dev.taskruns.connector.eset;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.List;

/** ESET Connect Device Management API: display names only. Built per source, like {@link EsetAutomationApi}. */
@Path("/v1")
@Produces(MediaType.APPLICATION_JSON)
interface EsetDeviceApi {

    /** A GET with the ids repeated in the query ({@code devicesUuids=a&devicesUuids=b}); all or nothing. */
    @GET
    @Path("/devices:batchGet")
    Response batchGet(@HeaderParam("Authorization") String authorization,
                      @HeaderParam(EsetExchange.RESPONSE_ID) String responseId,
                      @QueryParam("devicesUuids") List<String> devicesUuids);
}
