package dev.taskruns.connector.eset.simulator;

import dev.taskruns.connector.simulator.SimulatorClock;
import io.quarkus.arc.profile.IfBuildProfile;
import jakarta.enterprise.inject.Typed;
import jakarta.inject.Singleton;

/**
 * The ESET simulator's own clock; typed so that no other simulator gets it injected as a SimulatorClock.
 * A singleton: the shared class has no no-args constructor for a client proxy.
 */
@Singleton
@Typed(EsetClock.class)
@IfBuildProfile(anyOf = {"demo", "test"})
public class EsetClock extends SimulatorClock {

    public EsetClock(EsetSimulatorConfig config) {
        super(config.frozenClock());
    }
}
