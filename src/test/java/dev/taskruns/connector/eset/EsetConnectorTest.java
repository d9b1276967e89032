package dev.taskruns.connector.eset;

import dev.taskruns.connector.VendorApiException;
import dev.taskruns.support.FakeSyncContext;
import dev.taskruns.support.MutableClock;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taskruns.config.SourceDefinition;
import dev.taskruns.store.RunStatus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.taskruns.connector.eset.EsetRunMapperTest.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The incremental sync, with ESET and the engine faked in memory. */
class EsetConnectorTest {

    private static final Instant NOW = Instant.parse("2025-03-01T12:00:00Z");
    private static final String LONG_AGO = "2025-02-01T10:00:00Z";
    private static final JsonNode MANUAL = json("{\"manual\":{\"createTime\":\"2025-02-01T09:00:00Z\"}}");

    private final FakeEsetApi eset = new FakeEsetApi();
    private final FakeSyncContext context = new FakeSyncContext();
    private final MutableClock clock = new MutableClock(NOW);
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final SourceDefinition source = EsetTestConfig.source("eseteu");
    private final EsetConnector connector = new EsetConnector(s -> eset, EsetTestConfig.settings(), clock, registry);

    private static EsetTask task(String uuid, JsonNode... triggers) {
        return new EsetTask(uuid, "Task " + uuid, List.of(triggers), "2025-02-01T09:00:00Z", "2025-02-01T09:00:00Z");
    }

    private static JsonNode run(String uuid, String device, String status, String start) {
        return json("""
                {"uuid":"%s","deviceUuid":"%s","status":"TASK_RUN_STATUS_%s","startTime":"%s"}"""
                .formatted(uuid, device, status, start));
    }

    private void addTask(EsetTask task, JsonNode... runs) {
        eset.tasks.add(task);
        eset.runs.put(task.uuid(), new ArrayList<>(List.of(runs)));
    }

    private TaskCheckpoint checkpoint(String taskUuid) {
        return TaskCheckpoint.fromJson(context.checkpoints.get(TaskCheckpoint.scope(taskUuid)));
    }

    private void syncAgainAfter(Duration later) {
        clock.advance(later);
        context.clearLog();
        eset.runListings.clear();
        connector.sync(source, context);
    }

    @Test
    void theFirstSyncBackfillsEveryTaskPageByPageWithTheCheckpointOnTheLastPage() {
        eset.deviceNames.put("d1", "PC-1");
        addTask(task("t1", MANUAL), run("r1", "d1", "FINISHED", LONG_AGO), run("r2", "d2", "FAILED", LONG_AGO),
                run("r3", "d3", "SUPPRESSED", LONG_AGO));
        addTask(task("t2", MANUAL), run("r4", "d1", "FINISHED", LONG_AGO));

        connector.sync(source, context);

        assertThat(context.runs).containsOnlyKeys("r1", "r2", "r3", "r4");
        assertThat(context.commits).containsExactly(
                new FakeSyncContext.Commit(List.of("r1", "r2"), List.of("progress:t1")),
                new FakeSyncContext.Commit(List.of("r3"), List.of("progress:t1", "task:t1")),
                new FakeSyncContext.Commit(List.of("r4"), List.of("task:t2")));
        assertThat(context.runs.get("r1").deviceName()).isEqualTo("PC-1");
        assertThat(context.runs.get("r1").taskName()).isEqualTo("Task t1");
        assertThat(context.runs.get("r2").deviceName()).isNull();
        assertThat(checkpoint("t1")).isEqualTo(new TaskCheckpoint(true, false, false, NOW,
                Instant.parse(LONG_AGO), "2025-02-01T09:00:00Z", "Task t1"));
    }

