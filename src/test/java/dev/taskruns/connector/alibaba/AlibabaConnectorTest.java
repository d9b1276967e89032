package dev.taskruns.connector.alibaba;

import dev.taskruns.config.SourceDefinition;
import dev.taskruns.config.Vendor;
import dev.taskruns.connector.VendorApiException;
import dev.taskruns.store.RunStatus;
import dev.taskruns.support.FakeSyncContext;
import dev.taskruns.support.MutableClock;
import dev.taskruns.support.TestConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The windowing logic against DescribeProcessTasks in memory: what is read, how often, and what is stored. */
class AlibabaConnectorTest {

    private static final Instant NOW = Instant.parse("2026-11-01T12:00:00Z");
    private static final long DAY = Duration.ofDays(1).toMillis();
    private static final long MINUTE = 60_000;

    private final FakeProcessTasks vendor = new FakeProcessTasks();
    private final FakeSyncContext context = new FakeSyncContext();
    private final MutableClock clock = new MutableClock(NOW);
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final SourceDefinition source = new SourceDefinition("ali", Vendor.ALIBABA, true, Duration.ofSeconds(60));
    private AlibabaConnector connector = connector(Map.of());

    private AlibabaConnector connector(Map<String, String> overrides) {
        // every page on its own unless a test gathers them: most tests count pages and crashes by commit
        Map<String, String> properties = new HashMap<>(Map.of("taskruns.alibaba.page-size", "10", "taskruns.alibaba.lag", "0s",
                "taskruns.alibaba.commit-runs", "0"));
        properties.putAll(overrides);
        return new AlibabaConnector(s -> vendor, TestConfig.mapping(AlibabaSettings.class, properties), clock, registry);
    }

    private long now() {
        return clock.millis();
    }

    private void addTasks(int count, long from, long step) {
        for (int i = 0; i < count; i++) {
            vendor.add("t" + (from + i * step), from + i * step, 20, "203.0.113." + (i % 250));
        }
    }

    @Test
    void theFirstCycleBackfillsThirtyDaysInOneWindowAndStoresEveryTask() {
        addTasks(25, now() - 20 * DAY, MINUTE);
        vendor.add("old", now() - 40 * DAY, 20, "203.0.113.9"); // before the backfill horizon

        connector.sync(source, context);

        assertThat(context.runs).hasSize(25).doesNotContainKey("old");
        assertThat(vendor.windowCalls("ProcessAction")).isEqualTo(3); // 25 tasks, pages of 10
        assertThat(vendor.calls.getFirst()).containsEntry("OrderField", "gmtCreate").containsEntry("Direction", "asc")
                .containsEntry("ProcessActionStart", Long.toString(now() - 30 * DAY))
                .containsEntry("ProcessActionEnd", Long.toString(now()));
        assertThat(context.checkpoints.get(WindowCheckpoint.ACTIONS).toString())
                .isEqualTo("{\"readUpTo\":" + now() + "}");
        assertThat(context.runs.get("t" + (now() - 20 * DAY)).deviceId()).isEqualTo("ip:203.0.113.0");
    }

    @Test
    void aWindowWithTooManyTasksIsSplitUntilEachHalfFits() {
        connector = connector(Map.of("taskruns.alibaba.max-window-tasks", "8"));
        addTasks(30, now() - 10 * DAY, 6 * 3_600_000L);

        connector.sync(source, context);

        assertThat(context.runs).hasSize(30);
        assertThat(registry.counter("taskruns.alibaba.windows", "source", "ali", "outcome", "split").count()).isPositive();
        // every stored window held at most 8 tasks; windows were committed in ascending time order
        assertThat(context.commits).allSatisfy(commit -> assertThat(commit.runIds()).hasSizeLessThanOrEqualTo(8));
    }

