package dev.taskruns.connector.alibaba.simulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.taskruns.connector.alibaba.simulator.AlibabaWire.DescribeProcessTasksResponse;
import dev.taskruns.connector.alibaba.simulator.AlibabaWire.Page;
import dev.taskruns.connector.alibaba.simulator.AlibabaWire.ProcessTask;
import io.quarkus.arc.profile.IfBuildProfile;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The vendor's RPC endpoint: {@code POST /} (GET too) with every parameter in the query string,
 * served under {@code /simulator/alibaba/} (and at {@code /}, see {@link AlibabaRootRoute}).
 * DescribeProcessTasks is its one action. Hidden from the app's OpenAPI.
 */
@Path("/simulator/alibaba")
@Produces(MediaType.APPLICATION_JSON)
@IfBuildProfile(anyOf = {"demo", "test"})
public class AlibabaApiResource {

    private static final int DEFAULT_PAGE_SIZE = 20;
    private static final int MAX_PAGE_SIZE = 100;
    /** The listing's default order (gmtModified desc); the ground truth uses it too. */
    static final Comparator<ProcessTask> DEFAULT_ORDER = order(Map.of());

    private final AlibabaGateway gateway;
    private final AlibabaSimulator simulator;
    private final ObjectMapper json;

    public AlibabaApiResource(AlibabaGateway gateway, AlibabaSimulator simulator, ObjectMapper json) {
        this.gateway = gateway;
        this.simulator = simulator;
        this.json = json;
    }

    @POST
    @Path("/")
    @Operation(hidden = true)
    public Response post(@Context HttpHeaders headers, @Context UriInfo uri, byte[] body) {
        return gateway.serve("POST", headers, uri, body, this::describeProcessTasks);
    }

    @GET
    @Path("/")
    @Operation(hidden = true)
    public Response get(@Context HttpHeaders headers, @Context UriInfo uri) {
        return gateway.serve("GET", headers, uri, new byte[0], this::describeProcessTasks);
    }

    private DescribeProcessTasksResponse describeProcessTasks(String requestId, Map<String, String> query) {
        int pageNumber = intParameter(query, "PageNumber", 1);
        int pageSize = Math.min(intParameter(query, "PageSize", DEFAULT_PAGE_SIZE), MAX_PAGE_SIZE);
        long now = simulator.now().toEpochMilli();
        List<ProcessTask> matching = simulator.world().tasksAt(simulator.now()).stream()
                .filter(filter(query, now))
                .map(t -> t.at(now))
                .sorted(order(query))
                .toList();
        long from = (long) (pageNumber - 1) * pageSize;
        List<ProcessTask> page = from >= matching.size() ? List.of()
                : matching.subList((int) from, (int) Math.min(matching.size(), from + pageSize));
        return new DescribeProcessTasksResponse(requestId, page, new Page(matching.size(), pageNumber, pageSize));
    }

    /**
     * gmtModified desc by default: a task whose status changes jumps to the front, which is what
     * makes naive offset paging drift.
     */
    private static Comparator<ProcessTask> order(Map<String, String> query) {
        String field = text(query, "OrderField");
        String direction = text(query, "Direction");
        Comparator<ProcessTask> ascending;
        if (field == null || field.equalsIgnoreCase("gmtModified")) {
            ascending = Comparator.comparing(ProcessTask::gmtModifiedMillis);
        } else if (field.equalsIgnoreCase("gmtCreate")) {
            ascending = Comparator.comparing(ProcessTask::gmtCreateMillis);
        } else {
            throw ApiError.invalidParameter("Specified parameter OrderField is not valid (gmtCreate or gmtModified).");
        }
        ascending = ascending.thenComparing(ProcessTask::taskId);
        if (direction == null || direction.equalsIgnoreCase("desc")) {
            return ascending.reversed();
        }
        if (direction.equalsIgnoreCase("asc")) {
            return ascending;
        }
        throw ApiError.invalidParameter("Specified parameter Direction is not valid (asc or desc).");
    }

    private Predicate<SimTask> filter(Map<String, String> query, long now) {
        Long actionStart = number(query, "ProcessActionStart");
        Long actionEnd = number(query, "ProcessActionEnd");
        Long removeStart = number(query, "ProcessRemoveStart");
        Long removeEnd = number(query, "ProcessRemoveEnd");
        Set<Integer> statuses = statuses(query);
        String taskId = text(query, "TaskId");
        String entityType = text(query, "EntityType");
        String entityUuid = text(query, "EntityUuid");
        return t -> {
            if ((actionStart != null && t.actionTime() < actionStart) || (actionEnd != null && t.actionTime() > actionEnd)) {
                return false;
            }
            if (removeStart != null || removeEnd != null) {
                Long removed = t.removeTimeAt(now);
                if (removed == null || (removeStart != null && removed < removeStart)
                        || (removeEnd != null && removed > removeEnd)) {
                    return false;
                }
            }
            if ((taskId != null && !taskId.equals(t.taskId())) || (entityType != null && !entityType.equals(t.entity().type()))) {
                return false;
            }
            if (statuses != null && !statuses.contains(t.statusAt(now))) {
                return false;
            }
            return entityUuid == null || Objects.equals(entityUuid, t.at(now).entityUuid());
        };
    }

    /** TaskStatus: a JSON array of status codes, e.g. {@code ["11","21"]}; null when absent or empty. */
    private Set<Integer> statuses(Map<String, String> query) {
        String value = text(query, "TaskStatus");
        if (value == null) {
            return null;
        }
        Set<Integer> statuses = new HashSet<>();
        try {
            JsonNode array = json.readTree(value);
            if (array == null || !array.isArray()) {
                throw ApiError.invalidParameter("Specified parameter TaskStatus is not valid: expected a JSON array such as [\"11\",\"21\"].");
            }
            for (JsonNode status : array) {
                if (!status.isValueNode() || !status.asText().matches("\\d{1,3}")) {
                    throw ApiError.invalidParameter("Specified parameter TaskStatus is not valid: " + status + " is not a status.");
                }
                statuses.add(Integer.parseInt(status.asText()));
            }
        } catch (JsonProcessingException e) {
            throw ApiError.invalidParameter("Specified parameter TaskStatus is not valid: expected a JSON array such as [\"11\",\"21\"].");
        }
        return statuses.isEmpty() ? null : statuses;
    }

    private static String text(Map<String, String> query, String name) {
        String value = query.get(name);
        return value == null || value.isBlank() ? null : value.trim();
    }

    private static int intParameter(Map<String, String> query, String name, int absent) {
        Long value = number(query, name);
        if (value == null) {
            return absent;
        }
        if (value < 1 || value > Integer.MAX_VALUE) {
            throw ApiError.invalidParameter("Specified parameter " + name + " is not valid: it must be a positive integer.");
        }
        return value.intValue();
    }

    private static Long number(Map<String, String> query, String name) {
        String value = text(query, name);
        if (value == null) {
            return null;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw ApiError.invalidParameter("Specified parameter " + name + " is not valid: " + value + " is not a number.");
        }
    }
}
