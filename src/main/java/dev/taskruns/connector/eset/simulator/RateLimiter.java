package dev.taskruns.connector.eset.simulator;

import io.quarkus.arc.profile.IfBuildProfile;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The vendor's 10 calls per second per credentials, as a sliding one-second window on real time:
 * throughput is about the wall clock even when the simulated clock is frozen or advanced.
 * Refused calls do not count, so a client that backs off gets through again.
 */
@ApplicationScoped
@IfBuildProfile(anyOf = {"demo", "test"})
public class RateLimiter {

    private static final long WINDOW_NANOS = 1_000_000_000L;

    private final Map<String, Deque<Long>> calls = new ConcurrentHashMap<>();

    boolean tryAcquire(String user, int perSecond) {
        if (perSecond <= 0) {
            return true;
        }
        Deque<Long> window = calls.computeIfAbsent(user, u -> new ArrayDeque<>());
        long now = System.nanoTime();
        synchronized (window) {
            while (!window.isEmpty() && now - window.peekFirst() >= WINDOW_NANOS) {
                window.pollFirst();
            }
            if (window.size() >= perSecond) {
                return false;
            }
            window.addLast(now);
            return true;
        }
    }

    void clear() {
        calls.clear();
    }
}