    @Test
    void aTaskRecordedLateInsideAWindowBeingPagedMakesItBeReadAgainAndNothingIsSkipped() {
        addTasks(30, now() - DAY, MINUTE);
        // while page 2 is asked for, a task with an early ProcessTime appears: every later offset moves by one
        vendor.beforeCall = call -> {
            if (call == 2) {
                vendor.add("late", now() - DAY + 30_000, 20, "198.51.100.7");
            }
        };

        connector.sync(source, context);

        assertThat(context.runs).hasSize(31).containsKey("late");
        assertThat(registry.counter("taskruns.alibaba.windows", "source", "ali", "outcome", "reread").count()).isEqualTo(1);
    }

    @Test
    void aWindowThatNeverHoldsStillFailsTheCycleAndKeepsWhatWasCommitted() {
        addTasks(30, now() - DAY, MINUTE);
        vendor.beforeCall = call -> vendor.add("late" + call, now() - DAY + 1, 20, "198.51.100.7");

        assertThatThrownBy(() -> connector.sync(source, context)).isInstanceOf(VendorApiException.class)
                .hasMessageContaining("kept changing while paged");
        assertThat(context.checkpoints.get(WindowCheckpoint.ACTIONS).get("window")).isNotNull();
    }

    @Test
    void laterCyclesReadOnlyFromTheLastEndLessTheOverlap() {
        addTasks(25, now() - 20 * DAY, MINUTE);
        connector.sync(source, context);
        vendor.calls.clear();
        clock.advance(Duration.ofMinutes(1));
        vendor.add("new", now() - 1_000, 11, "203.0.113.200");

        connector.sync(source, context);

        assertThat(vendor.windowCalls("ProcessAction")).isEqualTo(1);
        assertThat(vendor.calls.getFirst()).containsEntry("ProcessActionStart",
                Long.toString(NOW.toEpochMilli() - Duration.ofMinutes(10).toMillis()));
        assertThat(context.runs.get("new").status()).isEqualTo(RunStatus.RUNNING);
    }

    @Test
    void aTaskStillHandlingIsFollowedUntilItsStatusIsFinalWithOneCallForTheChangedOnesOnly() {
        vendor.add("done-later", now() - 3 * DAY, 11, "203.0.113.1");
        vendor.add("still", now() - 2 * DAY, 11, "203.0.113.2");
        vendor.add("settled", now() - 2 * DAY + 1, 20, "203.0.113.3");
        connector.sync(source, context);
        assertThat(context.runs.get("done-later").status()).isEqualTo(RunStatus.RUNNING);

        clock.advance(Duration.ofHours(1));
        vendor.status("done-later", 90, now());
        vendor.calls.clear();
        connector.sync(source, context);

        assertThat(context.runs.get("done-later").status()).isEqualTo(RunStatus.FAILED);
        assertThat(context.runs.get("still").status()).isEqualTo(RunStatus.RUNNING);
        // actions window, removals window, one listing of the tasks still handling, one TaskId read
        assertThat(vendor.calls).hasSize(4);
        assertThat(vendor.calls.get(2)).containsEntry("TaskStatus", "[\"11\"]");
        assertThat(vendor.calls.get(3)).containsEntry("TaskId", "done-later");
    }

    @Test
    void aBlockReleasedWeeksLaterIsSeenThroughTheRemovalWindows() {
        vendor.add("block", now() - 20 * DAY, 21, "203.0.113.66");
        connector.sync(source, context);
        assertThat(context.runs.get("block").endedAt()).isNull();

        clock.advance(Duration.ofMinutes(5));
        vendor.release("block", now() - 1_000);
        connector.sync(source, context);

        assertThat(context.runs.get("block").vendorStatus()).isEqualTo("23");
        assertThat(context.runs.get("block").endedAt()).isEqualTo(Instant.ofEpochMilli(now() - 1_000));
    }

