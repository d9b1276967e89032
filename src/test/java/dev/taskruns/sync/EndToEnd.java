package dev.taskruns.sync;

import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** What the end-to-end tests do to a source and read back through the facade. */
final class EndToEnd {

    private EndToEnd() {
    }

    /** Starts one cycle of {@code source} and waits until it has ended. */
    static void syncOnce(SyncEngine engine, String source) {
        assertThat(engine.trigger(source)).isEqualTo(SyncEngine.Start.STARTED);
        awaitIdle(engine, source);
    }

    static void awaitIdle(SyncEngine engine, String source) {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (engine.isRunning(source) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        assertThat(engine.isRunning(source)).as("sync cycle of " + source + " finished").isFalse();
    }

    /** Every item of every page of a facade list, walked with its cursors. */
    static List<Map<String, Object>> allPages(String path, Map<String, Object> filters) {
        Map<String, Object> query = new HashMap<>(filters);
        query.put("limit", 1000);
        List<Map<String, Object>> items = new ArrayList<>();
        String cursor;
        do {
            JsonPath page = RestAssured.given().queryParams(query).get(path).then().statusCode(200).extract().jsonPath();
            items.addAll(page.getList("items"));
            cursor = page.getString("nextCursor");
            query.put("cursor", cursor);
        } while (cursor != null);
        return items;
    }

    /**
     * The change feed of {@code source} replayed from its start: each device's run id and status as
     * its last change left it ("runId STATUS"), what a consumer folding the feed ends up with.
     */
    static Map<String, String> feedFolded(String source) {
        Map<String, String> folded = new TreeMap<>();
        String after = null;
        while (true) {
            Map<String, Object> query = new HashMap<>(Map.of("source", source, "limit", 1000));
            if (after != null) {
                query.put("after", after);
            }
            JsonPath page = RestAssured.given().accept("application/json").queryParams(query).get("/api/v1/changes")
                    .then().statusCode(200).extract().jsonPath();
            page.<Map<String, Object>>getList("items.run").forEach(run ->
                    folded.put((String) run.get("deviceId"), run.get("runId") + " " + run.get("status")));
            String next = page.getString("nextCursor");
            if (page.getList("items").isEmpty() && next.equals(after)) {
                return folded; // at the feed's end (an empty page further on only skipped other sources' changes)
            }
            after = next;
        }
    }

    /** /last-runs of {@code source} as "runId STATUS" per device, to compare with {@link #feedFolded}. */
    static Map<String, String> lastRunsWithStatus(String source) {
        Map<String, String> last = new TreeMap<>();
        allPages("/api/v1/last-runs", Map.of("source", source))
                .forEach(run -> last.put((String) run.get("deviceId"), run.get("runId") + " " + run.get("status")));
        return last;
    }
}