    @Test
    void tasksMostLikelyToHaveChangedAreReadFirst() {
        JsonNode recurring = json("{\"schedule\":{}}"); // never settles, so every task here is read each cycle
        addTask(task("quiet", recurring), run("r1", "d1", "FINISHED", "2025-02-20T10:00:00Z"));
        addTask(task("recent", recurring), run("r2", "d1", "FINISHED", "2025-03-01T11:00:00Z"));
        addTask(task("running", recurring), run("r3", "d1", "RUNNING", "2025-02-25T10:00:00Z"));
        addTask(task("never-ran", recurring));
        connector.sync(source, context);
        assertThat(eset.runListings).containsExactly("quiet", "recent", "running", "never-ran");
        assertThat(checkpoint("running").unfinished()).isTrue();
        assertThat(checkpoint("recent").unfinished()).isFalse();

        addTask(task("new", recurring), run("r4", "d2", "QUEUED", "2025-03-01T11:30:00Z"));
        syncAgainAfter(Duration.ofMinutes(1));

        // new task, unfinished runs, then newest activity first (a task without runs has its own times)
        assertThat(eset.runListings).containsExactly("new", "running", "recent", "quiet", "never-ran");
    }

    @Test
    void pagesOfSeveralTasksAreCommittedTogetherOnceTheyHoldCommitRunsRuns() {
        EsetConnector gathering = committingEvery(3);
        addTask(task("t1", MANUAL), run("r1", "d1", "FINISHED", LONG_AGO), run("r2", "d2", "FINISHED", LONG_AGO),
                run("r3", "d3", "FINISHED", LONG_AGO));
        addTask(task("t2", MANUAL), run("r4", "d1", "FINISHED", LONG_AGO));
        addTask(task("t3", MANUAL), run("r5", "d1", "FINISHED", LONG_AGO));

        gathering.sync(source, context);

        // t1's two pages (2 + 1 runs) reach 3: one commit, its progress removed with its last page;
        // t2 and t3 are written at the end of the cycle
        assertThat(context.commits).containsExactly(
                new FakeSyncContext.Commit(List.of("r1", "r2", "r3"), List.of("progress:t1", "task:t1")),
                new FakeSyncContext.Commit(List.of("r4", "r5"), List.of("task:t2", "task:t3")));
        assertThat(context.checkpoints).containsOnlyKeys("task:t1", "task:t2", "task:t3");
        assertThat(checkpoint("t3").settled()).isTrue();
    }

    @Test
    void aTaskThatCannotBeReadStillLetsTheGatheredPagesBeforeItBeWritten() {
        EsetConnector gathering = committingEvery(1000);
        for (String uuid : List.of("t1", "a", "b", "c")) {
            addTask(task(uuid, MANUAL), run("r" + uuid, "d1", "FINISHED", LONG_AGO));
        }
        eset.failing.addAll(List.of("a", "b", "c"));

        assertThatThrownBy(() -> gathering.sync(source, context)).hasMessageContaining("3 tasks in a row");

        assertThat(context.commits).containsExactly(new FakeSyncContext.Commit(List.of("rt1"), List.of("task:t1")));
    }

    @Test
    void aCrashLosesOnlyTheGatheredPagesWithTheirCheckpointsSoTheyAreReadAgain() {
        EsetConnector gathering = committingEvery(2);
        for (String uuid : List.of("t1", "t2", "t3", "t4")) {
            addTask(task(uuid, MANUAL), run("r" + uuid, "d1", "FINISHED", LONG_AGO));
        }
        context.failOnCommit = 2;

        assertThatThrownBy(() -> gathering.sync(source, context)).hasMessage("crash");
        assertThat(context.runs).containsOnlyKeys("rt1", "rt2");
        assertThat(context.checkpoints).containsOnlyKeys("task:t1", "task:t2");

        context.failOnCommit = -1;
        syncAgainAfter(Duration.ofHours(1));
        assertThat(eset.runListings).containsExactly("t3", "t4");
        assertThat(context.checkpoints).containsOnlyKeys("task:t1", "task:t2", "task:t3", "task:t4");
    }

    /** A connector that commits once its gathered pages hold {@code runs} runs. */
    private EsetConnector committingEvery(int runs) {
        return new EsetConnector(s -> eset, EsetTestConfig.settings(Map.of("taskruns.eset.commit-runs",
                Integer.toString(runs))), clock, registry);
    }

