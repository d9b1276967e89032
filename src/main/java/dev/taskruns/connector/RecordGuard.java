package dev.taskruns.connector;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.taskruns.store.UnifiedRun;
import dev.taskruns.sync.SyncContext;
import io.micrometer.core.instrument.MeterRegistry;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What every mapped vendor record passes before the store, whatever the vendor: a record the store
 * could not write would fail its whole page on every cycle, and one it should not believe would
 * mislead for good. So:
 * <ul>
 * <li>ids (run, device, task) longer than {@value #MAX_ID} characters or holding a NUL are bad records:
 * an id cannot be cut or altered without becoming another one, and a huge one does not fit a btree index;</li>
 * <li>a time before 1970 or more than {@link #MAX_AHEAD} after now is a bad record: a run in the year
 * 9999 would be its device's last run forever;</li>
 * <li>text (names, vendor status, every string in the error and raw JSON, field names included) has NUL
 * replaced by U+FFFD and is cut with an ellipsis: names at {@value #MAX_TEXT} characters, JSON strings
 * at {@value #MAX_JSON_STRING}; counted as {@code taskruns.vendor.records.altered};</li>
 * <li>a raw record still above {@value #MAX_RAW_BYTES} bytes of JSON after that is a bad record: vendor
 * records are well under a few kB, and the API serves raw records in pages.</li>
 * </ul>
 * Alterations are deterministic, so reading the same record again leaves its row unchanged.
 */
public final class RecordGuard {

    static final int MAX_ID = 256;
    /** Names and statuses are cut here: longer ones are not names. */
    public static final int MAX_TEXT = 1024;
    static final int MAX_JSON_STRING = 4096;
    static final int MAX_RAW_BYTES = 64 * 1024;
    static final Duration MAX_AHEAD = Duration.ofDays(1);

    private final String source;
    private final Clock clock;
    private final MeterRegistry registry;

    public RecordGuard(String source, Clock clock, MeterRegistry registry) {
        this.source = source;
        this.clock = clock;
        this.registry = registry;
    }

    /**
     * The run as the store may keep it.
     *
     * @throws IllegalArgumentException when it is a bad record; the message names the run and why
     */
    public UnifiedRun check(UnifiedRun run) {
        checkId("run id", run.runId());
        String id = "run " + VendorText.quote(run.runId());
        checkId(id + ": device id", run.deviceId());
        checkId(id + ": task id", run.taskId());
        Instant latest = clock.instant().plus(MAX_AHEAD);
        checkTime(id, "start", run.startedAt(), latest);
        checkTime(id, "end", run.endedAt(), latest);
        checkTime(id, "modification time", run.vendorUpdatedAt(), latest);
        Scrub scrub = new Scrub();
        JsonNode raw = scrub.json(run.raw());
        int size = raw.toString().getBytes(StandardCharsets.UTF_8).length;
        if (size > MAX_RAW_BYTES) {
            throw new IllegalArgumentException(id + ": record is " + size + " bytes of JSON, over the "
                    + MAX_RAW_BYTES + " kept");
        }
        UnifiedRun safe = new UnifiedRun(run.source(), run.runId(), run.deviceId(), scrub.text(run.deviceName(), MAX_TEXT),
                run.taskId(), scrub.text(run.taskName(), MAX_TEXT), run.status(), scrub.text(run.vendorStatus(), MAX_TEXT),
                run.startedAt(), run.endedAt(), run.vendorUpdatedAt(), scrub.json(run.error()), raw);
        scrub.count();
        return safe;
    }

    /** Whether the store can key on this value. */
    public static boolean isId(String value) {
        return value.length() <= MAX_ID && value.indexOf('\0') < 0;
    }

    /**
     * An identifier the store can key on.
     *
     * @param what names the id in the message, e.g. "task uuid"
     * @throws IllegalArgumentException when it is too long or holds a NUL
     */
    public static void checkId(String what, String value) {
        if (isId(value)) {
            return;
        }
        if (value.length() > MAX_ID) {
            throw new IllegalArgumentException(what + " " + VendorText.quote(value) + " is longer than "
                    + MAX_ID + " characters");
        }
        throw new IllegalArgumentException(what + " " + VendorText.quote(value) + " holds a NUL character");
    }

    /**
     * One run per id, so which copy is stored does not depend on the store: the later copy in the page,
     * unless the earlier one has a newer vendor modification time. Each copy dropped is a bad record
     * (the vendor listed a run twice in one answer: worth seeing, harmless to skip).
     *
     * @param where how the bad record starts, e.g. "ESET source eseteu, task t1"
     */
    public static List<UnifiedRun> distinct(List<UnifiedRun> page, SyncContext context, String where) {
        Map<String, UnifiedRun> byId = new LinkedHashMap<>();
        for (UnifiedRun run : page) {
            UnifiedRun earlier = byId.get(run.runId());
            if (earlier == null) {
                byId.put(run.runId(), run);
                continue;
            }
            boolean keepEarlier = earlier.vendorUpdatedAt() != null && run.vendorUpdatedAt() != null
                    && earlier.vendorUpdatedAt().isAfter(run.vendorUpdatedAt());
            if (!keepEarlier) {
                byId.put(run.runId(), run);
            }
            context.badRecord(where, new IllegalArgumentException("run " + VendorText.quote(run.runId())
                    + " listed twice in one page; kept the " + (keepEarlier ? "earlier, newer" : "later") + " copy"));
        }
        return page.size() == byId.size() ? page : List.copyOf(byId.values());
    }

    private static void checkTime(String id, String what, Instant time, Instant latest) {
        if (time != null && (time.isBefore(Instant.EPOCH) || time.isAfter(latest))) {
            throw new IllegalArgumentException(id + ": " + what + " " + time
                    + (time.isBefore(Instant.EPOCH) ? " is before 1970" : " is more than " + MAX_AHEAD.toHours()
                    + " h ahead of now"));
        }
    }

    /** One record's text made storable, noting what had to change; nodes are copied only when they change. */
    private final class Scrub {
        private boolean nul;
        private boolean cut;

        String text(String value, int max) {
            String clean = VendorText.clean(value, max);
            if (clean != null && !clean.equals(value)) {
                nul |= value.indexOf('\0') >= 0;
                cut |= value.length() > max;
            }
            return clean;
        }

        JsonNode json(JsonNode node) {
            if (node == null) {
                return null;
            }
            if (node.isTextual()) {
                String clean = text(node.textValue(), MAX_JSON_STRING);
                return clean.equals(node.textValue()) ? node : TextNode.valueOf(clean);
            }
            if (node.isArray()) {
                List<JsonNode> items = new ArrayList<>(node.size());
                boolean changed = false;
                for (JsonNode item : node) {
                    JsonNode clean = json(item);
                    changed |= clean != item;
                    items.add(clean);
                }
                if (!changed) {
                    return node;
                }
                ArrayNode copy = JsonNodeFactory.instance.arrayNode(items.size());
                copy.addAll(items);
                return copy;
            }
            if (node.isObject()) {
                Map<String, JsonNode> fields = new LinkedHashMap<>();
                boolean changed = false;
                for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> field = it.next();
                    String name = text(field.getKey(), MAX_JSON_STRING);
                    JsonNode clean = json(field.getValue());
                    changed |= clean != field.getValue() || !name.equals(field.getKey());
                    fields.put(name, clean);
                }
                if (!changed) {
                    return node;
                }
                ObjectNode copy = JsonNodeFactory.instance.objectNode();
                copy.setAll(fields);
                return copy;
            }
            return node;
        }

        void count() {
            if (nul) {
                registry.counter("taskruns.vendor.records.altered", "source", source, "reason", "nul").increment();
            }
            if (cut) {
                registry.counter("taskruns.vendor.records.altered", "source", source, "reason", "truncated").increment();
            }
        }
    }
}
