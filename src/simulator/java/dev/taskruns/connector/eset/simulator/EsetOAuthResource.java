package dev.taskruns.connector.eset.simulator;

import io.quarkus.arc.profile.IfBuildProfile;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * ESET business-account {@code POST /oauth/token}: form-encoded only (anything else 415, checked here
 * so the answer keeps the vendor's shape), password and refresh_token grants, rotating refresh tokens.
 */
@Path("/simulator/eset/oauth/token")
@IfBuildProfile(anyOf = {"demo", "test"})
public class EsetOAuthResource {

    private final EsetSimulatorConfig config;
    private final EsetSimulator simulator;
    private final Tokens tokens;

    public EsetOAuthResource(EsetSimulatorConfig config, EsetSimulator simulator, Tokens tokens) {
        this.config = config;
        this.simulator = simulator;
        this.tokens = tokens;
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(hidden = true)
    public Response token(@HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, String body) {
        if (!isForm(contentType)) {
            return Response.status(415).type(MediaType.APPLICATION_JSON).entity(new EsetWire.OAuthError(
                    "invalid_request", "Content-Type must be application/x-www-form-urlencoded.")).build();
        }
        Map<String, String> form = parseForm(body);
        String grantType = form.get("grant_type");
        if (grantType == null) {
            return rejected("invalid_request", "grant_type is required.");
        }
        EsetWire.Token token;
        switch (grantType) {
            case "password" -> {
                String username = form.get("username");
                String password = form.get("password");
                if (username == null || password == null) {
                    return rejected("invalid_request", "username and password are required.");
                }
                if (!username.equals(config.username()) || !password.equals(config.password())) {
                    return rejected("invalid_grant", "Invalid username or password.");
                }
                token = tokens.issue(username, simulator.now());
            }
            case "refresh_token" -> {
                String refresh = form.get("refresh_token");
                token = refresh == null ? null : tokens.refresh(refresh, simulator.now());
                if (token == null) {
                    return rejected("invalid_grant", "The refresh token is invalid, expired or already used.");
                }
            }
            default -> {
                return rejected("unsupported_grant_type", "Supported grant types: password, refresh_token.");
            }
        }
        return Response.ok(token, MediaType.APPLICATION_JSON).header("Cache-Control", "no-store").build();
    }

    private static Response rejected(String error, String description) {
        return Response.status(400).type(MediaType.APPLICATION_JSON)
                .entity(new EsetWire.OAuthError(error, description)).build();
    }

    private static boolean isForm(String contentType) {
        try {
            return contentType != null
                    && MediaType.valueOf(contentType).isCompatible(MediaType.APPLICATION_FORM_URLENCODED_TYPE)
                    && !MediaType.valueOf(contentType).isWildcardType();
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** First value wins; a malformed escape makes the form unreadable, which ends as a missing parameter. */
    private static Map<String, String> parseForm(String body) {
        Map<String, String> form = new HashMap<>();
        if (body == null || body.isEmpty()) {
            return form;
        }
        try {
            for (String pair : body.split("&")) {
                int eq = pair.indexOf('=');
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                form.putIfAbsent(name, value);
            }
        } catch (IllegalArgumentException e) {
            form.clear();
        }
        return form;
    }
}
