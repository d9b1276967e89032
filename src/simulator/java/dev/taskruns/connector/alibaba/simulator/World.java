package dev.taskruns.connector.alibaba.simulator;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

/**
 * The simulated account: entities and response tasks, seeded relative to {@code origin} (the moment
 * of seeding). One new task arrives every {@code arrivalInterval} of simulated time after origin, each
 * drawn from its own Random, so the data at a given simulated time does not depend on when or how
 * often it was looked at. Reads happen under the object's lock because reading creates due arrivals.
 */
final class World {

    /** Memory bound: no task is added beyond this many. */
    static final int MAX_TASKS = 100_000;

    private static final long SECOND = 1000;
    private static final long MINUTE = 60 * SECOND;
    private static final long HOUR = 60 * MINUTE;
    private static final long DAY = 24 * HOUR;

    enum Kind { BLOCK, ISOLATE, ONCE }

    record Scene(String code, String name, String yunCode, Kind kind, List<String> entityTypes) {
    }

    /** {@code uuid} null: the vendor leaves EntityUuid out (most IPs). */
    record Entity(String type, String name, String uuid) {
    }

    record Failure(String code, String message, String tip) {
    }

    private static final List<Scene> SCENES = List.of(
            new Scene("event_waf_whole_process", "waf_whole_process", "WAF", Kind.BLOCK, List.of("ip")),
            new Scene("cfw_block_ip", "cfw_ip_block", "CFW", Kind.BLOCK, List.of("ip")),
            new Scene("aegis_quarantine_file", "aegis_file_quarantine", "Aegis", Kind.ISOLATE, List.of("file")),
            new Scene("aegis_kill_process", "aegis_process_kill", "Aegis", Kind.ONCE, List.of("process")),
            new Scene("event_aegis_whole_process", "aegis_whole_process", "Aegis", Kind.ONCE, List.of("file", "process")),
            new Scene("waf_add_ip_to_watchlist", "waf_ip_watchlist", "WAF", Kind.ONCE, List.of("ip")));
    private static final List<Failure> FAILURES = List.of(
            new Failure("sts_openapi.Info.DefenseSceneNotSupported", "ParamError : The parameters of your request are invalid",
                    "Verify that the input parameters of the components are correct"),
            new Failure("sts_openapi.Error.AgentOffline", "AgentOffline : The Security Center agent is offline",
                    "Check that the agent on the host is online and try again"),
            new Failure("sts_openapi.Error.QuotaExceeded", "QuotaExceeded : The blocking quota is used up",
                    "Release blocked entities or raise the quota"));
    private static final Failure RELEASE_FAILURE = new Failure("sts_openapi.Error.ReleaseFailed",
            "ReleaseFailed : The entity could not be released", "Release it in the console or try again later");
    private static final String[] SOURCES = {"system", "custom", "custom_alert", "soar-manual", "soar-mdr"};
    private static final String[] IP_NETS = {"203.0.113.", "198.51.100.", "192.0.2."};
    private static final String[] FILES = {"/tmp/.x/xmrig", "/var/tmp/kdevtmpfsi", "/usr/bin/.sshd", "/dev/shm/dbused",
            "/var/tmp/.cache/kinsing", "/opt/app/webshell.jsp"};
    private static final String[] PROCESSES = {"kdevtmpfsi", "kinsing", "xmrig", "dbused", "sysupdate", "networkservice"};

    private final long seed;
    private final long origin;
    private final long arrivalInterval;
    private final String account;
    private final List<Entity> entities;
    private final List<SimTask> tasks = new ArrayList<>();
    private final Set<String> taskIds = new HashSet<>();
    private long arrivalsDone;
    private long injected;

    private World(long seed, long origin, long arrivalInterval, String account, List<Entity> entities) {
        this.seed = seed;
        this.origin = origin;
        this.arrivalInterval = arrivalInterval;
        this.account = account;
        this.entities = entities;
    }

    static World seed(long seed, int entityCount, int taskCount, Duration arrivalInterval, Instant origin) {
        Random random = new Random(seed);
        String account = Long.toString(1_000_000_000_000_000L + random.nextLong(9_000_000_000_000_000L));
        List<Entity> entities = new ArrayList<>(entityCount);
        for (int i = 0; i < entityCount; i++) {
            entities.add(entity(random, i));
        }
        World world = new World(seed, origin.toEpochMilli(), Math.max(SECOND, arrivalInterval.toMillis()), account,
                List.copyOf(entities));
        for (int i = 0; i < Math.min(taskCount, MAX_TASKS); i++) {
            // a handful created weeks ago stay blocking/isolating for weeks
            boolean stuck = i % 200 == 7;
            long created = world.origin - (stuck ? 20 * DAY : 0) - random.nextLong(stuck ? 8 * DAY : 30 * DAY);
            world.add(random, created, stuck);
        }
        return world;
    }

