package dev.taskruns.store;

import java.util.Arrays;
import java.util.Optional;

/** The normalised status every vendor status maps to (mapping table: docs/api.md, "Statuses"). */
public enum RunStatus {
    PENDING,
    RUNNING,
    SUCCEEDED,
    FAILED,
    SUPPRESSED,
    /** A vendor value this service does not know yet: stored as is, never dropped. */
    UNKNOWN;

    public static Optional<RunStatus> find(String name) {
        return Arrays.stream(values()).filter(s -> s.name().equals(name)).findFirst();
    }
}
