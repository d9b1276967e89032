package dev.taskruns.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

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

    /** CPU time (user + system, all threads) a live process has used so far, in seconds; NaN once it is gone. */
    public static double cpuSeconds(long pid) {
        return stat(pid).map(fields -> ticks(fields, 11) + ticks(fields, 12)).orElse(Double.NaN);
    }

    /**
     * CPU time of a process and all its descendants, alive or ended, in seconds: a child's time is
     * added to its parent's cutime/cstime when the parent reaps it, so short-lived workers (PostgreSQL's
     * backends and autovacuum workers) are counted too.
     */
    public static double treeCpuSeconds(long pid) {
        Optional<String[]> fields = stat(pid);
        if (fields.isEmpty()) {
            return Double.NaN;
        }
        double own = ticks(fields.get(), 11) + ticks(fields.get(), 12) + ticks(fields.get(), 13) + ticks(fields.get(), 14);
        double children = ProcessHandle.of(pid).stream().flatMap(ProcessHandle::children)
                .mapToDouble(child -> treeCpuSeconds(child.pid())).filter(s -> !Double.isNaN(s)).sum();
        return own + children;
    }

    /** The fields of /proc/<pid>/stat after the command name (which may hold spaces): [0] is the state. */
    private static Optional<String[]> stat(long pid) {
        try {
            String line = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return Optional.of(line.substring(line.lastIndexOf(')') + 2).split(" "));
        } catch (IOException | RuntimeException gone) {
            return Optional.empty();
        }
    }

    /** Clock ticks as seconds: Linux reports them in USER_HZ, 100 on every mainstream build. */
    private static double ticks(String[] fields, int index) {
        return Long.parseLong(fields[index]) / 100.0;
    }
}