    @Test
    void settledTasksAreSkippedUntilTheirRecheckIsDue() {
        addTask(task("t1", MANUAL), run("r1", "d1", "FINISHED", LONG_AGO));
        connector.sync(source, context);

        syncAgainAfter(Duration.ofHours(1));
        assertThat(eset.runListings).isEmpty();
        assertThat(context.commits).isEmpty();
        assertThat(registry.counter("taskruns.eset.tasks", "source", "eseteu", "outcome", "skipped_settled").count()).isEqualTo(1);

        syncAgainAfter(Duration.ofHours(24));
        assertThat(eset.runListings).containsExactly("t1");
        assertThat(checkpoint("t1").lastCheckedAt()).isEqualTo(clock.instant());
    }

    @Test
    void rechecksOfTasksSettledTogetherAreSpreadOverTheLastQuarterOfTheInterval() {
        for (int i = 0; i < 40; i++) {
            addTask(task("t" + i, MANUAL), run("r" + i, "d1", "FINISHED", LONG_AGO));
        }
        connector.sync(source, context);

        syncAgainAfter(Duration.ofHours(20));
        List<String> early = List.copyOf(eset.runListings);
        syncAgainAfter(Duration.ofHours(4));

        assertThat(early).hasSizeBetween(1, 39);
        assertThat(eset.runListings).doesNotContainAnyElementsOf(early).hasSize(40 - early.size());
    }