    private static Entity entity(Random random, int index) {
        int kind = random.nextInt(10);
        if (kind < 5) {
            String ip = IP_NETS[index % IP_NETS.length] + (1 + (index / IP_NETS.length) % 254);
            return new Entity("ip", ip, random.nextInt(5) == 0 ? "" : null);
        }
        String uuid = uuid(random) + (random.nextInt(6) == 0 ? "\n" : "");
        return kind < 8 ? new Entity("file", FILES[random.nextInt(FILES.length)], uuid)
                : new Entity("process", PROCESSES[random.nextInt(PROCESSES.length)] + " (pid " + (300 + random.nextInt(60000)) + ")", uuid);
    }

    /** A random (version 4) UUID drawn from the seeded Random, so ids repeat with the seed. */
    private static String uuid(Random random) {
        long high = (random.nextLong() & ~0xF000L) | 0x4000L;
        long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(high, low).toString();
    }

    private void add(Random random, long created, boolean stuck) {
        if (tasks.size() >= MAX_TASKS) {
            return;
        }
        Entity entity = entities.get(random.nextInt(entities.size()));
        List<Scene> fitting = SCENES.stream().filter(s -> s.entityTypes().contains(entity.type())
                && (!stuck || s.kind() != Kind.ONCE)).toList();
        if (fitting.isEmpty()) { // stuck, but a process: processes are never blocked or isolated
            fitting = SCENES.stream().filter(s -> s.entityTypes().contains(entity.type())).toList();
        }
        Scene scene = fitting.get(random.nextInt(fitting.size()));
        String taskId;
        do {
            taskId = "150" + "%014d".formatted(random.nextLong(100_000_000_000_000L));
        } while (!taskIds.add(taskId));
        Long processTime = random.nextInt(20) == 0 ? null : created + random.nextLong(5 * SECOND + 1);
        long settleAt = created + MINUTE + random.nextLong(9 * MINUTE + 1);
        int settled;
        Long releaseAt = null;
        int released = 0;
        Failure failure = FAILURES.get(random.nextInt(FAILURES.size()));
        if (scene.kind() == Kind.ONCE) {
            settled = random.nextInt(100) < 15 ? SimTask.FAILED : SimTask.SUCCESS;
        } else if (!stuck && random.nextInt(100) < 8) {
            settled = SimTask.FAILED;
        } else {
            boolean block = scene.kind() == Kind.BLOCK;
            settled = block ? SimTask.BLOCKING : SimTask.ISOLATING;
            releaseAt = settleAt + (stuck ? 40 * DAY + random.nextLong(20 * DAY) : 2 * HOUR + random.nextLong(5 * DAY));
            boolean releaseFails = random.nextInt(100) < 10;
            released = !releaseFails ? SimTask.ENDED : block ? SimTask.UNBLOCK_FAILED : SimTask.UNISOLATE_FAILED;
            failure = RELEASE_FAILURE;
        }
        String source = SOURCES[random.nextInt(SOURCES.length)];
        String inputParams = switch (scene.kind()) {
            case BLOCK -> "{\"ip\":\"" + entity.name() + "\",\"direction\":\"in\",\"blockDays\":" + (1 + random.nextInt(30)) + "}";
            case ISOLATE -> "{\"filePath\":\"" + entity.name() + "\",\"groupuuid\":\"" + uuid(random) + "\"}";
            case ONCE -> "{\"groupuuid\":\"" + uuid(random) + "\"}";
        };
        boolean manual = source.equals("soar-manual");
        tasks.add(new SimTask(taskId, random.nextInt(5) == 0 ? "2" + account.substring(1) : account, account, created,
                processTime, scene, entity, entity.uuid() != null && random.nextInt(12) == 0,
                random.nextInt(8) == 0 ? null : uuid(random) + (random.nextInt(4) == 0 ? "\n" : ""), inputParams,
                manual ? null : uuid(random) + "_" + (1000 + random.nextInt(9000)), source,
                random.nextInt(4) == 0 ? SOURCES[random.nextInt(SOURCES.length)] : source, uuid(random),
                settleAt, settled, releaseAt, released, failure));
    }

    /** Every task created at or before {@code now}, scheduled arrivals up to now included. */
    synchronized List<SimTask> tasksAt(Instant now) {
        long millis = now.toEpochMilli();
        while (tasks.size() < MAX_TASKS && origin + (arrivalsDone + 1) * arrivalInterval <= millis) {
            arrivalsDone++;
            add(new Random(seed * 1_000_003L + arrivalsDone), origin + arrivalsDone * arrivalInterval, false);
        }
        return tasks.stream().filter(t -> t.created() <= millis).toList();
    }

    /** The {@code arrivals} fault: {@code count} brand-new tasks created at {@code now}. */
    synchronized void arrive(int count, Instant now) {
        for (int i = 0; i < count; i++) {
            injected++;
            add(new Random(seed * 1_000_003L - injected), now.toEpochMilli(), false);
        }
    }
}
