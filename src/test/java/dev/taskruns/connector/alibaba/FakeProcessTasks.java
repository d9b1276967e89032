package dev.taskruns.connector.alibaba;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * DescribeProcessTasks in memory, filtering and paging as the vendor documents it, with a hook that
 * runs before each call (to add tasks while a client pages) and a log of every call's parameters.
 */
final class FakeProcessTasks implements ProcessTasks {

    final Map<String, ObjectNode> tasks = new LinkedHashMap<>();
    final List<Map<String, String>> calls = new ArrayList<>();
    /** Runs before each call is answered, with the number of the call (1-based). */
    Consumer<Integer> beforeCall = call -> { };
    /** Calls (1-based) answered with no tasks but the true TotalCount, as a lagging replica might. */
    final java.util.Set<Integer> emptyAnswers = new java.util.HashSet<>();
    /**
     * What is sent in place of a task's own record, as a vendor bug would send it: the fake still
     * filters and pages by the task, the client sees this.
     */
    final Map<String, JsonNode> served = new LinkedHashMap<>();
    /** Fails every call whose parameters it accepts, as a refused request would. */
    java.util.function.Predicate<Map<String, String>> refuse = parameters -> false;

    ObjectNode add(String taskId, long created, int status, String ip) {
        ObjectNode task = JsonNodeFactory.instance.objectNode()
                .put("TaskId", taskId).put("GmtCreateMillis", created).put("GmtModifiedMillis", created)
                .put("ProcessTime", created).put("TaskStatus", status)
                .put("EntityType", "ip").put("EntityName", ip).put("SceneName", "block ip");
        tasks.put(taskId, task);
        return task;
    }

    void status(String taskId, int status, long at) {
        tasks.get(taskId).put("TaskStatus", status).put("GmtModifiedMillis", at);
    }

    void release(String taskId, long at) {
        tasks.get(taskId).put("TaskStatus", 23).put("GmtModifiedMillis", at).put("RemoveTime", at);
    }

    @Override
    public Page describe(Map<String, String> parameters) {
        calls.add(Map.copyOf(parameters));
        beforeCall.accept(calls.size());
        if (refuse.test(parameters)) {
            throw new dev.taskruns.connector.VendorApiException("refused: " + parameters, 400);
        }
        List<JsonNode> matching = tasks.values().stream()
                .filter(t -> within(actionTime(t), parameters.get("ProcessActionStart"), parameters.get("ProcessActionEnd")))
                .filter(t -> (parameters.get("ProcessRemoveStart") == null && parameters.get("ProcessRemoveEnd") == null)
                        || t.hasNonNull("RemoveTime") && within(t.get("RemoveTime").asLong(),
                        parameters.get("ProcessRemoveStart"), parameters.get("ProcessRemoveEnd")))
                .filter(t -> parameters.get("TaskStatus") == null
                        || parameters.get("TaskStatus").contains("\"" + t.get("TaskStatus").asText() + "\""))
                .filter(t -> parameters.get("TaskId") == null || parameters.get("TaskId").equals(t.get("TaskId").asText()))
                .sorted(Comparator.comparingLong(t -> t.get("GmtCreateMillis").asLong()))
                .map(t -> (JsonNode) served.getOrDefault(t.get("TaskId").asText(), t).deepCopy())
                .toList();
        int size = Integer.parseInt(parameters.get("PageSize"));
        int number = Integer.parseInt(parameters.get("PageNumber"));
        int from = Math.min(matching.size(), (number - 1) * size);
        List<JsonNode> page = emptyAnswers.contains(calls.size()) ? List.of() : matching.subList(from, Math.min(matching.size(), from + size));
        return new Page(page, matching.size());
    }

    /** Calls that listed a time window of this kind ("ProcessAction" or "ProcessRemove"). */
    long windowCalls(String kind) {
        return calls.stream().filter(c -> c.containsKey(kind + "Start") && !c.containsKey("TaskStatus")).count();
    }

    private static long actionTime(JsonNode task) {
        return task.hasNonNull("ProcessTime") ? task.get("ProcessTime").asLong() : task.get("GmtCreateMillis").asLong();
    }

    private static boolean within(long value, String start, String end) {
        return (start == null || value >= Long.parseLong(start)) && (end == null || value <= Long.parseLong(end));
    }
}