    @Test
    void activeTasksAreReadEveryCycleUntilTheirRunsAreFinalAndOld() {
        addTask(task("t1", MANUAL), run("r1", "d1", "RUNNING", "2025-03-01T11:00:00Z"));
        connector.sync(source, context);
        assertThat(checkpoint("t1").settled()).isFalse();

        eset.runs.get("t1").set(0, json("""
                {"uuid":"r1","deviceUuid":"d1","status":"TASK_RUN_STATUS_FINISHED",\
                "startTime":"2025-03-01T11:00:00Z","endTime":"2025-03-01T12:30:00Z"}"""));
        syncAgainAfter(Duration.ofHours(1));
        assertThat(eset.runListings).containsExactly("t1");
        assertThat(context.runs.get("r1").status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(checkpoint("t1").settled()).as("final, but within the horizon").isFalse();

        syncAgainAfter(Duration.ofHours(24));
        assertThat(eset.runListings).containsExactly("t1");
        assertThat(checkpoint("t1").settled()).isTrue();

        syncAgainAfter(Duration.ofHours(1));
        assertThat(eset.runListings).isEmpty();
    }

    @Test
    void aTaskWithoutRunsYetStaysActiveWhileItIsNew() {
        eset.tasks.add(new EsetTask("t1", "New", List.of(MANUAL), "2025-03-01T11:59:00Z", "2025-03-01T11:59:00Z"));
        eset.runs.put("t1", new ArrayList<>());

        connector.sync(source, context);

        assertThat(context.commits).containsExactly(new FakeSyncContext.Commit(List.of(), List.of("task:t1")));
        assertThat(checkpoint("t1").settled()).isFalse();
    }

    @Test
    void recurringTasksAndUnexpiredManualTriggersNeverSettle() {
        addTask(task("cron", json("{\"schedule\":{\"cron\":\"0 3 * * *\"}}")), run("r1", "d1", "FINISHED", LONG_AGO));
        addTask(task("open", json("{\"manual\":{\"expireTime\":\"2025-04-01T00:00:00Z\"}}")), run("r2", "d1", "FINISHED", LONG_AGO));
        connector.sync(source, context);

        syncAgainAfter(Duration.ofHours(1));

        assertThat(eset.runListings).containsExactly("cron", "open");
        assertThat(checkpoint("cron").settled()).isFalse();
        assertThat(checkpoint("open").settled()).isFalse();
    }

    @Test
    void anEditedSettledTaskIsReadAgainAtOnce() {
        addTask(task("t1", MANUAL), run("r1", "d1", "FINISHED", LONG_AGO));
        connector.sync(source, context);

        eset.tasks.set(0, new EsetTask("t1", "Task t1", List.of(MANUAL), "2025-02-01T09:00:00Z", "2025-03-01T12:10:00Z"));
        eset.runs.get("t1").add(run("r2", "d9", "QUEUED", "2025-03-01T12:10:00Z"));
        syncAgainAfter(Duration.ofMinutes(15));

        assertThat(eset.runListings).containsExactly("t1");
        assertThat(context.runs).containsKey("r2");
        assertThat(context.runs.get("r2").status()).isEqualTo(RunStatus.PENDING);
    }

    @Test
    void aDeletedTaskIsReadOnceMoreThenLeftAlone() {
        addTask(task("t1", json("{\"schedule\":{}}")), run("r1", "d1", "RUNNING", "2025-03-01T11:00:00Z"));
        connector.sync(source, context);

        eset.tasks.clear();
        eset.runs.get("t1").set(0, run("r1", "d1", "FAILED", "2025-03-01T11:00:00Z"));
        syncAgainAfter(Duration.ofMinutes(1));
        assertThat(eset.runListings).containsExactly("t1");
        assertThat(context.runs.get("r1").status()).isEqualTo(RunStatus.FAILED);
        assertThat(context.runs.get("r1").taskName()).as("name kept from the checkpoint").isEqualTo("Task t1");
        assertThat(checkpoint("t1").deleted()).isTrue();
        assertThat(checkpoint("t1").settled()).as("its run ended within the horizon: looked at again").isFalse();

        syncAgainAfter(Duration.ofDays(3));
        assertThat(eset.runListings).containsExactly("t1");
        assertThat(checkpoint("t1").settled()).isTrue();

        syncAgainAfter(Duration.ofDays(3));
        assertThat(eset.runListings).isEmpty();
    }

    @Test
    void runsADeletedTaskLeftUnfinishedAreFollowedUntilTheyEnd() {
        addTask(task("t1", MANUAL), run("r1", "d1", "RUNNING", LONG_AGO));
        connector.sync(source, context);

        eset.tasks.clear();
        syncAgainAfter(Duration.ofMinutes(1));
        assertThat(checkpoint("t1").settled()).isFalse();

        eset.runs.get("t1").set(0, run("r1", "d1", "FINISHED", LONG_AGO));
        syncAgainAfter(Duration.ofMinutes(1));
        assertThat(eset.runListings).containsExactly("t1");
        assertThat(context.runs.get("r1").status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(checkpoint("t1").settled()).isTrue();

        syncAgainAfter(Duration.ofMinutes(1));
        assertThat(eset.runListings).isEmpty();
    }

    @Test
    void aDeletedTaskWhoseRunsAreGoneToo404IsMarkedWithoutFailingTheCycle() {
        addTask(task("t1", MANUAL), run("r1", "d1", "RUNNING", "2025-03-01T11:00:00Z"));
        connector.sync(source, context);

        eset.tasks.clear();
        eset.runs.remove("t1");
        syncAgainAfter(Duration.ofMinutes(1));

        assertThat(context.commits).containsExactly(new FakeSyncContext.Commit(List.of(), List.of("task:t1")));
        assertThat(checkpoint("t1").deleted()).isTrue();
    }

    @Test
    void badRunsAreReportedAndSkippedWhileTheRestOfThePageIsStored() {
        addTask(task("t1", MANUAL), json("{\"deviceUuid\":\"d1\",\"startTime\":\"" + LONG_AGO + "\"}"),
                run("r2", "d2", "FINISHED", LONG_AGO),
                json("{\"uuid\":\"r3\",\"deviceUuid\":\"d3\",\"status\":\"TASK_RUN_STATUS_QUEUED\"}"));

        connector.sync(source, context);

        assertThat(context.runs).containsOnlyKeys("r2");
        assertThat(context.badRecords).as("the run without uuid; a queued run without times is not broken")
                .hasSize(1).allSatisfy(d -> assertThat(d).contains("eseteu").contains("t1"));
        assertThat(registry.counter("taskruns.eset.runs.not.started", "source", "eseteu").count()).isEqualTo(1);
        assertThat(checkpoint("t1").settled()).as("a queued run, even unstorable, keeps the task active").isFalse();
    }

    @Test
    void unknownStatusesAreStoredAndKeepTheTaskActive() {
        addTask(task("t1", MANUAL), run("r1", "d1", "PAUSED", LONG_AGO));

        connector.sync(source, context);

        assertThat(context.runs.get("r1").status()).isEqualTo(RunStatus.UNKNOWN);
        assertThat(checkpoint("t1").settled()).isFalse();
    }

    @Test
    void failingDeviceLookupsDoNotFailTheSyncAndAreNotRepeatedWithinTheTtl() {
        eset.devicesFail = true;
        addTask(task("t1", MANUAL), run("r1", "d1", "FINISHED", LONG_AGO));
        addTask(task("t2", MANUAL), run("r2", "d1", "FINISHED", LONG_AGO));

        connector.sync(source, context);

        assertThat(context.runs).containsOnlyKeys("r1", "r2");
        assertThat(eset.deviceCalls).isEqualTo(1);
        assertThat(registry.counter("taskruns.eset.device.lookups", "source", "eseteu", "outcome", "failure").count()).isEqualTo(1);
    }

    @Test
    void aCrashBetweenPagesResumesAtTheNextPageSoAtMostOnePageIsReadTwice() {
        addTask(task("t1", MANUAL), run("r1", "d1", "FINISHED", LONG_AGO), run("r2", "d2", "FINISHED", LONG_AGO),
                run("r3", "d3", "FINISHED", LONG_AGO), run("r4", "d4", "FINISHED", LONG_AGO),
                run("r5", "d5", "FINISHED", LONG_AGO));
        context.failOnCommit = 2;

        assertThatThrownBy(() -> connector.sync(source, context)).hasMessage("crash");
        assertThat(context.runs).containsOnlyKeys("r1", "r2");
        assertThat(context.checkpoints).as("no task checkpoint before its last page, only where to go on")
                .containsOnlyKeys("progress:t1");

        context.failOnCommit = -1;
        syncAgainAfter(Duration.ofMinutes(1));
        assertThat(eset.runStarts).containsExactly(null, "t1@1");
        assertThat(context.runs).containsOnlyKeys("r1", "r2", "r3", "r4", "r5");
        assertThat(checkpoint("t1").settled()).as("tallies of the pages before the crash still count").isTrue();
        assertThat(context.checkpoints).doesNotContainKey("progress:t1");
    }

    @Test
    void aSavedPageTokenTheVendorRefusesMeansReadingTheTaskFromTheStart() {
        addTask(task("t1", MANUAL), run("r1", "d1", "FINISHED", LONG_AGO), run("r2", "d2", "FINISHED", LONG_AGO),
                run("r3", "d3", "FINISHED", LONG_AGO));
        context.checkpoints.put("progress:t1", new TaskProgress("expired-token", true, null).toJson());

        connector.sync(source, context);

        assertThat(eset.runStarts).containsExactly((String) null);
        assertThat(context.runs).containsOnlyKeys("r1", "r2", "r3");
        assertThat(context.checkpoints).containsOnlyKeys("task:t1");
    }

    @Test
    void aTaskThatCannotBeReadDoesNotStarveTheOthersButFailsTheCycle() {
        addTask(task("t1", MANUAL), run("r1", "d1", "FINISHED", LONG_AGO));
        addTask(task("bad", MANUAL), run("r2", "d1", "FINISHED", LONG_AGO));
        addTask(task("t3", MANUAL), run("r3", "d1", "FINISHED", LONG_AGO));
        eset.failing.add("bad");

        assertThatThrownBy(() -> connector.sync(source, context)).isInstanceOf(VendorApiException.class)
                .hasMessageContaining("1 task(s)").hasMessageContaining("bad");

        assertThat(context.runs).containsOnlyKeys("r1", "r3");
        assertThat(context.checkpoints).containsOnlyKeys("task:t1", "task:t3");
    }

    @Test
    void severalTasksFailingInARowStopTheCycle() {
        for (String uuid : List.of("a", "b", "c", "d")) {
            addTask(task(uuid, MANUAL), run("r" + uuid, "d1", "FINISHED", LONG_AGO));
            eset.failing.add(uuid);
        }

        assertThatThrownBy(() -> connector.sync(source, context)).hasMessageContaining("3 tasks in a row");
        assertThat(eset.runListings).containsExactly("a", "b", "c");
    }

    /** Fields that keep a run above 64 KiB of JSON even after each string is cut to 4 KiB. */
    private static String huge() {
        StringBuilder fields = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            fields.append(",\"f").append(i).append("\":\"").append("x".repeat(5000)).append('"');
        }
        return fields.toString();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "time of the wrong type     | {\"uuid\":\"p\",\"deviceUuid\":\"d9\",\"startTime\":12}              | run p has an unreadable startTime 12",
            "device id of the wrong type| {\"uuid\":\"p\",\"deviceUuid\":{},\"startTime\":\"2025-02-01T10:00:00Z\"} | run p has an unreadable deviceUuid",
            "run id of the wrong type   | {\"uuid\":[],\"deviceUuid\":\"d9\",\"startTime\":\"2025-02-01T10:00:00Z\"}| run has an unreadable uuid",
            "status of the wrong type   | {\"uuid\":\"p\",\"deviceUuid\":\"d9\",\"status\":{},\"startTime\":\"2025-02-01T10:00:00Z\"} | run p has an unreadable status",
            "missing device id          | {\"uuid\":\"p\",\"startTime\":\"2025-02-01T10:00:00Z\"}                  | run p without deviceUuid",
            "missing run id             | {\"deviceUuid\":\"d9\",\"startTime\":\"2025-02-01T10:00:00Z\"}           | run without uuid",
            "not an object              | 42                                                                          | run without uuid",
            "JSON null                  | null                                                                        | run without uuid",
            "time in a wrong format     | {\"uuid\":\"p\",\"deviceUuid\":\"d9\",\"startTime\":\"01/02/2025 10:00\"} | run p has an unreadable startTime 01/02/2025 10:00",
            "start in the year 9999     | {\"uuid\":\"p\",\"deviceUuid\":\"d9\",\"startTime\":\"9999-12-31T23:59:59Z\"} | run p: start 9999-12-31T23:59:59Z is more than 24 h ahead of now",
            "end in the year 9999       | {\"uuid\":\"p\",\"deviceUuid\":\"d9\",\"startTime\":\"2025-02-01T10:00:00Z\",\"endTime\":\"9999-12-31T23:59:59Z\"} | run p: end 9999-12-31T23:59:59Z is more than 24 h ahead of now",
            "year beyond 9999           | {\"uuid\":\"p\",\"deviceUuid\":\"d9\",\"startTime\":\"+10000-01-01T00:00:00Z\"} | run p: start +10000-01-01T00:00:00Z is more than 24 h ahead of now",
            "NUL in the device id       | {\"uuid\":\"p\",\"deviceUuid\":\"d\\u0000\",\"startTime\":\"2025-02-01T10:00:00Z\"} | run p: device id d\uFFFD holds a NUL character",
            "raw record over 64 KiB     | `{\"uuid\":\"p\",\"deviceUuid\":\"d9\",\"startTime\":\"2025-02-01T10:00:00Z\"HUGE}` | run p: record is",
    })
    void aPoisonRunIsABadRecordAndTheRestOfItsPageAndTheCheckpointAreStored(String poison, String json, String why) {
        addTask(task("t1", MANUAL), json(json.replace("HUGE", huge())), run("r2", "d2", "FINISHED", LONG_AGO),
                run("r3", "d3", "FINISHED", LONG_AGO));

        connector.sync(source, context);

        assertThat(context.runs).as(poison).containsOnlyKeys("r2", "r3");
        assertThat(context.badRecords).singleElement().asString().startsWith("ESET source eseteu, task t1: " + why)
                .hasSizeLessThan(300);
        assertThat(checkpoint("t1")).as("the task's pages still count as read").isNotNull();
        assertThat(context.checkpoints).doesNotContainKey("progress:t1");
    }

