package dev.taskruns.connector.alibaba;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Where one window stream of a source stands (scope {@code window:actions} or {@code window:removals}),
 * committed with every page: the time up to which everything was read completely, and the window
 * being paged with its next page, so a crash re-reads at most one page. JSON by hand, like the ESET checkpoints.
 *
 * @param readUpTo epoch ms: every window ending at this was read completely; null before the first one
 * @param window   the window being paged, or null between windows
 */
record WindowCheckpoint(Long readUpTo, Window window) {

    /**
     * An inclusive range of epoch ms, paged: {@code nextPage} is the page to read next, {@code total}
     * the TotalCount seen first, {@code received} the tasks the pages before it held, and
     * {@code pageSize} the size they were asked in (page numbers mean nothing at another size).
     */
    record Window(long from, long to, int nextPage, int total, long received, int pageSize) {
    }

    static final String ACTIONS = "window:actions";
    static final String REMOVALS = "window:removals";

    JsonNode toJson() {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("readUpTo", readUpTo);
        if (window != null) {
            json.putObject("window").put("from", window.from()).put("to", window.to())
                    .put("nextPage", window.nextPage()).put("total", window.total())
                    .put("received", window.received()).put("pageSize", window.pageSize());
        }
        return json;
    }

    /** Anything unreadable comes back as "nothing read yet": the stream then starts over (writes are idempotent). */
    static WindowCheckpoint fromJson(JsonNode json) {
        if (json == null || !json.isObject()) {
            return new WindowCheckpoint(null, null);
        }
        Long readUpTo = json.path("readUpTo").canConvertToLong() ? json.path("readUpTo").asLong() : null;
        JsonNode w = json.path("window");
        Window window = w.path("from").canConvertToLong() && w.path("to").canConvertToLong()
                && w.path("nextPage").canConvertToInt() && w.path("total").canConvertToInt()
                && w.path("received").canConvertToLong() && w.path("pageSize").canConvertToInt()
                ? new Window(w.get("from").asLong(), w.get("to").asLong(), w.get("nextPage").asInt(), w.get("total").asInt(),
                w.get("received").asLong(), w.get("pageSize").asInt())
                : null;
        return new WindowCheckpoint(readUpTo, window);
    }
}
