package dev.taskruns.connector;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.taskruns.store.RunStatus;
import dev.taskruns.store.UnifiedRun;
import dev.taskruns.support.FakeSyncContext;
import dev.taskruns.support.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The vendor-neutral guard between mapped records and the store. */
class RecordGuardTest {

    private static final Instant NOW = Instant.parse("2026-11-01T12:00:00Z");
    private static final String MEGABYTE = "x".repeat(1 << 20);

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final RecordGuard guard = new RecordGuard("src", new MutableClock(NOW), registry);

    private static UnifiedRun run(String runId, String deviceId, Instant startedAt, Instant endedAt,
                                  Instant updatedAt, String name, JsonNode error, JsonNode raw) {
        return new UnifiedRun("src", runId, deviceId, name, "t1", name, RunStatus.UNKNOWN, "S" + name,
                startedAt, endedAt, updatedAt, error, raw);
    }

    private static UnifiedRun run(String runId, Instant updatedAt) {
        return run(runId, "d1", NOW, null, updatedAt, "n", null, JsonNodeFactory.instance.objectNode().put("id", runId));
    }

    private double altered(String reason) {
        return registry.counter("taskruns.vendor.records.altered", "source", "src", "reason", reason).count();
    }

    @Test
    void nulCharactersBecomeReplacementCharactersInEveryTextAndJsonStringIncludingFieldNames() {
        ObjectNode raw = JsonNodeFactory.instance.objectNode().put("na\0me", "a\0b");
        raw.putArray("list").add("c\0").add(1);
        ObjectNode error = JsonNodeFactory.instance.objectNode().put("message", "bad\0");

        UnifiedRun safe = guard.check(run("r1", "d1", NOW, null, null, "PC\0", error, raw));

        assertThat(safe.deviceName()).isEqualTo("PC\uFFFD");
        assertThat(safe.taskName()).isEqualTo("PC\uFFFD");
        assertThat(safe.vendorStatus()).isEqualTo("SPC\uFFFD");
        assertThat(safe.error().toString()).isEqualTo("{\"message\":\"bad\uFFFD\"}");
        assertThat(safe.raw().toString()).isEqualTo("{\"na\uFFFDme\":\"a\uFFFDb\",\"list\":[\"c\uFFFD\",1]}");
        assertThat(altered("nul")).isEqualTo(1);
        assertThat(altered("truncated")).isZero();
    }

    @Test
    void longTextIsCutWithAnEllipsisAndTheSameRecordIsAlwaysCutTheSameWay() {
        ObjectNode raw = JsonNodeFactory.instance.objectNode().put("message", MEGABYTE);

        UnifiedRun safe = guard.check(run("r1", "d1", NOW, null, null, MEGABYTE, raw, raw));

        assertThat(safe.deviceName()).hasSize(RecordGuard.MAX_TEXT).endsWith("x…");
        assertThat(safe.raw().get("message").textValue()).hasSize(RecordGuard.MAX_JSON_STRING).endsWith("…");
        assertThat(safe.error()).isEqualTo(safe.raw());
        assertThat(guard.check(run("r1", "d1", NOW, null, null, MEGABYTE, raw, raw))).isEqualTo(safe);
        assertThat(altered("truncated")).isEqualTo(2);
    }

    @Test
    void aRecordWithNothingToAlterIsPassedOnAsItIs() {
        UnifiedRun run = run("r1", NOW);

        assertThat(guard.check(run)).isEqualTo(run);
        assertThat(guard.check(run).raw()).isSameAs(run.raw());
        assertThat(registry.getMeters()).isEmpty();
    }

    @Test
    void idsThatAreTooLongOrHoldANulAreBadRecords() {
        assertThatThrownBy(() -> guard.check(run("r".repeat(257), NOW))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("run id rrrr").hasMessageEndingWith("is longer than 256 characters")
                .message().hasSizeLessThan(200);
        assertThat(guard.check(run("r".repeat(256), NOW)).runId()).hasSize(256);
        assertThatThrownBy(() -> guard.check(run("r\0", NOW))).hasMessage("run id r\0 holds a NUL character".replace('\0', '\uFFFD'));
        JsonNode raw = JsonNodeFactory.instance.objectNode();
        assertThatThrownBy(() -> guard.check(run("r1", "d\0", NOW, null, null, "n", null, raw)))
                .hasMessage("run r1: device id d\uFFFD holds a NUL character");
    }

    @Test
    void timesFromBefore1970OrMoreThanADayAheadAreBadRecords() {
        JsonNode raw = JsonNodeFactory.instance.objectNode();
        Instant year9999 = Instant.parse("9999-12-31T23:59:59Z");

        assertThatThrownBy(() -> guard.check(run("r1", "d1", year9999, null, null, "n", null, raw)))
                .hasMessage("run r1: start 9999-12-31T23:59:59Z is more than 24 h ahead of now");
        assertThatThrownBy(() -> guard.check(run("r1", "d1", NOW, year9999, null, "n", null, raw)))
                .hasMessageContaining("end 9999-12-31T23:59:59Z");
        assertThatThrownBy(() -> guard.check(run("r1", NOW.plus(Duration.ofDays(1)).plusMillis(1))))
                .hasMessageContaining("modification time");
        assertThatThrownBy(() -> guard.check(run("r1", "d1", Instant.parse("1969-12-31T23:59:59Z"), null, null, "n", null, raw)))
                .hasMessageEndingWith("is before 1970");
        // clocks differ: a day ahead is still believed
        assertThat(guard.check(run("r1", "d1", NOW.plus(Duration.ofDays(1)), null, null, "n", null, raw))).isNotNull();
    }

    @Test
    void aRawRecordStillAbove64KiBAfterCuttingIsABadRecord() {
        ObjectNode raw = JsonNodeFactory.instance.objectNode();
        for (int i = 0; i < 20; i++) {
            raw.put("field" + i, MEGABYTE); // 20 × 4 KiB once cut
        }

        assertThatThrownBy(() -> guard.check(run("r1", "d1", NOW, null, null, "n", null, raw)))
                .hasMessageMatching("run r1: record is \\d+ bytes of JSON, over the 65536 kept");
    }

    @Test
    void aRunListedTwiceInOnePageIsKeptOnceTheLaterCopyUnlessTheEarlierIsNewer() {
        FakeSyncContext context = new FakeSyncContext();
        UnifiedRun first = run("r1", NOW.minusSeconds(60));
        UnifiedRun second = run("r2", null);
        UnifiedRun again = run("r1", NOW.minusSeconds(30));
        UnifiedRun stale = run("r2", null);
        UnifiedRun older = run("r1", NOW.minusSeconds(90));

        assertThat(RecordGuard.distinct(List.of(first, second, again, stale, older), context, "X source src"))
                .containsExactly(again, stale);
        assertThat(context.badRecords).containsExactly(
                "X source src: run r1 listed twice in one page; kept the later copy",
                "X source src: run r2 listed twice in one page; kept the later copy",
                "X source src: run r1 listed twice in one page; kept the earlier, newer copy");
        List<UnifiedRun> unique = List.of(first, second);
        assertThat(RecordGuard.distinct(unique, context, "X")).isSameAs(unique);
    }

    @Test
    void quotedVendorValuesAreShortAndNulFree() {
        assertThat(VendorText.quote(MEGABYTE)).hasSize(80).endsWith("…");
        assertThat(VendorText.quote("a\0")).isEqualTo("a\uFFFD");
        assertThat(VendorText.clean("ab\uD83D\uDE00cd", 4)).isEqualTo("ab…"); // no half emoji
        assertThat(VendorText.clean(null, 4)).isNull();
    }
}
