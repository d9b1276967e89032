package dev.taskruns.connector;

import dev.taskruns.config.Vendor;
import io.github.bucket4j.Bucket;
import io.micrometer.core.instrument.Timer;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * One source's request pipeline, whatever the vendor: the request budget (a token bucket), bounded
 * retries of throttled, failed and timed-out requests with exponential backoff or the vendor's
 * Retry-After, and the call metrics. What an answer means is the vendor's: each call passes an
 * {@link Exchange} that sends an attempt and judges its answer.
 * <p>
 * The loop is hand-written rather than SmallRye Fault Tolerance: the delay comes from the answer
 * (Retry-After), throttling may hide in a 400 body (Alibaba), and an answer can change what the
 * next attempt sends (ESET's 202 {@code response-id}), none of which a declarative retry policy expresses.
 */
public final class VendorTransport {

    private static final Logger LOG = Logger.getLogger(VendorTransport.class);
    /** What went wrong, as a failure's message says it: enough for a vendor's error text, never a whole body. */
    private static final int MAX_WHAT = 500;

    private final String vendor;
    private final String source;
    private final CallSettings settings;
    private final ConnectorRuntime runtime;
    private final Bucket bucket;
    private final Timer throttleWaits;
    /** The metrics' {@code vendor} tag, e.g. "eset": per-vendor dashboards without a source-to-vendor join. */
    private final String vendorTag;

    /** @param name how messages name the vendor, e.g. "ESET" */
    public VendorTransport(Vendor vendor, String name, String source, CallSettings settings, ConnectorRuntime runtime) {
        this.vendor = name;
        this.source = source;
        this.settings = settings;
        this.runtime = runtime;
        this.vendorTag = vendor.configName(); // as SyncMetrics tags the same source's series
        // one token every 1/rate s and no burst: never more than `rate` calls in any one-second window
        this.bucket = Bucket.builder()
                .addLimit(limit -> limit.capacity(1)
                        .refillGreedy(1, Duration.ofNanos(1_000_000_000L / settings.requestsPerSecond())))
                .withCustomTimePrecision(runtime.timeMeter())
                .build();
        this.throttleWaits = Timer.builder("taskruns.vendor.throttle.waits")
                .description("Waits for the per-source request budget (count) and the time spent waiting")
                .tags("source", source, "vendor", vendorTag)
                .register(runtime.registry());
    }

    /** One call's attempts: the vendor-specific half of the loop. */
    public interface Exchange<T> {
        /** Sends the next attempt. */
        Response send();

        /** What the answer means; it is closed afterwards, so read the body here. */
        Verdict<T> judge(Response response);

        /** The attempt got no answer (timeout, connection error): forget state tied to it. */
        default void noAnswer() {
        }
    }

    /** What one answer means. {@code outcome} is the tag of the {@code taskruns.vendor.api.calls} counter. */
    public sealed interface Verdict<T> {
    }

    /** The result. */
    public record Done<T>(T value) implements Verdict<T> {
    }

    /** Not a failure (e.g. "not ready yet"): send again after {@code delay}. */
    public record Again<T>(String outcome, Duration delay) implements Verdict<T> {
    }

    /**
     * A retryable failure: retried after backoff, or after {@code retryAfter} (a Retry-After header
     * value, or null) while attempts remain.
     */
    public record Retry<T>(String outcome, int status, String what, String retryAfter, String requestId)
            implements Verdict<T> {
    }

    /** A final failure. */
    public record Fail<T>(String outcome, int status, String what, String requestId) implements Verdict<T> {
    }

    /**
     * Sends the exchange until it is {@link Done}.
     *
     * @throws VendorApiException when the vendor refuses the request, or it still fails after the bounded retries
     */
    public <T> T call(String operation, Exchange<T> exchange) {
        int failures = 0;
        while (true) {
            throttle();
            Verdict<T> verdict;
            try (Response response = exchange.send()) {
                verdict = exchange.judge(response);
            } catch (ProcessingException e) {
                // timeouts and connection errors: no answer
                exchange.noAnswer();
                verdict = new Retry<>("io_error", VendorApiException.NO_RESPONSE,
                        "no response (" + e.getClass().getSimpleName() + ")", null, null);
            }
            switch (verdict) {
                case Done<T> done -> {
                    count("success");
                    return done.value();
                }
                case Again<T> again -> {
                    count(again.outcome());
                    if (!again.delay().isZero()) {
                        pause(again.delay());
                    }
                }
                case Retry<T> retry -> {
                    count(retry.outcome());
                    failures = failed(operation, failures, retry);
                }
                case Fail<T> fail -> {
                    count(fail.outcome());
                    throw error(operation, fail.status(), fail.what(), fail.requestId());
                }
            }
        }
    }

    /** The exception for a final failure of {@code operation}: for exchanges that fail while reading an answer. */
    public VendorApiException error(String operation, int status, String what, String requestId) {
        // the vendor's text becomes the source's lastError: a NUL in it would fail recording the failure itself
        return new VendorApiException(vendor + " source " + source + ": " + operation + " failed: "
                + VendorText.clean(what, MAX_WHAT)
                + (requestId == null ? "" : " (request-id " + VendorText.quote(requestId) + ")"), status);
    }

    /** Reads the answer's body as {@code type}; parse errors quote the body, which may hold a token: only their type is kept. */
    public <T> Verdict<T> read(Response response, Class<T> type, String requestId) {
        try {
            return new Done<>(response.readEntity(type));
        } catch (RuntimeException e) {
            return new Fail<>("unreadable", response.getStatus(),
                    "unreadable answer (" + e.getClass().getSimpleName() + ")", requestId);
        }
    }

    /** Blocks on the token bucket (never a sleep loop); counts and times every wait. */
    private void throttle() {
        if (bucket.tryConsume(1)) {
            return;
        }
        long start = runtime.timeMeter().currentTimeNanos();
        try {
            bucket.asBlocking().consume(1, runtime.blocking());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new VendorApiException(vendor + " source " + source + ": interrupted while throttled", VendorApiException.NO_RESPONSE);
        }
        throttleWaits.record(runtime.timeMeter().currentTimeNanos() - start, TimeUnit.NANOSECONDS);
    }

    /** Records a retryable failure and waits before the next attempt; throws once the attempts are used up. */
    private int failed(String operation, int failures, Retry<?> retry) {
        int attempt = failures + 1;
        if (attempt >= settings.maxAttempts()) {
            throw error(operation, retry.status(), retry.what() + " after " + attempt + " attempts", retry.requestId());
        }
        runtime.registry().counter("taskruns.vendor.api.retries", "source", source, "vendor", vendorTag, "outcome", retry.outcome()).increment();
        Duration retryAfter = retryAfter(operation, retry);
        Duration delay = retryAfter != null ? retryAfter
                : backoff(settings.retryDelay(), settings.maxRetryDelay(), attempt, true);
        LOG.debugf("%s source %s: %s: %s, retry %d in %s", vendor, source, operation, retry.what(), attempt, delay);
        pause(delay);
        return attempt;
    }

    /** Retry-After as delta-seconds or HTTP-date; null when absent or unreadable (then: our own backoff). */
    private Duration retryAfter(String operation, Retry<?> retry) {
        String value = retry.retryAfter();
        if (value == null || value.isBlank()) {
            return null;
        }
        Duration delay;
        try {
            delay = Duration.ofSeconds(Long.parseLong(value.trim()));
        } catch (NumberFormatException notSeconds) {
            try {
                delay = Duration.between(runtime.clock().instant(),
                        ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
            } catch (DateTimeParseException unreadable) {
                return null;
            }
        }
        if (delay.compareTo(settings.maxRetryDelay()) > 0) {
            // honouring it would stall the whole cycle; fail this request and let the next cycle try
            throw error(operation, retry.status(), "throttled, Retry-After " + delay.toSeconds() + "s exceeds max-retry-delay",
                    retry.requestId());
        }
        return delay.isNegative() ? Duration.ZERO : delay;
    }

    /** The Retry-After header of an answer, or null. */
    public static String retryAfterHeader(Response response) {
        return response.getHeaderString(HttpHeaders.RETRY_AFTER);
    }

    /** base * 2^(n-1), capped; with jitter, a random point in its upper half so that sources don't retry in step. */
    public static Duration backoff(Duration base, Duration max, int n, boolean jitter) {
        long millis = Math.min(max.toMillis(), base.toMillis() << Math.min(n - 1, 20));
        if (jitter && millis > 1) {
            millis = millis / 2 + ThreadLocalRandom.current().nextLong(millis / 2 + 1);
        }
        return Duration.ofMillis(millis);
    }

    private void pause(Duration delay) {
        try {
            runtime.sleeper().sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new VendorApiException(vendor + " source " + source + ": interrupted while waiting to retry", VendorApiException.NO_RESPONSE);
        }
    }

    private void count(String outcome) {
        runtime.registry().counter("taskruns.vendor.api.calls", "source", source, "vendor", vendorTag, "outcome", outcome).increment();
    }
}
