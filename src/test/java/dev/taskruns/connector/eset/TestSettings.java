package dev.taskruns.connector.eset;

import java.time.Duration;

/** Settings for tests: the production defaults, with short delays so nothing waits for long. */
record TestSettings(int pageSize, Duration readTimeout, int deviceBatchSize) implements EsetSettings {

    static TestSettings defaults() {
        return new TestSettings(1000, Duration.ofSeconds(5), 100);
    }

    TestSettings withReadTimeout(Duration timeout) {
        return new TestSettings(pageSize, timeout, deviceBatchSize);
    }

    TestSettings withPageSize(int size) {
        return new TestSettings(size, readTimeout, deviceBatchSize);
    }

    @Override
    public int requestsPerSecond() {
        return 10;
    }

    @Override
    public int maxAttempts() {
        return 4;
    }

    @Override
    public Duration retryDelay() {
        return Duration.ofMillis(100);
    }

    @Override
    public Duration maxRetryDelay() {
        return Duration.ofSeconds(60);
    }

    @Override
    public int maxPolls() {
        return 5;
    }

    @Override
    public Duration pollDelay() {
        return Duration.ofMillis(10);
    }

    @Override
    public Duration maxPollDelay() {
        return Duration.ofMillis(40);
    }

    @Override
    public Duration tokenRefreshMargin() {
        return Duration.ofSeconds(60);
    }

    @Override
    public Duration connectTimeout() {
        return Duration.ofSeconds(2);
    }

    @Override
    public Duration settledHorizon() {
        return Duration.ofHours(24);
    }

    @Override
    public Duration settledRecheck() {
        return Duration.ofHours(24);
    }

    @Override
    public Duration deviceNameTtl() {
        return Duration.ofHours(6);
    }
}
