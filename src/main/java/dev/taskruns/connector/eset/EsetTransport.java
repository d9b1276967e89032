package dev.taskruns.connector.eset;

import io.github.bucket4j.BlockingStrategy;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.TimeMeter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * One ESET source's request pipeline: the rate limiter, the 202 "request cached" protocol, and
 * retries of throttled, failed and timed-out requests. Callers pass the request as a function of the
 * {@code response-id} to send (null for a fresh request), so a re-send is always the identical request.
 * <p>
 * The retry loop is hand-written rather than SmallRye Fault Tolerance: the delay comes from the
 * answer (Retry-After) and the 202/404/504 answers change what the next attempt sends, which a
 * declarative retry policy cannot express.
 */
final class EsetTransport {

    static final String RESPONSE_ID = "response-id";

    private static final Logger LOG = Logger.getLogger(EsetTransport.class);

    private final String source;
    private final EsetSettings settings;
    private final Clock clock;
    private final Sleeper sleeper;
    private final Bucket bucket;
    private final TimeMeter timeMeter;
    private final BlockingStrategy blocking;
    private final MeterRegistry registry;
    private final Timer throttleWaits;

    EsetTransport(String source, EsetSettings settings, EsetRuntime runtime) {
        this.source = source;
        this.settings = settings;
        this.clock = runtime.clock();
        this.sleeper = runtime.sleeper();
        this.timeMeter = runtime.timeMeter();
        this.blocking = runtime.blocking();
        this.registry = runtime.registry();
        // one token every 1/rate s and no burst: never more than `rate` calls in any one-second window
        this.bucket = Bucket.builder()
                .addLimit(limit -> limit.capacity(1)
                        .refillGreedy(1, Duration.ofNanos(1_000_000_000L / settings.requestsPerSecond())))
                .withCustomTimePrecision(timeMeter)
                .build();
        this.throttleWaits = Timer.builder("taskruns.vendor.throttle.waits")
                .description("Waits for the per-source request budget (count) and the time spent waiting")
                .tag("source", source)
                .register(registry);
    }

    /**
     * Sends the request until it yields a 2xx other than 202 and returns its body as {@code type}.
     *
     * @throws EsetApiException when the vendor refuses the request, or it still fails after the bounded retries
     */
    <T> T call(String operation, Class<T> type, Function<String, Response> request) {
        String responseId = null;
        boolean staleIdRestarted = false;
        int polls = 0;
        int failures = 0;
        while (true) {
            throttle();
            Response response;
            try {
                response = request.apply(responseId);
            } catch (ProcessingException e) {
                // timeouts and connection errors: no answer, so whatever id we had is unusable too
                count(outcomeOf(EsetApiException.NO_RESPONSE));
                responseId = null;
                failures = failed(operation, failures, EsetApiException.NO_RESPONSE,
                        "no response (" + e.getClass().getSimpleName() + ")", null, null);
                continue;
            }
            try (response) {
                int status = response.getStatus();
                String requestId = response.getHeaderString("request-id");
                if (status == 202) {
                    count("accepted");
                    responseId = response.getHeaderString(RESPONSE_ID);
                    if (responseId == null) {
                        throw error(operation, status, "202 without a response-id", requestId);
                    }
                    if (++polls > settings.maxPolls()) {
                        throw error(operation, status, "still not ready after " + settings.maxPolls() + " polls", requestId);
                    }
                    pause(backoff(settings.pollDelay(), settings.maxPollDelay(), polls, false));
                    continue;
                }
                // whatever happens next, the id is spent: it answered, failed or went stale
                String sentId = responseId;
                responseId = null;
                if (status >= 200 && status < 300) {
                    count("success");
                    return read(operation, response, type, requestId);
                }
                if (status == 404 && sentId != null && !staleIdRestarted) {
                    count("stale_response_id");
                    staleIdRestarted = true;
                    LOG.debugf("ESET source %s: %s: response-id expired, sending the request afresh", source, operation);
                    continue;
                }
                if (status == 429 || status == 504 || status >= 500) {
                    count(outcomeOf(status));
                    Duration retryAfter = status == 429 ? retryAfter(operation, response, requestId) : null;
                    failures = failed(operation, failures, status, "HTTP " + status, retryAfter, requestId);
                    continue;
                }
                count(status == 401 ? "unauthorized" : "client_error");
                throw error(operation, status, "HTTP " + status, requestId);
            }
        }
    }

