package dev.taskruns.config;

import java.util.List;
import java.util.Optional;

/**
 * A vendor's own source keys ({@code taskruns.sources.<id>.<vendor>.*}), checked next to its
 * connector: one bean per vendor. {@link Sources} collects every problem of every source into one
 * start-up failure.
 */
public interface VendorSourceRules {

    Vendor vendor();

    /** What is wrong with the vendor keys of source {@code id}, each message naming its key; empty when nothing is. */
    List<String> problems(String id);

    /** Adds "is missing" for a blank or absent value, with the environment-variable spelling of the key. */
    static void require(List<String> problems, String key, Optional<String> value) {
        if (value.filter(v -> !v.isBlank()).isEmpty()) {
            problems.add(key + " is missing (environment variable " + key.toUpperCase().replace('.', '_').replace('-', '_') + ")");
        }
    }
}
