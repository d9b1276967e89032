package dev.taskruns.connector;

import io.github.bucket4j.BlockingStrategy;
import io.github.bucket4j.TimeMeter;
import io.micrometer.core.instrument.MeterRegistry;

import java.time.Clock;

/**
 * What vendor clients take from their surroundings: time, waiting and metrics. Production uses
 * {@link #system}; tests pass a controllable clock, a recording sleeper and a fake time meter.
 *
 * @param timeMeter the rate limiter's clock
 * @param blocking  how the rate limiter waits for its next permit
 */
public record ConnectorRuntime(Clock clock, Sleeper sleeper, TimeMeter timeMeter, BlockingStrategy blocking,
                               MeterRegistry registry) {

    public static ConnectorRuntime system(Clock clock, MeterRegistry registry) {
        return new ConnectorRuntime(clock, Sleeper.THREAD, TimeMeter.SYSTEM_NANOTIME, BlockingStrategy.PARKING, registry);
    }
}
