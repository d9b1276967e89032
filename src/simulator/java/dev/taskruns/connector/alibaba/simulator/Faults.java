package dev.taskruns.connector.alibaba.simulator;

import dev.taskruns.connector.alibaba.simulator.AdminWire.FaultSettings;
import dev.taskruns.connector.simulator.Fault;
import dev.taskruns.connector.simulator.FaultSwitch;
import io.quarkus.arc.profile.IfBuildProfile;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Random;

/** The fault switches of the Alibaba simulator and the per-call decision drawn from them. */
@ApplicationScoped
@IfBuildProfile(anyOf = {"demo", "test"})
public class Faults {

    private static final int[] SERVER_ERRORS = {500, 503};

    /** What to do to one call: wait first, fail with {@code status} (0: don't), add {@code arrivals} tasks. */
    record Decision(long delayMillis, int status, int arrivals) {
    }

    private final AlibabaSimulatorConfig.Faults defaults;
    private final Random random;
    private final FaultSwitch throttle = new FaultSwitch();
    private final FaultSwitch serverError = new FaultSwitch();
    private final FaultSwitch slow = new FaultSwitch();
    private int rateLimitPerSecond;
    private int throttleStatus;
    private long slowDelayMillis;
    private int arrivals;
    private int serverErrors;

    public Faults(AlibabaSimulatorConfig config) {
        this.defaults = config.faults();
        this.random = new Random(config.seed());
        reset();
    }

    synchronized FaultSettings settings() {
        return new FaultSettings(rateLimitPerSecond, throttle.snapshot(), throttleStatus, serverError.snapshot(),
                slow.snapshot(), slowDelayMillis, arrivals);
    }

    /** Applies the members sent, or throws IllegalArgumentException naming a bad value and changes nothing. */
    synchronized FaultSettings update(FaultSettings update) {
        Fault.check("throttle", update.throttle());
        Fault.check("serverError", update.serverError());
        Fault.check("slow", update.slow());
        Fault.nonNegative("rateLimitPerSecond", update.rateLimitPerSecond());
        Fault.nonNegative("slowDelayMillis", update.slowDelayMillis());
        Fault.nonNegative("arrivals", update.arrivals());
        if (update.arrivals() != null && update.arrivals() > 1000) {
            throw new IllegalArgumentException("arrivals must not exceed 1000");
        }
        if (update.throttleStatus() != null && update.throttleStatus() != 400 && update.throttleStatus() != 429) {
            throw new IllegalArgumentException("throttleStatus must be 400 or 429");
        }
        throttle.set(update.throttle());
        serverError.set(update.serverError());
        slow.set(update.slow());
        rateLimitPerSecond = update.rateLimitPerSecond() != null ? update.rateLimitPerSecond() : rateLimitPerSecond;
        throttleStatus = update.throttleStatus() != null ? update.throttleStatus() : throttleStatus;
        slowDelayMillis = update.slowDelayMillis() != null ? update.slowDelayMillis() : slowDelayMillis;
        arrivals = update.arrivals() != null ? update.arrivals() : arrivals;
        return settings();
    }

    /** Back to the configured defaults. */
    synchronized void reset() {
        throttle.set(new Fault(defaults.throttleProbability(), 0));
        serverError.set(new Fault(defaults.serverErrorProbability(), 0));
        slow.set(new Fault(defaults.slowProbability(), 0));
        rateLimitPerSecond = defaults.rateLimitPerSecond();
        throttleStatus = defaults.throttleStatus() == 429 ? 429 : 400;
        slowDelayMillis = defaults.slowDelay().toMillis();
        arrivals = defaults.arrivals();
        serverErrors = 0;
    }

    synchronized int rateLimitPerSecond() {
        return rateLimitPerSecond;
    }

    synchronized Decision decide() {
        long delay = slow.fires(random) ? slowDelayMillis : 0;
        int status = 0;
        if (serverError.fires(random)) {
            status = SERVER_ERRORS[serverErrors++ % SERVER_ERRORS.length];
        } else if (throttle.fires(random)) {
            status = throttleStatus;
        }
        return new Decision(delay, status, status == 0 ? arrivals : 0);
    }
}
