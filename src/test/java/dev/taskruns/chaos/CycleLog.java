package dev.taskruns.chaos;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The cycles the replicas logged ("sync cycle source=… outcome=… duration_ms=…", one line per cycle,
 * see docs/sync-engine.md), read back from their console logs. A replica killed between recording a
 * success and logging it loses that line, so gaps measured here are upper bounds.
 */
final class CycleLog {

    /** One ended cycle: who ran it, which source, how it ended and when. */
    record Cycle(String replica, String source, String outcome, Instant started, Instant ended) {
        boolean succeeded() {
            return outcome.equals("success");
        }
    }

    private static final Pattern LINE = Pattern.compile(
            "^(\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d,\\d{3}) .*sync cycle source=(\\S+) vendor=\\S+ outcome=(\\S+) duration_ms=(\\d+)");
    /** The console format of application.properties, in the replicas' (our) time zone. */
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss,SSS");

    private final List<Cycle> cycles;

    private CycleLog(List<Cycle> cycles) {
        this.cycles = cycles;
    }

    static CycleLog read(Collection<Replica> replicas) throws IOException {
        List<Cycle> cycles = new ArrayList<>();
        for (Replica replica : replicas) {
            if (!Files.exists(replica.log())) {
                continue;
            }
            for (String line : Files.readAllLines(replica.log(), StandardCharsets.UTF_8)) {
                Matcher m = LINE.matcher(line);
                if (m.find()) {
                    Instant ended = LocalDateTime.parse(m.group(1), TIME).atZone(ZoneId.systemDefault()).toInstant();
                    cycles.add(new Cycle(replica.name(), m.group(2), m.group(3),
                            ended.minusMillis(Long.parseLong(m.group(4))), ended));
                }
            }
        }
        return new CycleLog(cycles);
    }

    /**
     * Cycles of {@code sources} in [from, to), each counted by the share of its run time inside: a
     * cycle cut by either end of a measuring window brings only the calls it made inside, so counting
     * it whole or not at all would skew calls per cycle by up to a cycle per source and end.
     */
    double cyclesWithin(Instant from, Instant to, Collection<String> sources) {
        double cycles = 0;
        for (Cycle c : this.cycles) {
            if (!sources.contains(c.source())) {
                continue;
            }
            long length = Duration.between(c.started(), c.ended()).toMillis();
            Instant overlapFrom = c.started().isAfter(from) ? c.started() : from;
            Instant overlapTo = c.ended().isBefore(to) ? c.ended() : to;
            if (length == 0) {
                cycles += inside(c.ended(), from, to) ? 1 : 0;
            } else if (overlapTo.isAfter(overlapFrom)) {
                cycles += (double) Duration.between(overlapFrom, overlapTo).toMillis() / length;
            }
        }
        return cycles;
    }

    /** Cycles that ended in [from, to) without success. */
    long failures(Instant from, Instant to) {
        return cycles.stream().filter(c -> !c.succeeded() && inside(c.ended(), from, to)).count();
    }

    /** Successful cycles of each source that started after {@code after}. */
    Map<String, Long> successesStartedAfter(Instant after, Collection<String> sources) {
        Map<String, Long> counts = new TreeMap<>();
        sources.forEach(s -> counts.put(s, cycles.stream()
                .filter(c -> c.succeeded() && c.source().equals(s) && c.started().isAfter(after)).count()));
        return counts;
    }

    /** replica → source → successful cycles that ended in [from, to). */
    Map<String, Map<String, Long>> successesByReplica(Instant from, Instant to) {
        Map<String, Map<String, Long>> table = new TreeMap<>();
        cycles.stream().filter(c -> c.succeeded() && inside(c.ended(), from, to)).forEach(c -> table
                .computeIfAbsent(c.replica(), r -> new TreeMap<>()).merge(c.source(), 1L, Long::sum));
        return table;
    }

    /** Per source, the longest stretch of [from, to] without a successful cycle ending. */
    Map<String, Duration> longestGaps(Instant from, Instant to, Collection<String> sources) {
        Map<String, Duration> gaps = new TreeMap<>();
        for (String source : sources) {
            List<Instant> points = new ArrayList<>();
            points.add(from);
            cycles.stream().filter(c -> c.succeeded() && c.source().equals(source) && inside(c.ended(), from, to))
                    .map(Cycle::ended).sorted().forEach(points::add);
            points.add(to);
            Duration longest = Duration.ZERO;
            for (int i = 1; i < points.size(); i++) {
                Duration gap = Duration.between(points.get(i - 1), points.get(i));
                longest = gap.compareTo(longest) > 0 ? gap : longest;
            }
            gaps.put(source, longest);
        }
        return gaps;
    }

    private static boolean inside(Instant t, Instant from, Instant to) {
        return !t.isBefore(from) && t.isBefore(to);
    }
}
