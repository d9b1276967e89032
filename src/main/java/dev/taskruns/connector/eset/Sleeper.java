package dev.taskruns.connector.eset;

import java.time.Duration;

/** Waits between retries and 202 polls; injected so tests observe the delays instead of waiting them out. */
@FunctionalInterface
public interface Sleeper {

    Sleeper THREAD = d -> Thread.sleep(d);

    void sleep(Duration duration) throws InterruptedException;
}
