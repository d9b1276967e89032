package dev.taskruns.connector.alibaba.simulator;

import dev.taskruns.connector.simulator.FaultSwitch;
import io.quarkus.arc.profile.IfBuildProfile;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.BiFunction;

/**
 * What stands between a client and the simulated data, in the vendor's order: V3 signature, nonce,
 * action and version, rate limit per AccessKeyId (HTTP 400 {@code Throttling.User}, as Alibaba
 * throttles), then injected faults. Every answer carries a RequestId, in the body and in
 * {@code x-acs-request-id}, and is counted by outcome.
 */
@ApplicationScoped
@IfBuildProfile(anyOf = {"demo", "test"})
public class AlibabaGateway {

    static final String ACTION = "DescribeProcessTasks";
    static final String VERSION = "2022-07-28";
    static final String REQUEST_ID = "x-acs-request-id";

    private final AlibabaSimulator simulator;
    private final Faults faults;

    public AlibabaGateway(AlibabaSimulator simulator, Faults faults) {
        this.simulator = simulator;
        this.faults = faults;
    }

    /** @param handler answers a verified call: (RequestId, decoded query) to the response entity */
    Response serve(String method, HttpHeaders headers, UriInfo uri, byte[] body,
                   BiFunction<String, Map<String, String>, Object> handler) {
        String requestId = UUID.randomUUID().toString().toUpperCase(Locale.ROOT);
        Response response;
        try {
            response = Response.ok(admit(method, headers, uri, body, requestId, handler), MediaType.APPLICATION_JSON)
                    .header(REQUEST_ID, requestId).build();
            simulator.calls().count("Success");
        } catch (ApiError e) {
            response = error(requestId, e);
            simulator.calls().count(e.code);
        }
        return response;
    }

    private Object admit(String method, HttpHeaders headers, UriInfo uri, byte[] body, String requestId,
                         BiFunction<String, Map<String, String>, Object> handler) {
        Map<String, String> query = singleValued(uri);
        String keyId = SignatureCheck.verify(method, headers, query, body == null ? new byte[0] : body,
                simulator::secretOf, Instant.now());
        if (!simulator.nonces().firstUse(keyId, headers.getHeaderString("x-acs-signature-nonce"), Instant.now())) {
            throw new ApiError(400, "SignatureNonceUsed", "Specified signature nonce was used already.");
        }
        String action = headers.getHeaderString("x-acs-action");
        if (!ACTION.equals(action)) {
            throw new ApiError(404, "InvalidAction.NotFound", "Specified api is not found, please check your url and method.");
        }
        if (!VERSION.equals(headers.getHeaderString("x-acs-version"))) {
            throw new ApiError(400, "InvalidVersion", "Specified parameter Version is not valid.");
        }
        if (!simulator.rateLimiter().tryAcquire(keyId, faults.rateLimitPerSecond())) {
            throw new ApiError(400, "Throttling.User", "Request was denied due to user flow control.");
        }
        Faults.Decision decision = faults.decide();
        if (decision.delayMillis() > 0) {
            FaultSwitch.delay(decision.delayMillis());
        }
        switch (decision.status()) {
            case 0 -> { }
            case 429 -> throw new ApiError(429, "Throttling", "Request was denied due to flow control.");
            case 400 -> throw new ApiError(400, "Throttling.User", "Request was denied due to user flow control.");
            case 503 -> throw new ApiError(503, "ServiceUnavailable", "The request has failed due to a temporary failure of the server.");
            default -> throw new ApiError(500, "InternalError", "The request processing has failed due to some unknown error.");
        }
        if (decision.arrivals() > 0) {
            simulator.world().arrive(decision.arrivals(), simulator.now());
        }
        return handler.apply(requestId, query);
    }

    /** The decoded query; a repeated parameter cannot be signed as one value, so it is refused. */
    private static Map<String, String> singleValued(UriInfo uri) {
        Map<String, String> query = new HashMap<>();
        uri.getQueryParameters(true).forEach((name, values) -> {
            if (values.size() > 1) {
                throw ApiError.invalidParameter("Specified parameter " + name + " is repeated.");
            }
            query.put(name, values.isEmpty() ? "" : values.getFirst());
        });
        return query;
    }

    private static Response error(String requestId, ApiError e) {
        String recommend = "https://api.aliyun.com/troubleshoot?q=" + e.code + "&product=Sophonsoar&requestId=" + requestId;
        return Response.status(e.status).type(MediaType.APPLICATION_JSON).header(REQUEST_ID, requestId)
                .entity(new AlibabaWire.Error(requestId, "sophonsoar.aliyuncs.com", e.code, e.getMessage(), recommend))
                .build();
    }
}
