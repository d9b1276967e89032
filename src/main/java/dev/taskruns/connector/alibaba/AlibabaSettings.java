package dev.taskruns.connector.alibaba;

import dev.taskruns.connector.CallSettings;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

import java.time.Duration;

/**
 * Tuning of the Alibaba Cloud connector, shared by every Alibaba source ({@code taskruns.alibaba.*}).
 * Per-source values (endpoint, AccessKey) live under {@code taskruns.sources.<id>.alibaba.*}.
 * Design and API cost: docs/alibaba-sync.md.
 */
@ConfigMapping(prefix = "taskruns.alibaba")
public interface AlibabaSettings extends CallSettings {

    /**
     * Request budget per source. Alibaba publishes no limit for DescribeProcessTasks (it throttles
     * per account with HTTP 400 Throttling.*): a conservative pace that one cycle rarely needs anyway.
     */
    @Override
    @WithDefault("5")
    @Min(1)
    int requestsPerSecond();

    @Override
    @WithDefault("4")
    @Min(1)
    int maxAttempts();

    @Override
    @WithDefault("1s")
    Duration retryDelay();

    @Override
    @WithDefault("60s")
    Duration maxRetryDelay();

    /** PageSize sent; always set, since the vendor's own default is 10 or 20. */
    @WithDefault("100")
    @Min(1)
    @Max(100)
    int pageSize();

    /**
     * Runs of consecutive pages gathered before they are written in one transaction with the
     * checkpoints they advance (as {@code taskruns.eset.commit-runs}): a transaction per page of 100
     * tasks cost a backfill most of its database time. 0 writes every page on its own.
     */
    @WithDefault("1000")
    @Min(0)
    int commitRuns();

    /** How far back the first cycle of a source reads. */
    @WithDefault("30d")
    Duration backfill();

    /**
     * Each cycle re-reads this much before where the last one ended: tasks the vendor records late
     * (a ProcessTime in the past) and clock skew between us and the vendor.
     */
    @WithDefault("10m")
    Duration overlap();

    /**
     * The newest window ends this long before now: tasks still arriving there would move its
     * TotalCount while it is paged, so it would never hold still on a busy account. They are read
     * by the next cycle instead.
     */
    @WithDefault("1m")
    Duration lag();

    /** A time window holding more tasks than this is split in two before it is read. */
    @WithDefault("2000")
    @Min(1)
    int maxWindowTasks();

    /** Times in all a window is read while its TotalCount keeps changing as it is paged, before the cycle gives up. */
    @WithDefault("3")
    @Min(1)
    int maxWindowReads();

    /** Tasks still handling (status 11) are followed for this long after they started; older ones are left as they are. */
    @WithDefault("7d")
    Duration inFlightHorizon();

    /** TaskId reads per cycle of tasks that left status 11 (or vanished); more wait for the next cycle, in turn. */
    @WithDefault("100")
    @Min(1)
    int inFlightReads();

    @WithDefault("10s")
    Duration connectTimeout();

    @WithDefault("30s")
    Duration readTimeout();
}
