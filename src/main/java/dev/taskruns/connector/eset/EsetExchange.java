package dev.taskruns.connector.eset;

import dev.taskruns.connector.VendorTransport;
import dev.taskruns.connector.VendorTransport.Again;
import dev.taskruns.connector.VendorTransport.Fail;
import dev.taskruns.connector.VendorTransport.Retry;
import dev.taskruns.connector.VendorTransport.Verdict;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.function.Function;

/**
 * One ESET call's attempts: the 202 "request cached" protocol (re-send the identical request with
 * its {@code response-id} until the answer is ready, and send afresh once when the id went stale)
 * and what each status means. The request is a function of the {@code response-id} to send (null
 * for a fresh request), so a re-send is always the identical request.
 */
final class EsetExchange<T> implements VendorTransport.Exchange<T> {

    static final String RESPONSE_ID = "response-id";

    private static final Logger LOG = Logger.getLogger(EsetExchange.class);

    private final String operation;
    private final Class<T> type;
    private final Function<String, Response> request;
    private final EsetSettings settings;
    private final VendorTransport transport;
    private String responseId;
    private String sentId;
    private boolean staleIdRestarted;
    private int polls;

    EsetExchange(String operation, Class<T> type, Function<String, Response> request, EsetSettings settings,
                 VendorTransport transport) {
        this.operation = operation;
        this.type = type;
        this.request = request;
        this.settings = settings;
        this.transport = transport;
    }

    /** Sends the request through {@code transport} until it yields a 2xx other than 202. */
    static <T> T call(VendorTransport transport, EsetSettings settings, String operation, Class<T> type,
                      Function<String, Response> request) {
        return transport.call(operation, new EsetExchange<>(operation, type, request, settings, transport));
    }

    @Override
    public Response send() {
        sentId = responseId;
        return request.apply(responseId);
    }

    @Override
    public void noAnswer() {
        responseId = null; // whatever id we had is unusable too
    }

    @Override
    public Verdict<T> judge(Response response) {
        int status = response.getStatus();
        String requestId = response.getHeaderString("request-id");
        if (status == 202) {
            responseId = response.getHeaderString(RESPONSE_ID);
            if (responseId == null) {
                return new Fail<>("accepted", status, "202 without a response-id", requestId);
            }
            if (++polls > settings.maxPolls()) {
                return new Fail<>("accepted", status, "still not ready after " + settings.maxPolls() + " polls", requestId);
            }
            return new Again<>("accepted", VendorTransport.backoff(settings.pollDelay(), settings.maxPollDelay(), polls, false));
        }
        // whatever happens next, the id is spent: it answered, failed or went stale
        responseId = null;
        if (status >= 200 && status < 300) {
            return transport.read(response, type, requestId);
        }
        if (status == 404 && sentId != null && !staleIdRestarted) {
            staleIdRestarted = true;
            LOG.debugf("ESET: %s: response-id expired, sending the request afresh", operation);
            return new Again<>("stale_response_id", Duration.ZERO);
        }
        if (status == 429) {
            return new Retry<>("throttled", status, "HTTP 429", VendorTransport.retryAfterHeader(response), requestId);
        }
        if (status == 504) {
            return new Retry<>("timeout", status, "HTTP 504", null, requestId);
        }
        if (status >= 500) {
            return new Retry<>("server_error", status, "HTTP " + status, null, requestId);
        }
        return new Fail<>(status == 401 ? "unauthorized" : "client_error", status, "HTTP " + status, requestId);
    }
}