    @Test
    void aRunIdOfAMegabyteIsABadRecordQuotedShortly() {
        addTask(task("t1", MANUAL), run("r".repeat(1 << 20), "d1", "FINISHED", LONG_AGO), run("r2", "d2", "FINISHED", LONG_AGO));

        connector.sync(source, context);

        assertThat(context.runs).containsOnlyKeys("r2");
        assertThat(context.badRecords).singleElement().asString().endsWith("… is longer than 256 characters").hasSizeLessThan(200);
        assertThat(eset.deviceCalls).as("no lookup for the broken run's device").isEqualTo(1);
    }

    @Test
    void nulAndMegabyteTextIsStoredAlteredNotDropped() {
        eset.deviceNames.put("d1", "PC\0" + "n".repeat(1 << 20));
        eset.tasks.add(new EsetTask("t1", "Task\0", List.of(MANUAL), "2025-02-01T09:00:00Z", "2025-02-01T09:00:00\0Z"));
        eset.runs.put("t1", new ArrayList<>(List.of(json("""
                {"uuid":"r1","deviceUuid":"d1","status":"TASK_RUN_STATUS_FAIL\\u0000ED","startTime":"%s",\
                "result":{"message":"%s\\u0000"}}""".formatted(LONG_AGO, "m".repeat(1 << 20))))));

        connector.sync(source, context);

        var stored = context.runs.get("r1");
        assertThat(stored.deviceName()).startsWith("PC\uFFFDnnn").endsWith("…").hasSize(1024);
        assertThat(stored.taskName()).isEqualTo("Task\uFFFD");
        assertThat(stored.status()).as("not a status it knows").isEqualTo(RunStatus.UNKNOWN);
        assertThat(stored.vendorStatus()).isEqualTo("TASK_RUN_STATUS_FAIL\uFFFDED");
        assertThat(stored.raw().get("result").get("message").textValue()).hasSize(4096).endsWith("m…");
        assertThat(stored.raw().toString()).doesNotContain("\0");
        assertThat(context.badRecords).isEmpty();
        assertThat(checkpoint("t1").taskName()).as("checkpoints are jsonb too").isEqualTo("Task\uFFFD");
        assertThat(checkpoint("t1").taskUpdateTime()).doesNotContain("\0");
        assertThat(registry.counter("taskruns.vendor.records.altered", "source", "eseteu", "reason", "nul").count()).isEqualTo(1);
        assertThat(registry.counter("taskruns.vendor.records.altered", "source", "eseteu", "reason", "truncated").count()).isEqualTo(1);
    }