    @Test
    void aCycleThatDiesMidWindowResumesAtTheNextPage() {
        addTasks(35, now() - DAY, MINUTE);
        context.failOnCommit = 3;
        assertThatThrownBy(() -> connector.sync(source, context)).hasMessage("crash");
        assertThat(context.runs).hasSize(20);
        vendor.calls.clear();
        context.failOnCommit = -1;

        connector.sync(source, context);

        assertThat(context.runs).hasSize(35);
        assertThat(vendor.calls.getFirst()).containsEntry("PageNumber", "3").containsEntry("ProcessActionStart",
                Long.toString(now() - 30 * DAY));
    }

    @Test
    void pagesAreGatheredIntoOneCommitOfCommitRunsRunsWithTheLatestCheckpoint() {
        connector = connector(Map.of("taskruns.alibaba.commit-runs", "25"));
        addTasks(35, now() - DAY, MINUTE);

        connector.sync(source, context);

        // pages of 10: three reach 25 and are written with the window's checkpoint after the third;
        // the fourth, the last, is written when the stream ends, with the empty removals page
        assertThat(context.commits).extracting(commit -> commit.runIds().size()).containsExactly(30, 5);
        assertThat(context.commits).allSatisfy(commit -> assertThat(commit.scopes()).contains(WindowCheckpoint.ACTIONS));
        assertThat(context.runs).hasSize(35);
        assertThat(context.checkpoints.get(WindowCheckpoint.ACTIONS).toString()).isEqualTo("{\"readUpTo\":" + now() + "}");
    }

    @Test
    void aCrashLosesOnlyTheGatheredPagesAndTheNextCycleReadsThemAgainFromTheCommittedCheckpoint() {
        connector = connector(Map.of("taskruns.alibaba.commit-runs", "20"));
        addTasks(55, now() - DAY, MINUTE);
        context.failOnCommit = 2;

        assertThatThrownBy(() -> connector.sync(source, context)).hasMessage("crash");
        // pages 1 and 2 were committed with a checkpoint naming page 3; pages 3 and 4 were not
        assertThat(context.runs).hasSize(20);
        assertThat(context.checkpoints.get(WindowCheckpoint.ACTIONS).get("window").get("nextPage").asInt()).isEqualTo(3);
        vendor.calls.clear();
        context.failOnCommit = -1;

        connector.sync(source, context);

        assertThat(context.runs).hasSize(55);
        assertThat(vendor.calls.getFirst()).containsEntry("PageNumber", "3");
    }

    @Test
    void tasksStillHandlingAreLookedUpOnlyAfterWhatWasGatheredIsWritten() {
        connector = connector(Map.of("taskruns.alibaba.commit-runs", "1000"));
        vendor.add("handling", now() - 3 * DAY, 11, "203.0.113.1");
        connector.sync(source, context);
        clock.advance(Duration.ofHours(1));
        // read again by the removals stream (released), while the store still says handling
        vendor.release("handling", now() - 1_000);
        vendor.calls.clear();

        connector.sync(source, context);

        assertThat(context.runs.get("handling").vendorStatus()).isEqualTo("23");
        // the store already held the release when the tasks still handling were looked up: no TaskId read
        assertThat(vendor.calls).noneSatisfy(call -> assertThat(call).containsKey("TaskId"));
    }

    @Test
    void aRecordWithoutADeviceIsACountedBadRecordAndTheRestOfItsPageIsStored() {
        addTasks(3, now() - DAY, MINUTE);
        vendor.add("broken", now() - DAY + 10, 20, "203.0.113.5").remove("EntityName");

        connector.sync(source, context);

        assertThat(context.runs).hasSize(3).doesNotContainKey("broken");
        assertThat(context.badRecords).singleElement().asString().contains("broken");
    }

    @Test
    void aPageThatComesBackEmptyBeforeTheTotalIsReachedMakesTheWindowBeReadAgain() {
        addTasks(30, now() - DAY, MINUTE);
        vendor.emptyAnswers.add(2);

        connector.sync(source, context);

        assertThat(context.runs).hasSize(30);
        assertThat(registry.counter("taskruns.alibaba.windows", "source", "ali", "outcome", "reread").count()).isEqualTo(1);
    }

