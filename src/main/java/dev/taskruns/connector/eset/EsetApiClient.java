package dev.taskruns.connector.eset;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/**
 * What the connector needs from ESET Connect for one source. {@link EsetClient} is the HTTP
 * implementation; the seam lets the connector's incremental logic be tested without a server.
 */
public interface EsetApiClient {

    /** Every device task, all pages. */
    List<EsetTask> listTasks();

    /**
     * Streams a task's runs page by page (pageSize from the settings), each run exactly as received,
     * starting at {@code fromPageToken} (null: the first page). The handler is called at least once.
     */
    void forEachRunPage(String taskUuid, RunQuery query, String fromPageToken, RunPageHandler handler);

    default void forEachRunPage(String taskUuid, RunQuery query, RunPageHandler handler) {
        forEachRunPage(taskUuid, query, null, handler);
    }

    /** Devices by uuid, in request order; empty when no device-management URL is known for the source. */
    List<EsetDevice> devices(List<String> uuids);

    /**
     * Optional filters of {@code /v1/device_tasks/{taskUuid}/runs}.
     *
     * @param deviceUuid       only this device's runs, or null for all
     * @param listOnlyLastRuns only the newest run per device
     */
    record RunQuery(String deviceUuid, boolean listOnlyLastRuns) {
        public static final RunQuery ALL = new RunQuery(null, false);
    }

    /** {@code nextPageToken} is null on the final page. */
    @FunctionalInterface
    interface RunPageHandler {
        void page(List<JsonNode> runs, String nextPageToken);
    }
}
