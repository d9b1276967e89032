package dev.taskruns.connector.alibaba;

import jakarta.ws.rs.Encoded;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.RestQuery;

import java.util.Map;

/**
 * Alibaba Cloud RPC-style OpenAPI as the official SDK calls it: {@code POST /} with every parameter
 * in the query string, an empty body and the signed {@code x-acs-*} headers. Answers are raw
 * {@link Response}s because error bodies (Throttling.* with HTTP 400) drive the retries. The query
 * arrives percent-encoded exactly as it is signed (RFC 3986): left to the HTTP client, characters
 * such as {@code " [ ]} of {@code TaskStatus=["11"]} went out raw, which servers refuse.
 * Built per source with {@code QuarkusRestClientBuilder} (see {@link AlibabaClients}): each source has its own endpoint.
 */
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
interface AlibabaApi {

    @POST
    Response call(@HeaderParam("Authorization") String authorization,
                  @HeaderParam("x-acs-action") String action,
                  @HeaderParam("x-acs-version") String version,
                  @HeaderParam("x-acs-date") String date,
                  @HeaderParam("x-acs-signature-nonce") String nonce,
                  @HeaderParam("x-acs-content-sha256") String contentSha256,
                  @HeaderParam("x-acs-security-token") String securityToken,
                  @Encoded @RestQuery Map<String, String> query);
}
