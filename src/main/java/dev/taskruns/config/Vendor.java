package dev.taskruns.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** The vendors a source can pull from. The API spells them upper-case, configuration lower-case. */
public enum Vendor {
    ESET,
    ALIBABA;

    /** The spelling used in configuration ({@code taskruns.sources.<id>.vendor=eset}). */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Case-insensitive lookup; empty for an unknown name. */
    public static Optional<Vendor> find(String name) {
        return Arrays.stream(values()).filter(v -> v.name().equalsIgnoreCase(name)).findFirst();
    }
}
