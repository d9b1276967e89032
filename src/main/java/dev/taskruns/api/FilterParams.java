package dev.taskruns.api;

import dev.taskruns.config.SourceDefinition;
import dev.taskruns.config.Sources;
import dev.taskruns.config.Vendor;
import dev.taskruns.store.RunFilter;
import dev.taskruns.store.RunStatus;
import jakarta.ws.rs.QueryParam;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The filter and paging query parameters shared by the run endpoints, parsed by hand so that every
 * bad value is reported at once, by name, as a 400 problem (never a framework 404 or 500).
 */
public class FilterParams {

    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;

    @QueryParam("vendor")
    @Parameter(description = "ESET or ALIBABA")
    String vendor;

    @QueryParam("source")
    @Parameter(description = "Configured source id (repeatable)")
    List<String> source;

    @QueryParam("status")
    @Parameter(description = "Normalised status (repeatable): PENDING, RUNNING, SUCCEEDED, FAILED, SUPPRESSED, UNKNOWN. "
            + "On /last-runs it keeps the devices whose last run has that status.")
    List<String> status;

    @QueryParam("deviceId")
    @Parameter(description = "Device id (repeatable)")
    List<String> deviceId;

    @QueryParam("taskId")
    @Parameter(description = "Vendor task id; on /last-runs each device's last run of this task")
    String taskId;

    @QueryParam("startedAfter")
    @Parameter(description = "Runs started at or after this ISO-8601 instant, e.g. 2026-11-01T00:00:00Z")
    String startedAfter;

    @QueryParam("startedBefore")
    @Parameter(description = "Runs started strictly before this ISO-8601 instant")
    String startedBefore;

    @QueryParam("limit")
    @Parameter(description = "Page size, 1 to 1000 (default 100)")
    String limit;

    @QueryParam("cursor")
    @Parameter(description = "The nextCursor of the previous page, passed back unchanged")
    String cursor;

    /** The validated query; {@code pathDeviceId} (from /devices/{deviceId}/...) replaces any deviceId parameter. */
    ParsedQuery parse(Sources sources, String pathDeviceId) {
        List<Problem.ParameterError> errors = new ArrayList<>();
        Vendor vendorValue = null;
        if (vendor != null) {
            vendorValue = Vendor.find(vendor).orElse(null);
            if (vendorValue == null) {
                errors.add(error("vendor", "'" + vendor + "' is not one of " + Arrays.toString(Vendor.values())));
            }
        }
        List<String> sourceIds = values(source);
        sourceIds.stream().filter(id -> !sources.exists(id)).forEach(id ->
                errors.add(error("source", "unknown source '" + id + "'; configured: "
                        + sources.all().stream().map(SourceDefinition::id).toList())));
        List<RunStatus> statuses = new ArrayList<>();
        for (String value : values(status)) {
            RunStatus.find(value).ifPresentOrElse(statuses::add, () -> errors.add(error("status",
                    "'" + value + "' is not one of " + Arrays.toString(RunStatus.values()))));
        }
        Instant after = instant("startedAfter", startedAfter, errors);
        Instant before = instant("startedBefore", startedBefore, errors);
        if (after != null && before != null && after.isAfter(before)) {
            errors.add(error("startedBefore", "must not be earlier than startedAfter"));
        }
        int pageSize = limit(errors);
        // PostgreSQL text cannot hold NUL: refuse it here rather than fail in the database
        if (values(deviceId).stream().anyMatch(FilterParams::hasNul) || hasNul(pathDeviceId)) {
            errors.add(error("deviceId", "must not contain NUL characters"));
        }
        if (hasNul(taskId)) {
            errors.add(error("taskId", "must not contain NUL characters"));
        }
        if (taskId != null && taskId.isBlank()) {
            errors.add(error("taskId", "must not be empty"));
        }
        if (!errors.isEmpty()) {
            throw new InvalidParametersException(errors);
        }
        List<String> devices = pathDeviceId != null ? List.of(pathDeviceId) : values(deviceId);
        RunFilter filter = new RunFilter(Set.copyOf(sourceIds), vendorValue, Set.copyOf(statuses), Set.copyOf(devices),
                taskId, after, before);
        return new ParsedQuery(filter, pageSize, Optional.ofNullable(cursor).filter(c -> !c.isEmpty()), canonical(filter));
    }

    private int limit(List<Problem.ParameterError> errors) {
        if (limit == null) {
            return DEFAULT_LIMIT;
        }
        OptionalInt size = pageSize(limit, MAX_LIMIT);
        if (size.isEmpty()) {
            errors.add(error("limit", "'" + limit + "' is not a whole number from 1 to " + MAX_LIMIT));
        }
        return size.orElse(DEFAULT_LIMIT);
    }

    /** {@code text} as a page size from 1 to {@code max}; empty when it is not one. */
    static OptionalInt pageSize(String text, int max) {
        try {
            int value = Integer.parseInt(text.trim());
            if (value >= 1 && value <= max) {
                return OptionalInt.of(value);
            }
        } catch (NumberFormatException ignored) {
            // not a number: empty, as out of range
        }
        return OptionalInt.empty();
    }

    private static Instant instant(String name, String text, List<Problem.ParameterError> errors) {
        if (text == null) {
            return null;
        }
        Optional<Instant> parsed = Timestamps.parse(text.trim());
        if (parsed.isEmpty()) {
            errors.add(error(name, "'" + text + "' is not an ISO-8601 date-time with offset in years 1 to 9999, "
                    + "e.g. 2026-11-01T08:00:00Z"));
        }
        return parsed.orElse(null);
    }

    /** A repeatable parameter's values; empty ones ({@code ?status=}) are ignored. */
    private static List<String> values(List<String> raw) {
        return raw == null ? List.of() : raw.stream().filter(v -> !v.isBlank()).distinct().toList();
    }

    /** A deterministic text of the filter, for binding cursors to it (sets sorted: their order is per JVM). */
    private static String canonical(RunFilter f) {
        return String.join(";", sorted(f.sources()), String.valueOf(f.vendor()),
                sorted(f.statuses().stream().map(Enum::name).toList()), sorted(f.deviceIds()),
                String.valueOf(f.taskId()), String.valueOf(f.startedAfter()), String.valueOf(f.startedBefore()));
    }

    private static String sorted(Collection<String> values) {
        return values.stream().collect(Collectors.toCollection(TreeSet::new)).toString();
    }

    static boolean hasNul(String value) {
        return value != null && value.indexOf('\u0000') >= 0;
    }

    private static Problem.ParameterError error(String parameter, String message) {
        return new Problem.ParameterError(parameter, message);
    }

    /** A validated run query: the filter, the page size, the raw cursor and the filter's canonical text. */
    record ParsedQuery(RunFilter filter, int limit, Optional<String> cursor, String canonical) {
    }
}
