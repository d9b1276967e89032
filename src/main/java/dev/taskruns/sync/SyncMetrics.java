package dev.taskruns.sync;

import dev.taskruns.store.WriteResult;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Per-source sync metrics (tag {@code source}); vendor clients add their API-call metrics. */
@ApplicationScoped
public class SyncMetrics {

    private final MeterRegistry registry;
    private final Map<String, AtomicLong> lastSuccess = new ConcurrentHashMap<>();

    public SyncMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void cycle(String source, String outcome, Duration duration) {
        Timer.builder("taskruns.sync.cycle.duration").description("Sync cycle duration")
                .tags("source", source, "outcome", outcome).register(registry).record(duration);
    }

    void succeeded(String source, Instant at) {
        lastSuccess.computeIfAbsent(source, s -> registry.gauge("taskruns.sync.last.success",
                        Tags.of("source", s), new AtomicLong(), AtomicLong::doubleValue))
                .set(at.getEpochSecond());
    }

    void written(String source, WriteResult result) {
        count(source, "inserted", result.inserted());
        count(source, "updated", result.updated());
        count(source, "unchanged", result.unchanged());
    }

    void badRecord(String source) {
        registry.counter("taskruns.sync.bad.records", "source", source).increment();
    }

    private void count(String source, String result, int amount) {
        if (amount > 0) {
            registry.counter("taskruns.sync.runs.upserted", "source", source, "result", result).increment(amount);
        }
    }
}
