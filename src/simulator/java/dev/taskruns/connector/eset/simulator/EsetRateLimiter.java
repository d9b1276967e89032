package dev.taskruns.connector.eset.simulator;

import dev.taskruns.connector.simulator.RateLimiter;
import io.quarkus.arc.profile.IfBuildProfile;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;

/** The ESET simulator's own rate windows (10 calls/s per user by default), cleared by its reset only. */
@ApplicationScoped
@Typed(EsetRateLimiter.class)
@IfBuildProfile(anyOf = {"demo", "test"})
public class EsetRateLimiter extends RateLimiter {
}