    @Test
    void aWindowLeftWithAnotherPageSizeIsReadFromItsFirstPage() {
        addTasks(35, now() - DAY, MINUTE);
        context.failOnCommit = 3;
        assertThatThrownBy(() -> connector.sync(source, context)).hasMessage("crash");
        context.failOnCommit = -1;
        vendor.calls.clear();

        connector(Map.of("taskruns.alibaba.page-size", "20")).sync(source, context);

        assertThat(context.runs).hasSize(35);
        assertThat(vendor.calls.getFirst()).containsEntry("PageNumber", "1").containsEntry("PageSize", "20");
    }

    @Test
    void whenTheNewTaskWindowsFailReleasesAndTasksStillHandlingAreStillRead() {
        vendor.add("handling", now() - 3 * DAY, 11, "203.0.113.1");
        vendor.add("block", now() - 20 * DAY, 21, "203.0.113.66");
        connector.sync(source, context);
        clock.advance(Duration.ofHours(1));
        vendor.status("handling", 20, now());
        vendor.release("block", now() - 120_000);
        // the new-task windows (not the listing of tasks still handling) are refused
        vendor.refuse = query -> query.containsKey("ProcessActionStart") && !query.containsKey("TaskStatus");

        assertThatThrownBy(() -> connector.sync(source, context)).isInstanceOf(VendorApiException.class)
                .hasMessageContaining("refused");

        assertThat(context.runs.get("block").vendorStatus()).isEqualTo("23");
        assertThat(context.runs.get("handling").status()).isEqualTo(RunStatus.SUCCEEDED);
    }

    @Test
    void taskIdReadsPerCycleAreBoundedAndGoRoundAllChangedTasks() {
        connector = connector(Map.of("taskruns.alibaba.in-flight-reads", "2"));
        for (int i = 0; i < 5; i++) {
            vendor.add("h" + i, now() - 2 * DAY + i, 11, "203.0.113." + i);
        }
        connector.sync(source, context);
        clock.advance(Duration.ofHours(1));
        for (int i = 0; i < 5; i++) {
            vendor.status("h" + i, 20, now());
        }

        for (int cycle = 0; cycle < 3; cycle++) {
            vendor.calls.clear();
            connector.sync(source, context);
            assertThat(vendor.calls.stream().filter(c -> c.containsKey("TaskId"))).hasSizeLessThanOrEqualTo(2);
        }

        assertThat(context.runs.values()).allSatisfy(run -> assertThat(run.status()).isEqualTo(RunStatus.SUCCEEDED));
    }

    private static final String YEAR_9999 = "253402300799000";

