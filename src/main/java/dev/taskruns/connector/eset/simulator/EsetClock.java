package dev.taskruns.connector.eset.simulator;

import dev.taskruns.connector.simulator.SimulatorClock;
import io.quarkus.arc.profile.IfBuildProfile;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;

/** The ESET simulator's own clock; typed so that no other simulator gets it injected as a SimulatorClock. */
@ApplicationScoped
@Typed(EsetClock.class)
@IfBuildProfile(anyOf = {"demo", "test"})
public class EsetClock extends SimulatorClock {

    public EsetClock(EsetSimulatorConfig config) {
        super(config.frozenClock());
    }
}
