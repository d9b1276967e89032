package dev.taskruns.connector.eset.simulator;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A device task and its runs. Runs are created wave by wave as the clock passes each wave's time
 * (planned waves for one-off and re-triggered tasks, every {@code period} for recurring ones), each
 * wave from its own seeded Random so the data set does not depend on when it is looked at.
 */
final class SimTask {

    /** Recurring tasks stop here, so a clock advanced by months cannot exhaust memory. */
    private static final int MAX_WAVES = 100;
    private static final Comparator<SimRun> BY_START = Comparator.comparing(SimRun::start).thenComparing(SimRun::uuid);
    private static final String[] ERRORS = {
            "Device did not respond before the task expired",
            "Action failed on the endpoint: access denied",
            "Product module is outdated; update modules and retry",
            "Command exited with code 1",
            "Reboot was postponed by the user",
            "Not enough disk space for the scan log"};

    final String uuid;
    final String displayName;
    final String description;
    final String actionName;
    final Map<String, Object> params;
    final String source;
    final List<String> devicesUuids;
    final List<String> deviceGroupsUuids;
    final Instant createTime;
    final Instant updateTime;
    final String versionId;
    /** Null while the task exists; its runs stay listed after deletion. */
    final Instant deleteTime;
    private final Duration period;
    private final List<Instant> plannedWaves;
    private final long waveSeed;
    private final List<SimRun> runs = new ArrayList<>();
    private int nextWave;

    SimTask(String uuid, String displayName, String description, String actionName, Map<String, Object> params,
            String source, List<String> devicesUuids, List<String> deviceGroupsUuids, Instant createTime,
            Instant updateTime, String versionId, Instant deleteTime, Duration period, List<Instant> plannedWaves,
            long waveSeed) {
        this.uuid = uuid;
        this.displayName = displayName;
        this.description = description;
        this.actionName = actionName;
        this.params = params;
        this.source = source;
        this.devicesUuids = devicesUuids;
        this.deviceGroupsUuids = deviceGroupsUuids;
        this.createTime = createTime;
        this.updateTime = updateTime;
        this.versionId = versionId;
        this.deleteTime = deleteTime;
        this.period = period;
        this.plannedWaves = plannedWaves;
        this.waveSeed = waveSeed;
    }

    boolean existsAt(Instant now) {
        return !createTime.isAfter(now) && (deleteTime == null || now.isBefore(deleteTime));
    }

    /** Runs whose start has passed, oldest first (new runs always start later, so offsets stay stable). */
    List<SimRun> runsAt(Instant now) {
        materialize(now);
        int visible = runs.size();
        while (visible > 0 && !runs.get(visible - 1).visibleAt(now)) {
            visible--;
        }
        return runs.subList(0, visible);
    }

    /** A run from outside the waves; the waves due until {@code now} come first, so the order by start holds. */
    void add(SimRun run, Instant now) {
        materialize(now);
        runs.add(run);
        runs.sort(BY_START);
    }

    private void materialize(Instant now) {
        for (Instant wave = waveTime(nextWave); wave != null && !wave.isAfter(now); wave = waveTime(nextWave)) {
            addWave(new Random(mix(mix(waveSeed) + nextWave)), wave, nextWave == 0);
            nextWave++;
        }
    }

    private Instant waveTime(int index) {
        Instant time;
        if (period == null) {
            time = index < plannedWaves.size() ? plannedWaves.get(index) : null;
        } else {
            time = index < MAX_WAVES ? createTime.plus(period.multipliedBy(index)) : null;
        }
        return time == null || (deleteTime != null && !time.isBefore(deleteTime)) ? null : time;
    }

    /** Waves are at least an hour apart and jitter stays under two minutes, so runs stay ordered by start. */
    private void addWave(Random random, Instant wave, boolean first) {
        for (String device : devicesUuids) {
            if (!first && random.nextInt(10) == 0) {
                continue; // an offline device misses a repetition
            }
            Instant start = wave.plus(Duration.ofMillis(random.nextInt(110_000))).plusNanos(fraction(random));
            Duration queued = Duration.ofMillis(500 + (long) (random.nextDouble() * random.nextDouble() * 900_000));
            Duration running = Duration.ofMillis(2_000 + (long) (random.nextDouble() * random.nextDouble() * 3_600_000));
            int roll = random.nextInt(100);
            TaskRunStatus outcome = roll < 80 ? TaskRunStatus.TASK_RUN_STATUS_FINISHED
                    : roll < 93 ? TaskRunStatus.TASK_RUN_STATUS_FAILED : TaskRunStatus.TASK_RUN_STATUS_SUPPRESSED;
            String error = outcome == TaskRunStatus.TASK_RUN_STATUS_FAILED ? ERRORS[random.nextInt(ERRORS.length)] : null;
            runs.add(new SimRun(World.uuid(random), uuid, device, start, queued, running, outcome, error));
        }
        runs.sort(BY_START);
    }

    /** SplitMix64's finaliser: neighbouring task and wave numbers must not give overlapping Random streams. */
    private static long mix(long value) {
        long z = value + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Whole seconds, or milli-, micro- or nanosecond fractions: clients must parse them all. */
    private static int fraction(Random random) {
        return switch (random.nextInt(4)) {
            case 0 -> 0;
            case 1 -> random.nextInt(1000) * 1_000_000;
            case 2 -> random.nextInt(1_000_000) * 1000;
            default -> random.nextInt(1_000_000_000);
        };
    }
}
