package dev.taskruns.support;

import dev.taskruns.connector.alibaba.simulator.AlibabaSimulator;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The service's clock in {@code @QuarkusTest}s: the wall clock, but never behind the Alibaba
 * simulator's. The Alibaba connector reads time windows up to "now", and tests move the simulated
 * vendor days ahead; in production the two clocks are the same. Tests that advance the Alibaba
 * simulator reset it afterwards, so the others run on wall time.
 */
@ApplicationScoped
public class TestClock {

    @Produces
    @Singleton
    Clock clock(AlibabaSimulator alibaba) {
        return new Clock() {
            @Override
            public Instant instant() {
                Instant wall = Instant.now();
                Instant simulated = alibaba.now();
                return simulated.isAfter(wall) ? simulated : wall;
            }

            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }
        };
    }
}