    @Test
    void aTaskWhoseUuidCannotKeyACheckpointIsABadRecordAndTheOthersAreRead() {
        addTask(task("t\0"), run("r1", "d1", "FINISHED", LONG_AGO));
        addTask(task("u".repeat(300)), run("r2", "d1", "FINISHED", LONG_AGO));
        addTask(task("t3", MANUAL), run("r3", "d1", "FINISHED", LONG_AGO));

        connector.sync(source, context);

        assertThat(context.runs).containsOnlyKeys("r3");
        assertThat(context.badRecords).containsExactly("ESET source eseteu: task uuid t\uFFFD holds a NUL character",
                "ESET source eseteu: task uuid " + "u".repeat(79) + "… is longer than 256 characters");
        assertThat(eset.runListings).containsExactly("t3");
    }

    @Test
    void aRunListedTwiceInOnePageIsStoredOnceAndShown() {
        addTask(task("t1", MANUAL), run("r1", "d1", "RUNNING", LONG_AGO), run("r1", "d1", "FINISHED", LONG_AGO),
                run("r3", "d3", "FINISHED", LONG_AGO));

        connector.sync(source, context);

        assertThat(context.commits.getFirst().runIds()).containsExactly("r1");
        assertThat(context.runs.get("r1").status()).as("the later copy").isEqualTo(RunStatus.SUCCEEDED);
        assertThat(context.runs).containsOnlyKeys("r1", "r3");
        assertThat(context.badRecords).containsExactly(
                "ESET source eseteu, task t1: run r1 listed twice in one page; kept the later copy");
    }

