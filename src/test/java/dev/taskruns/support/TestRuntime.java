package dev.taskruns.support;

import dev.taskruns.connector.ConnectorRuntime;
import io.github.bucket4j.BlockingStrategy;
import io.github.bucket4j.TimeMeter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What hand-built vendor clients run on in tests: a clock the test moves, retry waits recorded
 * instead of slept, and a rate limiter whose time moves only when it waits, so throttling is
 * counted rather than timed.
 */
public final class TestRuntime {

    public final MutableClock clock;
    public final List<Duration> sleeps = new ArrayList<>();
    public final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    /** The rate limiter's time, advanced by exactly the waits it asks for. */
    public final AtomicLong limiterNanos = new AtomicLong();

    public TestRuntime(Instant start) {
        this.clock = new MutableClock(start);
    }

    public ConnectorRuntime runtime() {
        TimeMeter timeMeter = new TimeMeter() {
            @Override
            public long currentTimeNanos() {
                return limiterNanos.get();
            }

            @Override
            public boolean isWallClockBased() {
                return false;
            }
        };
        BlockingStrategy blocking = limiterNanos::addAndGet;
        return new ConnectorRuntime(clock, sleeps::add, timeMeter, blocking, registry);
    }
}
