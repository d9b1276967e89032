package dev.taskruns.connector.simulator;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A vendor's calls-per-second limit per credentials, as a sliding one-second window on real time:
 * throughput is about the wall clock even when the simulated clock is frozen or advanced.
 * Refused calls do not count, so a client that backs off gets through again.
 */
public class RateLimiter {

    private static final long WINDOW_NANOS = 1_000_000_000L;

    private final Map<String, Deque<Long>> calls = new ConcurrentHashMap<>();

    /** @param perSecond 0 or less: no limit */
    public boolean tryAcquire(String credentials, int perSecond) {
        if (perSecond <= 0) {
            return true;
        }
        Deque<Long> window = calls.computeIfAbsent(credentials, u -> new ArrayDeque<>());
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

    public void clear() {
        calls.clear();
    }
}