    @Test
    void anUnknownStatusIsStoredAsUnknownWithTheRestOfThePage() {
        addTask(task("t1", MANUAL), json("""
                {"uuid":"r1","deviceUuid":"d1","status":"TASK_RUN_STATUS_PAUSED","startTime":"%s"}""".formatted(LONG_AGO)),
                json("""
                {"uuid":"r2","deviceUuid":"d1","status":7,"startTime":"%s"}""".formatted(LONG_AGO)),
                run("r3", "d1", "FINISHED", LONG_AGO));

        connector.sync(source, context);

        assertThat(context.runs).containsOnlyKeys("r1", "r2", "r3");
        assertThat(context.runs.get("r1").status()).isEqualTo(RunStatus.UNKNOWN);
        assertThat(context.runs.get("r1").vendorStatus()).isEqualTo("TASK_RUN_STATUS_PAUSED");
        assertThat(context.runs.get("r2").status()).isEqualTo(RunStatus.UNKNOWN);
        assertThat(context.runs.get("r2").vendorStatus()).as("an enum number, as proto JSON allows").isEqualTo("7");
        assertThat(context.badRecords).isEmpty();
    }

    @Test
    void pagesOfOnlyBadRunsStillAdvanceSoTheyAreNotReadForever() {
        String broken = "{\"uuid\":\"p%d\",\"deviceUuid\":\"d1\",\"status\":\"TASK_RUN_STATUS_FINISHED\",\"startTime\":\"x\"}";
        addTask(task("t1", MANUAL), json(broken.formatted(1)), json(broken.formatted(2)), json(broken.formatted(3)));

        connector.sync(source, context);

        assertThat(context.runs).isEmpty();
        assertThat(context.badRecords).hasSize(3);
        assertThat(context.commits).containsExactly(new FakeSyncContext.Commit(List.of(), List.of("progress:t1")),
                new FakeSyncContext.Commit(List.of(), List.of("progress:t1", "task:t1")));
        assertThat(checkpoint("t1").settled()).isTrue();

        syncAgainAfter(Duration.ofHours(1));
        assertThat(eset.runListings).as("settled: not read again before its recheck").isEmpty();
    }

