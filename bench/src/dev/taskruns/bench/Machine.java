package dev.taskruns.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the machine was doing: benchmarks on a shared 2-core box must say how loaded it was. */
public final class Machine {

    private Machine() {
    }

    /** The 1, 5 and 15 minute load averages and CPU count, or "unknown" off Linux. */
    public static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return parts[0] + " / " + parts[1] + " / " + parts[2] + " (1/5/15 min) on "
                    + Runtime.getRuntime().availableProcessors() + " CPUs";
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
