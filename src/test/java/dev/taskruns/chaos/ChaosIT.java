package dev.taskruns.chaos;

import dev.taskruns.support.PostgresResource;
import dev.taskruns.support.SimulatorAdmin;
import dev.taskruns.support.SimulatorSources;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The chaos suite: three packaged application processes (the production jar) against one PostgreSQL
 * and both vendor simulators, which this test app serves on the test port as the one ground truth
 * they all share. Phases:
 * <ol>
 * <li>baseline: one replica, no faults, frozen vendors; backfill, then vendor calls per cycle;</li>
 * <li>the same with three replicas (the first one plus two new ones, same database);</li>
 * <li>chaos: throttling, 5xx, timeouts (504s and answers slower than the read timeout), 202s, access
 * tokens expiring on the vendor's side, Alibaba tasks arriving while the client pages, vendor data
 * moving; every few seconds the replica holding a source's sync lock (mid-cycle) is killed with
 * SIGKILL and started again, and PostgreSQL is restarted once;</li>
 * <li>settle: faults off, vendors frozen, until every source has had two successful cycles that
 * started after the freeze; then the store must equal the simulators' ground truth exactly.</li>
 * </ol>
 * Prints one summary line and the successful cycles per replica and source; asserts missing,
 * duplicated, stale (and wrong last runs) all zero and vendor calls per cycle with three replicas at
 * most 1.2 times one replica's. Seeds are fixed; what stays random is thread timing.
 * Replica logs: {@code target/chaos/replica-N.log}.
 */
@QuarkusTest
@TestProfile(ChaosIT.FastVendors.class)
@WithTestResource(PostgresResource.class)
class ChaosIT {