    @Test
    void anUnreadablePageFailsTheCycleKeepsWhatWasCommittedAndIsReadAgainNextCycle() {
        addTask(task("t1", MANUAL), run("r1", "d1", "FINISHED", LONG_AGO), run("r2", "d2", "FINISHED", LONG_AGO),
                run("r3", "d3", "FINISHED", LONG_AGO));
        addTask(task("t2", MANUAL), run("r4", "d1", "FINISHED", LONG_AGO));
        eset.unreadablePages.add("t1@1");

        assertThatThrownBy(() -> connector.sync(source, context)).isInstanceOf(VendorApiException.class)
                .hasMessage("ESET source eseteu: runs of 1 task(s) could not be read; first: ESET source eseteu: "
                        + "list runs of task t1 failed: unreadable answer (JsonEOFException)");
        assertThat(context.runs).as("the other task is still read").containsOnlyKeys("r1", "r2", "r4");
        Map<String, JsonNode> before = Map.copyOf(context.checkpoints);
        assertThat(before).containsOnlyKeys("progress:t1", "task:t2");

        eset.unreadablePages.clear();
        eset.runStarts.clear();
        syncAgainAfter(Duration.ofMinutes(1));
        assertThat(eset.runStarts).as("the failed page, not the whole task").containsExactly("t1@1");
        assertThat(context.runs).containsOnlyKeys("r1", "r2", "r3", "r4");
        assertThat(context.checkpoints).containsKey("task:t1").doesNotContainKey("progress:t1");
    }
}
