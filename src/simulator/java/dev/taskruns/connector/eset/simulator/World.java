package dev.taskruns.connector.eset.simulator;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

/**
 * The simulated account: devices, tasks and their runs, seeded from one Random relative to
 * {@code origin} (the moment of seeding). Every read happens under the object's lock because reading
 * may create the runs of waves whose time has come.
 */
final class World {

    private static final String[][] ACTIONS = {
            {"On-demand scan", "OnDemandScanParams"},
            {"Update modules", "UpdateModulesParams"},
            {"Isolate from network", "IsolateFromNetworkParams"},
            {"End network isolation", "EndNetworkIsolationParams"},
            {"Run command", "RunCommandParams"},
            {"Reboot device", "RebootParams"},
            {"Shut down device", "ShutdownParams"},
            {"Send message", "SendMessageParams"},
            {"Collect logs", "CollectLogsParams"},
            {"Upgrade product", "UpgradeProductParams"}};
    private static final String[] SOURCES = {
            "DEVICE_TASK_SOURCE_INTERNAL_AUTOMATION", "DEVICE_TASK_SOURCE_EXTERNAL_AUTOMATION",
            "DEVICE_TASK_SOURCE_INTERNAL_USER", "DEVICE_TASK_SOURCE_EXTERNAL_USER"};
    private static final String[] DEVICE_PREFIXES = {"WS", "LT", "SRV", "VDI", "MAC"};
    private static final Duration[] PERIODS = {
            Duration.ofHours(1), Duration.ofHours(2), Duration.ofHours(4), Duration.ofHours(6),
            Duration.ofHours(12), Duration.ofHours(24)};

    private final List<SimDevice> devices;
    private final Map<String, SimDevice> devicesByUuid;
    private final List<SimTask> tasks;
    private final Map<String, SimTask> tasksByUuid;

    private World(List<SimDevice> devices, List<SimTask> tasks) {
        this.devices = devices;
        this.tasks = tasks;
        this.devicesByUuid = new HashMap<>();
        devices.forEach(d -> devicesByUuid.put(d.uuid(), d));
        this.tasksByUuid = new HashMap<>();
        tasks.forEach(t -> tasksByUuid.put(t.uuid, t));
    }

