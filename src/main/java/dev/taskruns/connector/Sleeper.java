package dev.taskruns.connector;

import java.time.Duration;

/** Waits between retries and polls; injected so tests observe the delays instead of waiting them out. */
@FunctionalInterface
public interface Sleeper {

    Sleeper THREAD = d -> Thread.sleep(d);

    void sleep(Duration duration) throws InterruptedException;
}
