package dev.taskruns.connector.eset;

import dev.taskruns.connector.VendorApiException;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** ESET in memory, for the connector: tasks, runs per task served in pages of two, device names. */
final class FakeEsetApi implements EsetApiClient {

    final List<EsetTask> tasks = new ArrayList<>();
    final Map<String, List<JsonNode>> runs = new LinkedHashMap<>();
    final Map<String, String> deviceNames = new LinkedHashMap<>();
    /** Every runs listing, by task uuid, in call order. */
    final List<String> runListings = new ArrayList<>();
    /** The page token each run listing started from (null: the first page). */
    final List<String> runStarts = new ArrayList<>();
    /** Tasks whose runs answer 503 however often they are asked. */
    final Set<String> failing = new HashSet<>();
    /** Page tokens ("task@page") whose page comes back unreadable, as a truncated or HTML body would. */
    final Set<String> unreadablePages = new HashSet<>();
    boolean devicesFail;
    int deviceCalls;

    @Override
    public List<EsetTask> listTasks() {
        return List.copyOf(tasks);
    }

    @Override
    public void forEachRunPage(String taskUuid, RunQuery query, String fromPageToken, RunPageHandler handler) {
        runListings.add(taskUuid);
        if (failing.contains(taskUuid)) {
            throw new VendorApiException("list runs of task " + taskUuid + " failed: HTTP 503 after 4 attempts", 503);
        }
        List<JsonNode> all = runs.get(taskUuid);
        if (all == null) {
            throw new VendorApiException("list runs of task " + taskUuid + " failed: HTTP 404", 404);
        }
        if (fromPageToken != null && !fromPageToken.startsWith(taskUuid + "@")) {
            throw new VendorApiException("list runs of task " + taskUuid + " failed: HTTP 400 (bad page token)", 400);
        }
        runStarts.add(fromPageToken);
        // two runs a page; the token is "<task>@<page>", like an opaque vendor token
        int pages = Math.max(1, (all.size() + 1) / 2);
        int first = fromPageToken == null ? 0 : Integer.parseInt(fromPageToken.substring(taskUuid.length() + 1));
        for (int page = first; page < pages; page++) {
            if (unreadablePages.contains(taskUuid + "@" + page)) {
                throw new VendorApiException("ESET source eseteu: list runs of task " + taskUuid
                        + " failed: unreadable answer (JsonEOFException)", 200);
            }
            handler.page(all.subList(Math.min(all.size(), page * 2), Math.min(all.size(), page * 2 + 2)),
                    page == pages - 1 ? null : taskUuid + "@" + (page + 1));
        }
    }

    @Override
    public List<EsetDevice> devices(List<String> uuids) {
        deviceCalls++;
        if (devicesFail) {
            throw new VendorApiException("get devices failed: HTTP 503 after 4 attempts", 503);
        }
        return uuids.stream().filter(deviceNames::containsKey).map(u -> new EsetDevice(u, deviceNames.get(u))).toList();
    }
}