    private static JsonNode json(String text) {
        try {
            return new ObjectMapper().readTree(text);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** Three tasks a minute apart; the middle one, "p", is served as {@code poison}, its fields merged over the good ones. */
    private void pageWithPoison(String poisonJson) {
        addTasks(1, now() - DAY, MINUTE);
        ObjectNode good = vendor.add("p", now() - DAY + MINUTE / 2, 20, "203.0.113.9");
        addTasks(1, now() - DAY + MINUTE, MINUTE);
        JsonNode poison = json(poisonJson);
        vendor.served.put("p", poison.isObject() ? (JsonNode) good.deepCopy().setAll((ObjectNode) poison) : poison);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "TaskId of the wrong type    | {\"TaskId\":[]}                                       | task has an unreadable TaskId",
            "device id of the wrong type | {\"EntityUuid\":{}}                                   | task p has an unreadable EntityUuid",
            "status of the wrong type    | {\"TaskStatus\":[20]}                                 | task p has an unreadable TaskStatus",
            "time of the wrong type      | {\"ProcessTime\":true}                                | task p has an unreadable ProcessTime",
            "time in a wrong format      | {\"ProcessTime\":\"2026-10-31 12:00\"}                | task p has an unreadable ProcessTime",
            "start in the year 9999      | {\"ProcessTime\":YEAR9999}                             | run p: start 9999-12-31T23:59:59Z is more than 24 h ahead of now",
            "modified in the year 9999   | {\"GmtModifiedMillis\":YEAR9999}                       | run p: modification time 9999-12-31T23:59:59Z is more than 24 h ahead of now",
            "end beyond any year         | {\"RemoveTime\":9223372036854775807}                   | run p: end +292278994-08-17T07:12:55.807Z is more than 24 h ahead of now",
            "missing device id           | {\"EntityType\":null,\"EntityName\":null}             | task p has no EntityUuid and no EntityType",
            "NUL in the TaskId           | {\"TaskId\":\"p\\u0000\"}                               | run id p\uFFFD holds a NUL character",
            "NUL in the device id        | {\"EntityUuid\":\"uu\\u0000id\"}                        | run p: device id uu\uFFFDid holds a NUL character",
            "not an object               | [\"p\"]                                               | task record is not a JSON object",
            "JSON null                   | null                                                  | task record is not a JSON object",
    })
    void aPoisonTaskIsABadRecordAndTheRestOfItsPageAndTheCheckpointAreStored(String poison, String json, String why) {
        pageWithPoison(json.replace("YEAR9999", YEAR_9999));

        connector.sync(source, context);

        assertThat(context.runs).as(poison).hasSize(2).doesNotContainKey("p");
        assertThat(context.badRecords).singleElement().asString().isEqualTo("Alibaba source ali: " + why);
        assertThat(context.checkpoints.get(WindowCheckpoint.ACTIONS).toString()).isEqualTo("{\"readUpTo\":" + now() + "}");
    }

    @Test
    void aMegabyteTaskIdOrRecordIsABadRecordQuotedShortly() {
        pageWithPoison("{\"TaskId\":\"" + "p".repeat(1 << 20) + "\"}");
        ObjectNode wide = JsonNodeFactory.instance.objectNode().put("TaskId", "w");
        vendor.add("w", now() - DAY + 2 * MINUTE, 20, "203.0.113.10");
        for (int i = 0; i < 20; i++) {
            wide.put("Extra" + i, "x".repeat(5000));
        }
        vendor.tasks.get("w").setAll(wide);

        connector.sync(source, context);

        assertThat(context.runs).hasSize(2).doesNotContainKeys("p", "w");
        assertThat(context.badRecords).hasSize(2).allSatisfy(d -> assertThat(d).hasSizeLessThan(200));
        assertThat(context.badRecords.get(0)).endsWith("… is longer than 256 characters");
        assertThat(context.badRecords.get(1)).matches("Alibaba source ali: run w: record is \\d+ bytes of JSON, over the 65536 kept");
    }

    @Test
    void nulAndMegabyteTextIsStoredAlteredNotDropped() {
        pageWithPoison("{\"SceneName\":\"block\\u0000ip\",\"TaskStatus\":90,\"ErrMsg\":\"" + "e".repeat(1 << 20)
                + "\",\"EntityUuid\":\"uuid-9\",\"EntityName\":\"203.0.113.9\\u0000\"}");

        connector.sync(source, context);

        var stored = context.runs.get("p");
        assertThat(stored.taskName()).isEqualTo("block\uFFFDip");
        assertThat(stored.deviceName()).isEqualTo("203.0.113.9\uFFFD");
        assertThat(stored.deviceId()).isEqualTo("uuid-9");
        assertThat(stored.status()).isEqualTo(RunStatus.FAILED);
        assertThat(stored.error().get("message").textValue()).hasSize(4096).endsWith("e…");
        assertThat(stored.raw().get("ErrMsg").textValue()).hasSize(4096);
        assertThat(stored.raw().toString()).doesNotContain("\0");
        assertThat(context.runs).hasSize(3);
        assertThat(context.badRecords).isEmpty();
    }

    @Test
    void unknownStatusesAreStoredAsUnknownWithTheRestOfThePage() {
        addTasks(2, now() - DAY, MINUTE);
        vendor.add("new-status", now() - DAY + 10, 77, "203.0.113.5");
        vendor.add("text-status", now() - DAY + 20, 20, "203.0.113.6").put("TaskStatus", "abc");

        connector.sync(source, context);

        assertThat(context.runs).hasSize(4);
        assertThat(context.runs.get("new-status").status()).isEqualTo(RunStatus.UNKNOWN);
        assertThat(context.runs.get("new-status").vendorStatus()).isEqualTo("77");
        assertThat(context.runs.get("text-status").status()).isEqualTo(RunStatus.UNKNOWN);
        assertThat(context.runs.get("text-status").vendorStatus()).isEqualTo("abc");
        assertThat(context.badRecords).isEmpty();
    }

    @Test
    void aTaskListedTwiceInOnePageIsStoredOnceTheNewerCopyAndShown() {
        addTasks(2, now() - DAY, MINUTE);
        vendor.add("a", now() - DAY + 10, 11, "203.0.113.5");
        vendor.add("b", now() - DAY + 20, 20, "203.0.113.5");
        // the vendor sends task a twice: its later copy is an older version of it
        vendor.tasks.get("a").put("TaskStatus", 20).put("GmtModifiedMillis", now() - 1000);
        vendor.served.put("b", vendor.tasks.get("a").deepCopy().put("TaskStatus", 11).put("GmtModifiedMillis", now() - 5000));

        connector.sync(source, context);

        assertThat(context.runs).hasSize(3).doesNotContainKey("b");
        assertThat(context.runs.get("a").status()).as("the newer copy").isEqualTo(RunStatus.SUCCEEDED);
        assertThat(context.badRecords).containsExactly(
                "Alibaba source ali: run a listed twice in one page; kept the earlier, newer copy");
    }

    @Test
    void windowsOfOnlyBadTasksStillAdvanceSoTheyAreNotReadForever() {
        addTasks(15, now() - DAY, MINUTE);
        vendor.tasks.values().forEach(task -> task.remove("EntityName"));

        connector.sync(source, context);

        assertThat(context.runs).isEmpty();
        assertThat(context.badRecords).hasSize(15);
        assertThat(context.commits).hasSize(3); // two pages of actions, one (empty) of removals
        assertThat(context.checkpoints.get(WindowCheckpoint.ACTIONS).toString()).isEqualTo("{\"readUpTo\":" + now() + "}");

        clock.advance(Duration.ofMinutes(1));
        vendor.calls.clear();
        connector.sync(source, context);
        assertThat(vendor.calls.getFirst()).as("from the last end less the overlap, not the backfill")
                .containsEntry("ProcessActionStart", Long.toString(NOW.toEpochMilli() - Duration.ofMinutes(10).toMillis()));
    }

    @Test
    void anUnreadablePageFailsTheCycleKeepsWhatWasCommittedAndIsReadAgainNextCycle() {
        addTasks(25, now() - DAY, MINUTE);
        vendor.refuse = query -> "2".equals(query.get("PageNumber")) && query.containsKey("ProcessActionStart");

        assertThatThrownBy(() -> connector.sync(source, context)).isInstanceOf(VendorApiException.class);
        assertThat(context.runs).hasSize(10);
        JsonNode window = context.checkpoints.get(WindowCheckpoint.ACTIONS).get("window");
        assertThat(window.get("nextPage").asInt()).isEqualTo(2);

        vendor.refuse = query -> false;
        vendor.calls.clear();
        connector.sync(source, context);
        assertThat(vendor.calls.getFirst()).containsEntry("PageNumber", "2");
        assertThat(context.runs).hasSize(25);
    }
}