    /** Simulated vendors whose data moves within minutes: short-lived tokens, a new Alibaba task every 3 s. */
    public static class FastVendors implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("taskruns.simulator.eset.token-lifetime", "300s",
                    "taskruns.simulator.alibaba.arrival-interval", "3s");
        }
    }

    private static final long SEED = 20_260_607L;
    private static final List<String> ESET_SOURCES = List.of("eset1", "eset2");
    private static final List<String> ALIBABA_SOURCES = List.of("ali1", "ali2");
    private static final List<String> SOURCES = Stream.concat(ESET_SOURCES.stream(), ALIBABA_SOURCES.stream()).toList();
    private static final int REPLICAS = 3;
    private static final double CALL_BOUND = 1.2;
    private static final Duration POLL_INTERVAL = Duration.ofSeconds(2);
    private static final Duration HEARTBEAT = Duration.ofSeconds(1);
    private static final Duration COST_WINDOW = Duration.ofSeconds(25);
    /** Longer than a cycle without faults takes. */
    private static final Duration CYCLES_END = Duration.ofSeconds(5);
    private static final Duration CHAOS = Duration.ofSeconds(70);
    private static final Duration KILL_EVERY = Duration.ofSeconds(10);
    private static final Duration DATABASE_DOWN = Duration.ofSeconds(3);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(120);
    /** ESET simulated seconds per wall second while the chaos runs: a 300 s token lasts 10 s. */
    private static final long ESET_SPEED = 30;
    /** Alibaba's simulated now stays this far behind the wall clock: more than lag plus the 5 s a ProcessTime may follow creation. */
    private static final Duration ALIBABA_BEHIND = Duration.ofSeconds(10);
    private static final Path OUT = Path.of("target/chaos");

    private static final SimulatorAdmin ESET = new SimulatorAdmin("/simulator/eset");
    private static final SimulatorAdmin ALIBABA = new SimulatorAdmin("/simulator/alibaba");

    /** One vendor's calls over its sources' cycles in one measuring window. */
    record Cost(long calls, double cycles) {
        double perCycle() {
            return cycles == 0 ? Double.NaN : calls / cycles;
        }

        String show() {
            return "%.2f (%d/%.1f)".formatted(perCycle(), calls, cycles);
        }
    }

    /** Per vendor: their cycles cost very different numbers of calls, so a mix of both would compare mixes. */
    record Costs(Cost eset, Cost alibaba) {
    }

    private final List<Replica> replicas = new ArrayList<>();
    /** From each kill -9 to the next cycle of the source its victim was syncing, on another replica. */
    private final List<Duration> takeovers = new ArrayList<>();
    /** From SIGSTOP of a replica mid-cycle to the next cycle of that source on another replica. */
    private Duration frozenTakeover = Duration.ZERO;

    @Test
    void afterKillsRestartsAndVendorFaultsTheStoreEqualsTheVendorsAndReplicasShareTheWork() throws Exception {
        Instant begin = Instant.now();
        Files.createDirectories(OUT);
        try (Stream<Path> old = Files.list(OUT)) {
            old.filter(p -> p.toString().endsWith(".log")).forEach(p -> p.toFile().delete());
        }
        freshVendors();
        try (ChaosDatabase db = ChaosDatabase.startFresh(OUT.resolve("pgdata"));
             VendorTime vendorTime = new VendorTime(ESET, ALIBABA, ESET_SPEED, ALIBABA_BEHIND)) {
            try {
                run(db, vendorTime, begin);
            } catch (Throwable failure) {
                replicas.forEach(r -> System.out.println("---- " + r.name() + " (last lines of " + r.log() + ")\n" + r.tail(60)));
                throw failure;
            } finally { // before the database goes
                for (Replica replica : replicas) {
                    replica.stop(Duration.ofSeconds(15));
                }
            }
        }
    }

    private void run(ChaosDatabase db, VendorTime vendorTime, Instant begin) throws Exception {
        Map<String, String> shared = replicaProperties(db.jdbcUrl(), RestAssured.port);
        for (int i = 1; i <= REPLICAS; i++) {
            replicas.add(new Replica("replica-" + i, Ports.free(), OUT, shared));
        }

        // A: one replica backfills, then its steady vendor calls per cycle
        replicas.getFirst().start();
        replicas.getFirst().awaitReady(START_TIMEOUT);
        FeedReader feed = new FeedReader(() -> replicas.stream().filter(Replica::isAlive).map(Replica::port).toList());
        feed.start();
        awaitSuccesses(Instant.EPOCH, 2, START_TIMEOUT, "backfill with one replica");
        Costs one = measure();

        // B: three replicas on the same store; the two new ones first get their tokens and device names
        Instant threeFrom = Instant.now();
        replicas.stream().skip(1).forEach(Replica::start);
        for (Replica replica : replicas) {
            replica.awaitReady(START_TIMEOUT);
        }
        awaitSuccesses(threeFrom, 1, START_TIMEOUT, "three replicas warming up");
        Instant sharedFrom = Instant.now();
        Costs three = measure();
        Instant sharedTo = Instant.now();
        Handover handover = stopOneMidCycle(db);

        // C: chaos
        faultsOn();
        vendorTime.run();
        Instant chaosStart = Instant.now();
        int kills = runChaos(db, chaosStart);
        faultsOff();
        vendorTime.freeze();
        for (Replica replica : replicas) {
            if (!replica.isAlive()) {
                replica.start();
            }
            replica.awaitReady(START_TIMEOUT);
        }
        Instant frozen = Instant.now();
        awaitSuccesses(frozen, 2, SETTLE_TIMEOUT, "settling after the faults stopped");
        Instant settled = Instant.now();

        StoreAudit.Findings findings = audit(db);
        long settledHead = db.newestChangeId();
        List<Long> feedRead = feed.finish(db::newestChangeId, Duration.ofMinutes(2));
        // every change up to the settled store must have been read; one a cycle committed after the
        // reader caught up is not its to have read
        long readUpTo = Math.max(settledHead, feedRead.isEmpty() ? 0 : feedRead.getLast());
        List<Long> feedStored = db.changeIds().stream().filter(id -> id <= readUpTo).toList();
        long feedWrong = db.devicesTheFeedGotWrong();
        Set<Long> feedReadOnce = new HashSet<>(feedRead);
        System.out.printf("CHAOS change feed: %d changes stored, %d read by a client over %d connections to random live "
                + "replicas (dropped at random, killed with them), %d duplicated, %d missing, %d out of order; "
                + "devices whose latest change is not their last run %d%n", feedStored.size(), feedRead.size(),
                feed.connections(), feedRead.size() - feedReadOnce.size(),
                feedStored.stream().filter(id -> !feedReadOnce.contains(id)).count(),
                IntStream.range(1, feedRead.size()).filter(i -> feedRead.get(i) <= feedRead.get(i - 1)).count(),
                feedWrong);
        CycleLog log = CycleLog.read(replicas);
        Map<String, Duration> gaps = log.longestGaps(chaosStart, settled, SOURCES);
        Map.Entry<String, Duration> longest = gaps.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow();
        double esetRatio = three.eset().perCycle() / one.eset().perCycle();
        double alibabaRatio = three.alibaba().perCycle() / one.alibaba().perCycle();
        // per cycle alone would not see two replicas pulling the same interval (twice the calls in
        // twice the cycles): over the same window, the calls themselves must stay within the bound too
        double windowRatio = (double) (three.eset().calls() + three.alibaba().calls())
                / (one.eset().calls() + one.alibaba().calls());

        System.out.printf(
                "CHAOS runs expected=%d missing=%d duplicated=%d stale=%d last-run-wrong=%d"
                        + " | vendor calls per cycle, 1 -> %d replicas (calls/cycles): ESET %s -> %s = x%.2f, Alibaba %s -> %s = x%.2f,"
                        + " per %d s window x%.2f (bound x%.1f)"
                        + " | longest without a successful cycle %.1f s (%s; chaos %d s, settle %d s)"
                        + " | kill -9 x%d, postgres restarts 1, failed cycles %d, run time %d s%n",
                findings.expected(), findings.missing(), findings.duplicated(), findings.stale(), findings.lastRunWrong(),
                REPLICAS, one.eset().show(), three.eset().show(), esetRatio, one.alibaba().show(), three.alibaba().show(),
                alibabaRatio, COST_WINDOW.toSeconds(), windowRatio, CALL_BOUND, longest.getValue().toMillis() / 1000.0, longest.getKey(),
                Duration.between(chaosStart, frozen).toSeconds(), Duration.between(frozen, settled).toSeconds(),
                kills, log.failures(chaosStart, settled), Duration.between(begin, Instant.now()).toSeconds());
        Duration slowestTakeover = takeovers.stream().max(Comparator.naturalOrder()).orElse(Duration.ZERO);
        System.out.printf("takeover after kill -9 (next cycle of the victim's source on another replica): max %.1f s, all %s"
                        + " | after SIGSTOP %.1f s"
                        + " | SIGTERM mid-cycle of %s: not ready after %.1f s, source carried on by another replica after %.1f s,"
                        + " process exited after %.1f s%n",
                slowestTakeover.toMillis() / 1000.0, takeovers.stream().map(d -> "%.1f".formatted(d.toMillis() / 1000.0)).toList(),
                frozenTakeover.toMillis() / 1000.0,
                handover.source(), handover.notReady().toMillis() / 1000.0, handover.carriedOn().toMillis() / 1000.0,
                handover.exited().toMillis() / 1000.0);
        System.out.println("longest gap per source: " + gaps.entrySet().stream()
                .map(e -> e.getKey() + " " + e.getValue().toMillis() / 1000.0 + " s").collect(Collectors.joining(", ")));
        printTable("successful cycles per replica, " + REPLICAS + " replicas without faults",
                log.successesByReplica(sharedFrom, sharedTo));
        printTable("successful cycles per replica, chaos and settle", log.successesByReplica(chaosStart, settled));
        findings.examples().forEach(e -> System.out.println("  " + e));

        SoftAssertions checks = new SoftAssertions();
        checks.assertThat(findings.missing()).as("runs missing").isZero();
        checks.assertThat(findings.duplicated()).as("runs duplicated or not at the vendor").isZero();
        checks.assertThat(findings.stale()).as("runs stale").isZero();
        checks.assertThat(findings.lastRunWrong()).as("devices with a wrong last run").isZero();
        checks.assertThat(feedRead).as("the change feed as a reconnecting client read it: every change once, in order")
                .isEqualTo(feedStored);
        checks.assertThat(feedWrong).as("devices whose latest change is not their last run").isZero();
        checks.assertThat(esetRatio).as("ESET calls per cycle, %d replicas over one", REPLICAS).isLessThanOrEqualTo(CALL_BOUND);
        checks.assertThat(alibabaRatio).as("Alibaba calls per cycle, %d replicas over one", REPLICAS).isLessThanOrEqualTo(CALL_BOUND);
        checks.assertThat(windowRatio).as("vendor calls in the same window, %d replicas over one", REPLICAS)
                .isLessThanOrEqualTo(CALL_BOUND);
        checks.assertThat(takeovers).as("replicas killed mid-cycle").isNotEmpty();
        checks.assertThat(replica(handover.replica()).log()).as("the stopped replica's cycle ended at a page, abandoned")
                .content().contains("sync cycle source=" + handover.source() + " ").contains("outcome=abandoned");
        checks.assertThat(slowestTakeover).as("takeover after kill -9, within two poll intervals")
                .isLessThanOrEqualTo(POLL_INTERVAL.multipliedBy(2));
        checks.assertThat(frozenTakeover).as("takeover from a frozen replica: its lease (3 heartbeats), then two poll intervals")
                .isPositive().isLessThanOrEqualTo(HEARTBEAT.multipliedBy(3).plus(POLL_INTERVAL.multipliedBy(2)));
        checks.assertThat(handover.carriedOn()).as("a stopped replica's source carried on at once, not after a timeout")
                .isLessThanOrEqualTo(POLL_INTERVAL.multipliedBy(2));
        checks.assertThat(handover.notReady()).as("not ready before anything else").isLessThan(handover.exited());
        checks.assertThat(handover.exited()).as("exited within the pod's termination grace period")
                .isLessThanOrEqualTo(Duration.ofSeconds(40));
        checks.assertAll();
    }

    /** Both simulators reseeded, no rate limit, no faults, clocks frozen at the wall clock. */
    private static void freshVendors() {
        RestAssured.given().queryParam("seed", SEED).queryParam("devices", 80).queryParam("tasks", 40)
                .post("/simulator/eset/admin/reset").then().statusCode(200);
        RestAssured.given().queryParam("seed", SEED).queryParam("entities", 60).queryParam("tasks", 400)
                .post("/simulator/alibaba/admin/reset").then().statusCode(200);
        faultsOff();
    }

    private static void faultsOn() {
        ESET.faults(Map.of("rateLimitPerSecond", 15, "throttle", chance(0.05), "serverError", chance(0.05),
                "timeout", chance(0.03), "deferred", chance(0.1), "slow", chance(0.03), "slowDelayMillis", 2500));
        ALIBABA.faults(Map.of("rateLimitPerSecond", 20, "throttle", chance(0.05), "serverError", chance(0.05),
                "slow", chance(0.03), "slowDelayMillis", 2500));
    }

    private static void faultsOff() {
        ESET.faults(Map.of("rateLimitPerSecond", 0, "throttle", chance(0), "serverError", chance(0),
                "timeout", chance(0), "deferred", chance(0), "slow", chance(0)));
        ALIBABA.faults(Map.of("rateLimitPerSecond", 0, "throttle", chance(0), "serverError", chance(0),
                "slow", chance(0), "arrivals", 0));
    }

    private static Map<String, Object> chance(double probability) {
        return Map.of("probability", probability, "next", 0);
    }

    /** What every replica runs with: the shared database, four sources on the simulators, quick retries. */
    private Map<String, String> replicaProperties(String jdbcUrl, int simulatorPort) {
        String simulators = "http://localhost:" + simulatorPort;
        Map<String, String> p = new LinkedHashMap<>(SimulatorSources.database(jdbcUrl));
        p.put("taskruns.auth.enabled", "false"); // the replicas' API is read by this test only
        ESET_SOURCES.forEach(id -> p.putAll(SimulatorSources.eset(id, simulators, POLL_INTERVAL)));
        ALIBABA_SOURCES.forEach(id -> p.putAll(SimulatorSources.alibaba(id, simulators, POLL_INTERVAL)));
        // failures back off from the poll interval; capped low so the settle phase is not spent waiting
        p.put("taskruns.sync.max-backoff", "8s");
        // with 2 s polls, a source left by a dead replica is taken over within two poll intervals
        p.put("taskruns.sync.takeover-delay", "1s");
        // a frozen replica's lease runs out after three heartbeats
        p.put("taskruns.sync.heartbeat", HEARTBEAT.toMillis() + "ms");
        // and its lock session counts as silent after two keep-alives
        p.put("taskruns.sync.lock-keep-alive", HEARTBEAT.toMillis() + "ms");
        p.put("quarkus.shutdown.delay", "1s");
        for (String vendor : List.of("eset", "alibaba")) {
            p.put("taskruns." + vendor + ".requests-per-second", "10");
            p.put("taskruns." + vendor + ".retry-delay", "100ms");
            p.put("taskruns." + vendor + ".max-retry-delay", "2s");
            p.put("taskruns." + vendor + ".connect-timeout", "1s");
            // shorter than the simulators' slow answers (2.5 s): those become client timeouts
            p.put("taskruns." + vendor + ".read-timeout", "2s");
        }
        p.put("taskruns.eset.poll-delay", "50ms");
        p.put("taskruns.eset.max-poll-delay", "500ms");
        p.put("taskruns.alibaba.lag", "2s");
        // the simulator seeds 30 days of tasks: read all of them
        p.put("taskruns.alibaba.backfill", "45d");
        return p;
    }

    /** Vendor calls (every answer, token calls included) and cycles (all replicas) over one window. */
    private Costs measure() throws IOException, InterruptedException {
        long esetBefore = ESET.calls();
        long alibabaBefore = ALIBABA.calls();
        Instant from = Instant.now();
        Thread.sleep(COST_WINDOW.toMillis());
        long esetCalls = ESET.calls() - esetBefore;
        long alibabaCalls = ALIBABA.calls() - alibabaBefore;
        Instant to = Instant.now();
        Thread.sleep(CYCLES_END.toMillis()); // the cycles running at the window's end have logged their times
        CycleLog log = CycleLog.read(replicas);
        return new Costs(new Cost(esetCalls, log.cyclesWithin(from, to, ESET_SOURCES)),
                new Cost(alibabaCalls, log.cyclesWithin(from, to, ALIBABA_SOURCES)));
    }

    /**
     * Every {@link #KILL_EVERY}: the replica holding a source's lock is killed and started again at
     * once, except half-way through, when PostgreSQL goes down for {@link #DATABASE_DOWN} instead.
     * Alibaba tasks arrive while pages are read in every other step only: on every call, no window
     * of more than one page could ever hold still. A replica that died by itself (a start that
     * met the database down) is started again, as an orchestrator would. Returns the kills.
     */
    private int runChaos(ChaosDatabase db, Instant start) throws Exception {
        Random random = new Random(SEED);
        int kills = 0;
        int steps = (int) (CHAOS.toMillis() / KILL_EVERY.toMillis());
        for (int step = 1; step <= steps; step++) {
            ALIBABA.faults(Map.of("arrivals", step % 2));
            Thread.sleep(Math.max(0, Duration.between(Instant.now(), start.plus(KILL_EVERY.multipliedBy(step))).toMillis()));
            for (Replica replica : replicas) {
                if (!replica.isAlive()) {
                    System.out.printf("chaos +%ds: %s had exited, started again%n", seconds(start), replica.name());
                    replica.start();
                }
            }
            if (step == (steps + 1) / 2) {
                System.out.printf("chaos +%ds: PostgreSQL restarts (down %d s)%n", seconds(start), DATABASE_DOWN.toSeconds());
                db.restart(DATABASE_DOWN);
            } else if (step == 2) {
                freezeMidCycle(db, start);
            } else if (killMidCycle(db, random, start)) {
                kills++;
            }
        }
        return kills;
    }

    private static long seconds(Instant since) {
        return Duration.between(since, Instant.now()).toSeconds();
    }

    /**
     * SIGSTOP for a replica mid-cycle: alive, its sessions and locks kept by PostgreSQL, doing nothing
     * (a long pause, a frozen VM). Its lease runs out and another replica ends its lock session and
     * takes the source over; woken up (SIGCONT) it must not write over that replica.
     */
    private void freezeMidCycle(ChaosDatabase db, Instant start) throws Exception {
        Map.Entry<String, String> victim = someLockHolder(db);
        if (victim == null) {
            System.out.println("chaos: no replica held a sync lock for 3 s, nobody frozen");
            return;
        }
        Replica replica = replica(victim.getValue());
        Instant frozen = Instant.now();
        replica.pause(true);
        frozenTakeover = nextCycleOf(db, victim.getKey(), frozen);
        replica.pause(false);
        System.out.printf("chaos +%ds: SIGSTOP %s (mid-cycle of %s); another replica took the source over after %.1f s; SIGCONT%n",
                seconds(start), replica.name(), victim.getKey(), frozenTakeover.toMillis() / 1000.0);
    }

    /** SIGKILL for a replica that holds some source's sync lock right now (waits up to 3 s for one), then a restart. */
    private boolean killMidCycle(ChaosDatabase db, Random random, Instant start) throws InterruptedException {
        List<Map.Entry<String, String>> holders = lockHolders(db);
        if (holders.isEmpty()) {
            System.out.println("chaos: no replica held a sync lock for 3 s, nobody killed");
            return false;
        }
        Map.Entry<String, String> victim = holders.get(random.nextInt(holders.size()));
        Replica replica = replica(victim.getValue());
        Instant killed = Instant.now();
        replica.kill();
        replica.start();
        Duration takeover = nextCycleOf(db, victim.getKey(), killed);
        takeovers.add(takeover);
        System.out.printf("chaos +%ds: kill -9 %s (mid-cycle of %s), restarted; another replica took the source over after %.1f s%n",
                seconds(start), replica.name(), victim.getKey(), takeover.toMillis() / 1000.0);
        return true;
    }

    private Map.Entry<String, String> someLockHolder(ChaosDatabase db) throws InterruptedException {
        List<Map.Entry<String, String>> holders = lockHolders(db);
        return holders.isEmpty() ? null : holders.getFirst();
    }

    /** (source, replica) for each source whose lock a live replica holds; waits up to 3 s for one. */
    private List<Map.Entry<String, String>> lockHolders(ChaosDatabase db) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                List<Map.Entry<String, String>> holders = db.lockHolders(SOURCES).entrySet().stream()
                        .filter(e -> replica(e.getValue()) != null && replica(e.getValue()).isAlive()).toList();
                if (!holders.isEmpty()) {
                    return holders;
                }
            } catch (SQLException e) {
                // the database is still coming back
            }
            Thread.sleep(100);
        }
        return List.of();
    }

    /** What stopping a replica cleanly (SIGTERM) mid-cycle took, from the signal. */
    private record Handover(String replica, String source, Duration notReady, Duration carriedOn, Duration exited) {
    }

    /**
     * SIGTERM for a replica mid-cycle, as Kubernetes stops a pod: it must turn not ready at once, its
     * source must go on on another replica at once (not after a lock or lease timeout), and it must
     * exit within the grace period. It is started again afterwards.
     */
    private Handover stopOneMidCycle(ChaosDatabase db) throws Exception {
        Map.Entry<String, String> busy = someLockHolder(db);
        assertThat(busy).as("some replica mid-cycle").isNotNull();
        Replica replica = replica(busy.getValue());
        Instant signalled = Instant.now();
        replica.terminate();
        Duration notReady = null;
        while (notReady == null && Duration.between(signalled, Instant.now()).toSeconds() < 10) {
            if (!replica.ready()) {
                notReady = Duration.between(signalled, Instant.now());
            }
            Thread.sleep(20);
        }
        Duration carriedOn = nextCycleOf(db, busy.getKey(), signalled);
        assertThat(replica.awaitExit(Duration.ofSeconds(60))).as(replica.name() + " exits after SIGTERM").isTrue();
        Duration exited = Duration.between(signalled, Instant.now());
        System.out.printf("SIGTERM %s mid-cycle of %s%n", replica.name(), busy.getKey());
        replica.start();
        replica.awaitReady(START_TIMEOUT);
        return new Handover(replica.name(), busy.getKey(), notReady == null ? exited : notReady, carriedOn, exited);
    }

    /** How long after {@code since} a cycle of {@code source} started (30 s at most). */
    private static Duration nextCycleOf(ChaosDatabase db, String source, Instant since) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                Instant started = db.lastSyncStarted(source);
                if (started != null && started.isAfter(since)) {
                    return Duration.between(since, started);
                }
            } catch (SQLException e) {
                // coming back
            }
            Thread.sleep(100);
        }
        return Duration.ofSeconds(30);
    }

    private Replica replica(String name) {
        return replicas.stream().filter(r -> r.name().equals(name)).findFirst().orElse(null);
    }

    /** Until every source has {@code count} successful cycles that started after {@code after}. */
    private void awaitSuccesses(Instant after, int count, Duration timeout, String what) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, Long> successes;
        do {
            Thread.sleep(500);
            successes = CycleLog.read(replicas).successesStartedAfter(after, SOURCES);
            if (successes.values().stream().allMatch(n -> n >= count)) {
                return;
            }
        } while (System.nanoTime() < deadline);
        throw new AssertionError(what + ": not every source had " + count + " successful cycles within " + timeout
                + ", successes " + successes + ", sources " + replicas.stream().filter(Replica::isAlive).findFirst()
                .map(r -> r.get("/api/v1/sources")).orElse("(no replica up)"));
    }

    private StoreAudit.Findings audit(ChaosDatabase db) throws SQLException {
        Map<String, StoreAudit.Expected> eset = StoreAudit.eset(ESET.groundTruth());
        Map<String, StoreAudit.Expected> alibaba = StoreAudit.alibaba(ALIBABA.groundTruth());
        Map<String, Map<String, StoreAudit.Expected>> expected = new LinkedHashMap<>();
        ESET_SOURCES.forEach(s -> expected.put(s, eset));
        ALIBABA_SOURCES.forEach(s -> expected.put(s, alibaba));
        return StoreAudit.compare(expected, db.runs(), db.lastRuns());
    }

    private void printTable(String title, Map<String, Map<String, Long>> table) {
        System.out.println(title + ":");
        System.out.printf("  %-10s%s%n", "", SOURCES.stream().map(s -> "%7s".formatted(s)).collect(Collectors.joining()));
        replicas.stream().map(Replica::name).sorted(Comparator.naturalOrder()).forEach(name -> System.out.printf(
                "  %-10s%s   (started %dx)%n", name, SOURCES.stream()
                        .map(s -> "%7d".formatted(table.getOrDefault(name, Map.of()).getOrDefault(s, 0L)))
                        .collect(Collectors.joining()), replica(name).starts()));
    }
}
