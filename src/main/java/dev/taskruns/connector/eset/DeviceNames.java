package dev.taskruns.connector.eset;

import io.micrometer.core.instrument.MeterRegistry;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Device display names of one source, fetched in batches and reused for a TTL, best effort: a failed
 * lookup is logged and counted, its devices keep their previous name (or none), and the sync goes on.
 * Failures are remembered for the TTL too, so an unreachable device API costs one call per batch per TTL.
 */
final class DeviceNames {

    private static final Logger LOG = Logger.getLogger(DeviceNames.class);

    private record Known(String name, Instant fetchedAt) {
    }

    private final String source;
    private final int batchSize;
    private final Duration ttl;
    private final Clock clock;
    private final MeterRegistry registry;
    private final Map<String, Known> known = new HashMap<>();

    DeviceNames(String source, EsetSettings settings, Clock clock, MeterRegistry registry) {
        this.source = source;
        this.batchSize = Math.max(1, settings.deviceBatchSize());
        this.ttl = settings.deviceNameTtl();
        this.clock = clock;
        this.registry = registry;
    }

    /** Names of the given devices that are known, looking up those not seen within the TTL. */
    synchronized Map<String, String> resolve(EsetApiClient client, Collection<String> deviceUuids) {
        Instant now = clock.instant();
        List<String> due = new LinkedHashSet<>(deviceUuids).stream()
                .filter(uuid -> {
                    Known k = known.get(uuid);
                    return k == null || !now.isBefore(k.fetchedAt().plus(ttl));
                })
                .toList();
        for (int from = 0; from < due.size(); from += batchSize) {
            lookUp(client, due.subList(from, Math.min(due.size(), from + batchSize)), now);
        }
        Map<String, String> names = new HashMap<>();
        for (String uuid : deviceUuids) {
            Known k = known.get(uuid);
            if (k != null && k.name() != null) {
                names.put(uuid, k.name());
            }
        }
        return names;
    }

    private void lookUp(EsetApiClient client, List<String> batch, Instant now) {
        try {
            for (EsetDevice device : client.devices(batch)) {
                if (device != null && device.uuid() != null && device.displayName() != null && !device.displayName().isBlank()) {
                    known.put(device.uuid(), new Known(device.displayName(), now));
                }
            }
            registry.counter("taskruns.eset.device.lookups", "source", source, "outcome", "success").increment();
        } catch (RuntimeException e) {
            // batchGet is all or nothing: one deleted device fails its whole batch until the TTL passes
            LOG.warnf("ESET source %s: device names for %d devices unavailable (%s); their runs are stored without new names",
                    source, batch.size(), e.getMessage());
            registry.counter("taskruns.eset.device.lookups", "source", source, "outcome", "failure").increment();
        }
        for (String uuid : batch) {
            Known k = known.get(uuid);
            if (k == null || k.fetchedAt().isBefore(now)) {
                known.put(uuid, new Known(k == null ? null : k.name(), now));
            }
        }
    }
}