    /** Parse errors quote the body, which may hold a token: only the error's type goes into the message. */
    private <T> T read(String operation, Response response, Class<T> type, String requestId) {
        try {
            return response.readEntity(type);
        } catch (RuntimeException e) {
            throw error(operation, response.getStatus(), "unreadable answer (" + e.getClass().getSimpleName() + ")", requestId);
        }
    }

    /** Blocks on the token bucket (never a sleep loop); counts and times every wait. */
    private void throttle() {
        if (bucket.tryConsume(1)) {
            return;
        }
        long start = timeMeter.currentTimeNanos();
        try {
            bucket.asBlocking().consume(1, blocking);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EsetApiException("ESET source " + source + ": interrupted while throttled", EsetApiException.NO_RESPONSE);
        }
        throttleWaits.record(timeMeter.currentTimeNanos() - start, TimeUnit.NANOSECONDS);
    }

    /** Records a retryable failure and waits before the next attempt; throws once the attempts are used up. */
    private int failed(String operation, int failures, int status, String what, Duration retryAfter, String requestId) {
        int attempt = failures + 1;
        if (attempt >= settings.maxAttempts()) {
            throw error(operation, status, what + " after " + attempt + " attempts", requestId);
        }
        registry.counter("taskruns.vendor.api.retries", "source", source, "outcome", outcomeOf(status)).increment();
        Duration delay = retryAfter != null ? retryAfter
                : backoff(settings.retryDelay(), settings.maxRetryDelay(), attempt, true);
        LOG.debugf("ESET source %s: %s: %s, retry %d in %s", source, operation, what, attempt, delay);
        pause(delay);
        return attempt;
    }

    /** Retry-After as delta-seconds or HTTP-date; null when absent or unreadable (then: our own backoff). */
    private Duration retryAfter(String operation, Response response, String requestId) {
        String value = response.getHeaderString(HttpHeaders.RETRY_AFTER);
        if (value == null || value.isBlank()) {
            return null;
        }
        Duration delay;
        try {
            delay = Duration.ofSeconds(Long.parseLong(value.trim()));
        } catch (NumberFormatException notSeconds) {
            try {
                delay = Duration.between(clock.instant(),
                        ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
            } catch (DateTimeParseException unreadable) {
                return null;
            }
        }
        if (delay.compareTo(settings.maxRetryDelay()) > 0) {
            // honouring it would stall the whole cycle; fail this request and let the next cycle try
            throw error(operation, 429, "throttled, Retry-After " + delay.toSeconds() + "s exceeds max-retry-delay", requestId);
        }
        return delay.isNegative() ? Duration.ZERO : delay;
    }

    /** base * 2^(n-1), capped; with jitter, a random point in its upper half so that sources don't retry in step. */
    private static Duration backoff(Duration base, Duration max, int n, boolean jitter) {
        long millis = Math.min(max.toMillis(), base.toMillis() << Math.min(n - 1, 20));
        if (jitter && millis > 1) {
            millis = millis / 2 + ThreadLocalRandom.current().nextLong(millis / 2 + 1);
        }
        return Duration.ofMillis(millis);
    }

    private void pause(Duration delay) {
        try {
            sleeper.sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EsetApiException("ESET source " + source + ": interrupted while waiting to retry", EsetApiException.NO_RESPONSE);
        }
    }

    private void count(String outcome) {
        registry.counter("taskruns.vendor.api.calls", "source", source, "outcome", outcome).increment();
    }

    /** The outcome tag of a retryable failure, on both the call and the retry counters. */
    private static String outcomeOf(int status) {
        return switch (status) {
            case EsetApiException.NO_RESPONSE -> "io_error";
            case 429 -> "throttled";
            case 504 -> "timeout";
            default -> "server_error";
        };
    }

    private EsetApiException error(String operation, int status, String what, String requestId) {
        return new EsetApiException("ESET source " + source + ": " + operation + " failed: " + what
                + (requestId == null ? "" : " (request-id " + requestId + ")"), status);
    }
}
