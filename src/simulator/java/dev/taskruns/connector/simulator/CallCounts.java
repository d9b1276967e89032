package dev.taskruns.connector.simulator;

import io.quarkus.runtime.annotations.RegisterForReflection;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Vendor calls a simulator answered since its last reset, by outcome: what tests measure a sync's
 * API cost with (its admin {@code GET /calls}). Thread-safe.
 */
public final class CallCounts {

    /** The admin JSON: {@code {"total": N, "byOutcome": {"<outcome>": n, ...}}}. */
    @RegisterForReflection
    public record Calls(long total, Map<String, Long> byOutcome) {
    }

    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

    public void count(String outcome) {
        counts.computeIfAbsent(outcome, o -> new LongAdder()).increment();
    }

    public Calls snapshot() {
        Map<String, Long> byOutcome = new TreeMap<>();
        counts.forEach((outcome, count) -> byOutcome.put(outcome, count.sum()));
        return new Calls(byOutcome.values().stream().mapToLong(Long::longValue).sum(), byOutcome);
    }

    public void clear() {
        counts.clear();
    }
}
