package dev.taskruns.connector;

import java.time.Duration;

/**
 * How one vendor's calls are paced and retried; each vendor's settings mapping extends it with its
 * own defaults ({@code taskruns.eset.*}, {@code taskruns.alibaba.*}).
 */
public interface CallSettings {

    /** Request budget per source: the limiter never lets more through in any one-second window. */
    int requestsPerSecond();

    /** Attempts per request on throttling, 5xx and I/O timeouts before the request fails. */
    int maxAttempts();

    /** First backoff delay; doubled per failed attempt, with jitter. */
    Duration retryDelay();

    /** Longest backoff; a Retry-After beyond it fails the request instead of stalling the cycle. */
    Duration maxRetryDelay();
}
