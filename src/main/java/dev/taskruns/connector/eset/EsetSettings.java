package dev.taskruns.connector.eset;

import dev.taskruns.connector.CallSettings;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

import java.time.Duration;

/**
 * Tuning of the ESET Connect connector, shared by every ESET source ({@code taskruns.eset.*}).
 * Per-source values (URLs, credentials) live under {@code taskruns.sources.<id>.eset.*}.
 */
@ConfigMapping(prefix = "taskruns.eset")
public interface EsetSettings extends CallSettings {

    /** Page size sent to list calls; the vendor coerces anything above 1000 to 1000. */
    @WithDefault("1000")
    @Min(1)
    @Max(1000)
    int pageSize();

    /**
     * Request budget per source. The vendor allows 10 calls/s per credentials; pacing at exactly 10
     * drew ~8% 429s from a sliding-window limiter in the demo (arrival jitter), so stay just under it.
     */
    @WithDefault("9")
    @Min(1)
    @Override
    int requestsPerSecond();

    /** Attempts per request on 429, 5xx, 504 and I/O timeouts before the request fails. */
    @WithDefault("4")
    @Min(1)
    @Override
    int maxAttempts();

    /** First backoff delay; doubled per failed attempt, with jitter. */
    @WithDefault("1s")
    @Override
    Duration retryDelay();

    /** Longest backoff; a Retry-After beyond it fails the request instead of stalling the cycle. */
    @WithDefault("60s")
    @Override
    Duration maxRetryDelay();

    /** Re-sends with {@code response-id} while the vendor answers 202. */
    @WithDefault("30")
    @Min(1)
    int maxPolls();

    /** First delay between 202 polls; doubled per poll up to {@link #maxPollDelay()}. */
    @WithDefault("500ms")
    Duration pollDelay();

    @WithDefault("5s")
    Duration maxPollDelay();

    /** An access token this close to expiry is refreshed before use. */
    @WithDefault("60s")
    Duration tokenRefreshMargin();

    @WithDefault("10s")
    Duration connectTimeout();

    /** Longer than the vendor's own 120 s limit, after which it answers 504 itself. */
    @WithDefault("150s")
    Duration readTimeout();

    /** A task whose runs are all final and older than this is settled and polled rarely. */
    @WithDefault("24h")
    Duration settledHorizon();

    /** How often a settled task is looked at again anyway (late devices, missed changes). */
    @WithDefault("24h")
    Duration settledRecheck();

    /**
     * Runs gathered from consecutive pages, of one task or several, before they are written in one
     * transaction with the checkpoints they advance. ESET lists runs per task, ~20 for a typical
     * task, and a transaction per task cost a backfill most of its time (docs/benchmarks.md, "Ingest
     * end to end"). 0 writes every page on its own.
     */
    @WithDefault("1000")
    @Min(0)
    int commitRuns();

    /** Devices per {@code devices:batchGet} call (they travel in the query string). */
    @WithDefault("100")
    @Min(1)
    int deviceBatchSize();

    /** How long a device display name (or the failure to get it) is reused before asking again. */
    @WithDefault("6h")
    Duration deviceNameTtl();
}
