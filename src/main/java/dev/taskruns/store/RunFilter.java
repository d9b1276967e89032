package dev.taskruns.store;

import dev.taskruns.config.Vendor;

import java.time.Instant;
import java.util.Set;

/**
 * Which runs a facade query looks at. Empty sets and nulls mean "no restriction".
 * {@code startedAfter} is inclusive and {@code startedBefore} exclusive, so adjacent windows
 * partition time. For "last runs", {@code statuses} applies to each device's last run after it is
 * chosen among the runs the other fields select.
 */
public record RunFilter(
        Set<String> sources,
        Vendor vendor,
        Set<RunStatus> statuses,
        Set<String> deviceIds,
        String taskId,
        Instant startedAfter,
        Instant startedBefore) {

    public RunFilter {
        sources = sources == null ? Set.of() : Set.copyOf(sources);
        statuses = statuses == null ? Set.of() : Set.copyOf(statuses);
        deviceIds = deviceIds == null ? Set.of() : Set.copyOf(deviceIds);
    }

    public static RunFilter none() {
        return new RunFilter(null, null, null, null, null, null, null);
    }

    public RunFilter withDevice(String deviceId) {
        return new RunFilter(sources, vendor, statuses, Set.of(deviceId), taskId, startedAfter, startedBefore);
    }
}