    /**
     * @param active every task still active for a client: created within the last 6 days (its manual
     *               trigger, valid 7 days, has not expired) and none deleted, so none ever settles
     */
    static World seed(long seed, int deviceCount, int taskCount, boolean active, Instant origin) {
        Random random = new Random(seed);
        List<SimDevice> devices = new ArrayList<>(deviceCount);
        for (int i = 0; i < deviceCount; i++) {
            String prefix = DEVICE_PREFIXES[random.nextInt(DEVICE_PREFIXES.length)];
            String ip = "10.%d.%d.%d".formatted(random.nextInt(4), random.nextInt(256), 1 + random.nextInt(254));
            devices.add(new SimDevice(uuid(random), "%s-%04d.corp.example".formatted(prefix, i + 1), ip,
                    origin.minusSeconds(random.nextInt(3 * 3600))));
        }
        List<String> groups = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            groups.add(uuid(random));
        }
        List<SimTask> tasks = new ArrayList<>(taskCount);
        for (int i = 0; i < taskCount && deviceCount > 0; i++) {
            tasks.add(task(random, seed * 1_000_003L + i, devices, groups, active, origin));
        }
        tasks.sort(Comparator.comparing((SimTask t) -> t.createTime).thenComparing(t -> t.uuid));
        return new World(List.copyOf(devices), List.copyOf(tasks));
    }

    private static SimTask task(Random random, long waveSeed, List<SimDevice> devices, List<String> groups,
                                boolean active, Instant origin) {
        String[] action = ACTIONS[random.nextInt(ACTIONS.length)];
        int kind = random.nextInt(100);
        Instant createTime;
        Duration period = null;
        List<Instant> waves = new ArrayList<>();
        if (kind < 55) { // one-off: most ran long ago, some just now, some are still to come
            int age = random.nextInt(10);
            createTime = origin.minusSeconds(age < 2 ? random.nextInt(1800) : age < 4 ? random.nextInt(7200)
                    : random.nextInt((active ? 6 : 30) * 86400));
            waves.add(createTime.plusSeconds(random.nextInt(1200)));
        } else if (kind < 75) { // re-triggered by hand: one device gets several runs of the same task
            createTime = origin.minusSeconds(active ? random.nextInt(6 * 86400) : 2 * 86400 + random.nextInt(18 * 86400));
            Instant wave = createTime.plusSeconds(random.nextInt(600));
            for (int w = 2 + random.nextInt(3); w > 0; w--) {
                waves.add(wave);
                wave = wave.plusSeconds(3600 + random.nextInt(72 * 3600));
            }
        } else { // recurring: new runs keep appearing as the clock moves
            period = PERIODS[random.nextInt(PERIODS.length)];
            createTime = origin.minus(period.multipliedBy(1 + random.nextInt(7)))
                    .minusSeconds(random.nextLong(period.toSeconds()));
        }
        createTime = createTime.truncatedTo(ChronoUnit.SECONDS);
        Instant deleteTime = null;
        int deletion = random.nextInt(100);
        long age = Duration.between(createTime, origin).toSeconds();
        if (active) {
            // stays listed
        } else if (deletion < 6 && age > 4 * 3600) {
            deleteTime = createTime.plusSeconds(age / 2 + random.nextLong(age / 2));
        } else if (deletion < 9) {
            deleteTime = origin.plusSeconds(3600 + random.nextInt(47 * 3600));
        }
        List<String> targets = new ArrayList<>();
        int size = Math.min(devices.size(), 2 + random.nextInt(random.nextBoolean() ? 8 : 30));
        for (int index : random.ints(0, devices.size()).distinct().limit(size).toArray()) {
            targets.add(devices.get(index).uuid());
        }
        List<String> targetGroups = random.nextInt(4) == 0 ? List.of(groups.get(random.nextInt(groups.size()))) : List.of();
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("@type", "type.googleapis.com/esetcloud.deviceaction.v1." + action[1]);
        Instant updateTime = random.nextBoolean() ? createTime
                : createTime.plusSeconds(random.nextLong(Math.max(1, Math.min(age, 3 * 86400))));
        String description = random.nextBoolean() ? "" : action[0] + " requested from the console";
        return new SimTask(uuid(random), action[0] + " #" + (1 + random.nextInt(9999)), description, action[0], params,
                SOURCES[random.nextInt(SOURCES.length)], List.copyOf(targets), targetGroups, createTime, updateTime,
                Integer.toString(1 + random.nextInt(5)), deleteTime, period, List.copyOf(waves), waveSeed);
    }

    /** A random (version 4) UUID drawn from the seeded Random, so ids repeat with the seed. */
    static String uuid(Random random) {
        long high = (random.nextLong() & ~0xF000L) | 0x4000L;
        long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(high, low).toString();
    }

    synchronized List<SimTask> tasksAt(Instant now) {
        return tasks.stream().filter(t -> t.existsAt(now)).toList();
    }

    /** Deleted tasks too: their runs outlive them. */
    synchronized SimTask task(String uuid) {
        return tasksByUuid.get(uuid);
    }

    synchronized List<SimRun> runsAt(SimTask task, Instant now) {
        return List.copyOf(task.runsAt(now));
    }

    synchronized List<SimRun> allRunsAt(Instant now) {
        List<SimRun> all = new ArrayList<>();
        tasks.forEach(t -> all.addAll(t.runsAt(now)));
        return all;
    }

    /** A run on {@code device} starting at {@code now}, as if someone ran the task there again. */
    synchronized SimRun startRun(SimTask task, String device, Duration queued, Duration running, TaskRunStatus outcome,
                                 Instant now) {
        SimRun run = new SimRun(UUID.randomUUID().toString(), task.uuid, device, now, queued, running, outcome,
                outcome == TaskRunStatus.TASK_RUN_STATUS_FAILED ? "Started by the simulator's admin API" : null);
        task.add(run, now);
        return run;
    }

    List<SimTask> allTasks() {
        return tasks;
    }

    List<SimDevice> devices() {
        return devices;
    }

    SimDevice device(String uuid) {
        return devicesByUuid.get(uuid);
    }
}
