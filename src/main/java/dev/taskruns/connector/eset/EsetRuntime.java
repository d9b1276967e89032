package dev.taskruns.connector.eset;

import io.github.bucket4j.BlockingStrategy;
import io.github.bucket4j.TimeMeter;
import io.micrometer.core.instrument.MeterRegistry;

import java.time.Clock;

/**
 * What the ESET clients take from their surroundings: time, waiting and metrics. Production uses
 * {@link #system}; tests pass a controllable clock, a recording sleeper and a fake time meter.
 *
 * @param timeMeter the rate limiter's clock
 * @param blocking  how the rate limiter waits for its next permit
 */
record EsetRuntime(Clock clock, Sleeper sleeper, TimeMeter timeMeter, BlockingStrategy blocking, MeterRegistry registry) {

    static EsetRuntime system(MeterRegistry registry) {
        return new EsetRuntime(Clock.systemUTC(), Sleeper.THREAD, TimeMeter.SYSTEM_NANOTIME, BlockingStrategy.PARKING, registry);
    }
}
