package dev.taskruns.connector.eset;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Form;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** The OAuth token endpoint; its base URI is the full token URL. Built per source, like {@link EsetAutomationApi}. */
interface EsetTokenApi {

    /** Form-encoded, as the vendor requires (anything else: 415). */
    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.APPLICATION_JSON)
    Response token(@HeaderParam(EsetExchange.RESPONSE_ID) String responseId, Form form);
}
