package dev.taskruns.sync;

import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
}
