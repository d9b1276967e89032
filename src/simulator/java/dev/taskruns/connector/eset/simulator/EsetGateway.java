package dev.taskruns.connector.eset.simulator;

import dev.taskruns.connector.eset.simulator.DeferredResponses.Answer;
import dev.taskruns.connector.eset.simulator.DeferredResponses.Poll;
import dev.taskruns.connector.eset.simulator.DeferredResponses.RequestKey;
import dev.taskruns.connector.simulator.FaultSwitch;
import io.quarkus.arc.profile.IfBuildProfile;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * What stands between a client and the simulated data, in the vendor's order: bearer token (401),
 * rate limit per credentials (429), injected faults (delay, 5xx, 429, 504), then the 202 /
 * {@code response-id} cache. Only successful answers are deferred.
 */
@ApplicationScoped
@IfBuildProfile(anyOf = {"demo", "test"})
public class EsetGateway {

    static final String RESPONSE_ID = "response-id";

    private final EsetSimulator simulator;
    private final Tokens tokens;
    private final EsetRateLimiter rateLimiter;
    private final Faults faults;
    private final DeferredResponses deferred;
    private final AtomicLong throttled = new AtomicLong();

    public EsetGateway(EsetSimulator simulator, Tokens tokens, EsetRateLimiter rateLimiter, Faults faults,
                       DeferredResponses deferred) {
        this.simulator = simulator;
        this.tokens = tokens;
        this.rateLimiter = rateLimiter;
        this.faults = faults;
        this.deferred = deferred;
    }

    Response serve(HttpHeaders headers, UriInfo uri, String method, Supplier<Response> handler) {
        String user = tokens.userOf(bearer(headers.getHeaderString(HttpHeaders.AUTHORIZATION)), simulator.now());
        if (user == null) {
            return error(401, 16, "Token has expired or is invalid.");
        }
        if (!rateLimiter.tryAcquire(user, faults.rateLimitPerSecond())) {
            return throttled();
        }
        String responseId = headers.getHeaderString(RESPONSE_ID);
        Faults.Decision decision = faults.decide(responseId == null);
        if (decision.delayMillis() > 0) {
            FaultSwitch.delay(decision.delayMillis());
        }
        if (decision.status() != 0) {
            if (responseId != null) {
                deferred.drop(responseId);
            }
            return decision.status() == 429 ? throttled() : injected(decision.status());
        }
        RequestKey key = new RequestKey(user, method + " " + uri.getPath() + "?" + canonicalQuery(uri));
        if (responseId != null) {
            Poll poll = deferred.poll(responseId, key, simulator.now());
            if (poll.answer() != null) {
                return Response.status(poll.answer().status()).type(MediaType.APPLICATION_JSON)
                        .entity(poll.answer().entity()).build();
            }
            return poll.pending() ? accepted(responseId)
                    : error(404, 5, "No cached response for this response-id and request.");
        }
        Response answer = handler.get();
        if (decision.defer() && answer.getStatus() == 200) {
            Answer cached = new Answer(answer.getStatus(), answer.getEntity());
            return accepted(deferred.defer(key, cached, faults.deferredPolls(), simulator.now()));
        }
        return answer;
    }

    /** A vendor error: HTTP status with an {@code rpcStatus} body carrying the matching gRPC code. */
    static Response error(int status, int code, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON)
                .entity(new EsetWire.RpcStatus(code, message, List.of())).build();
    }

    static Response ok(Object entity) {
        return Response.ok(entity, MediaType.APPLICATION_JSON).build();
    }

    private static Response accepted(String responseId) {
        return Response.status(202).header(RESPONSE_ID, responseId).build();
    }

    /** Retry-After on every other 429 only: the vendor does not document it, clients must cope either way. */
    private Response throttled() {
        Response.ResponseBuilder response = Response.status(429).type(MediaType.APPLICATION_JSON)
                .entity(new EsetWire.RpcStatus(8, "Rate limit reached. Try again later.", List.of()));
        if (throttled.getAndIncrement() % 2 == 0) {
            response.header("Retry-After", "1");
        }
        return response.build();
    }

    private static Response injected(int status) {
        return switch (status) {
            case 504 -> error(504, 4, "Action took too long; timeout reached.");
            case 503 -> error(503, 14, "Environment under maintenance. Try again later.");
            default -> error(status, 13, "Internal server failure. Try again later.");
        };
    }

    private static String bearer(String authorization) {
        return authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                ? authorization.substring(7).trim() : null;
    }

    /** The identical request, whatever the parameter order. */
    private static String canonicalQuery(UriInfo uri) {
        Map<String, List<String>> sorted = new TreeMap<>(uri.getQueryParameters(true));
        return sorted.entrySet().stream()
                .flatMap(e -> e.getValue().stream().map(v -> e.getKey() + "=" + v))
                .collect(Collectors.joining("&"));
    }
}
