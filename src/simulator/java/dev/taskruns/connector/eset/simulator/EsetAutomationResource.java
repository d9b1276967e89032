package dev.taskruns.connector.eset.simulator;

import dev.taskruns.connector.eset.simulator.EsetWire.DeviceTask;
import dev.taskruns.connector.eset.simulator.EsetWire.DeviceTaskRun;
import io.quarkus.arc.profile.IfBuildProfile;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * ESET Connect Automation ({@code /v1/device_tasks}, {@code /v1/device_tasks/{taskUuid}/runs}) and the
 * device-management batch lookup, served under {@code /simulator/eset}. Hidden from the app's OpenAPI.
 */
@Path("/simulator/eset/v1")
@Produces(MediaType.APPLICATION_JSON)
@IfBuildProfile(anyOf = {"demo", "test"})
public class EsetAutomationResource {

    private static final int DEFAULT_PAGE_SIZE = 50;
    private static final int MAX_PAGE_SIZE = 1000;
    private static final Comparator<SimRun> BY_START = Comparator.comparing(SimRun::start).thenComparing(SimRun::uuid);

    private final EsetGateway gateway;
    private final EsetSimulator simulator;
    private final PageTokens pageTokens;

    public EsetAutomationResource(EsetGateway gateway, EsetSimulator simulator, PageTokens pageTokens) {
        this.gateway = gateway;
        this.simulator = simulator;
        this.pageTokens = pageTokens;
    }

    @GET
    @Path("/device_tasks")
    @Operation(hidden = true)
    public Response listTasks(@Context HttpHeaders headers, @Context UriInfo uri,
                              @QueryParam("pageSize") String pageSize, @QueryParam("pageToken") String pageToken) {
        return gateway.serve(headers, uri, "GET", () -> {
            Instant now = simulator.now();
            return page(simulator.world().tasksAt(now), "tasks", pageSize, pageToken,
                    (items, next) -> new EsetWire.ListTasksResponse(items.stream().map(this::task).toList(), next));
        });
    }

    @GET
    @Path("/device_tasks/{taskUuid}/runs")
    @Operation(hidden = true)
    public Response listTaskRuns(@Context HttpHeaders headers, @Context UriInfo uri, @PathParam("taskUuid") String taskUuid,
                                 @QueryParam("deviceUuid") String deviceUuid,
                                 @QueryParam("listOnlyLastRuns") String listOnlyLastRuns,
                                 @QueryParam("pageSize") String pageSize, @QueryParam("pageToken") String pageToken) {
        return gateway.serve(headers, uri, "GET", () -> {
            if (listOnlyLastRuns != null && !listOnlyLastRuns.equals("true") && !listOnlyLastRuns.equals("false")) {
                return EsetGateway.error(400, 3, "listOnlyLastRuns must be true or false.");
            }
            World world = simulator.world();
            SimTask task = world.task(taskUuid);
            if (task == null) {
                return EsetGateway.error(404, 5, "Device task " + taskUuid + " not found.");
            }
            Instant now = simulator.now();
            List<SimRun> runs = world.runsAt(task, now);
            if (deviceUuid != null && !deviceUuid.isEmpty()) {
                runs = runs.stream().filter(r -> r.deviceUuid().equals(deviceUuid)).toList();
            }
            boolean lastOnly = Boolean.parseBoolean(listOnlyLastRuns);
            if (lastOnly) {
                runs = lastPerDevice(runs);
            }
            String listing = "runs|" + taskUuid + "|" + (deviceUuid == null ? "" : deviceUuid) + "|" + lastOnly;
            return page(runs, listing, pageSize, pageToken, (items, next) -> new EsetWire.ListTaskRunsResponse(
                    items.stream().map(r -> run(r, now)).toList(), next));
        });
    }

    /**
     * Device-management {@code GET /v1/devices:batchGet}: all or nothing, as the spec says. Like the
     * vendor's (gRPC transcoding) the colon must be sent as is; {@code %3A} does not match.
     */
    @GET
    @Path("/devices:batchGet")
    @Operation(hidden = true)
    public Response batchGetDevices(@Context HttpHeaders headers, @Context UriInfo uri,
                                    @QueryParam("devicesUuids") List<String> devicesUuids) {
        return gateway.serve(headers, uri, "GET", () -> {
            if (devicesUuids == null || devicesUuids.isEmpty()) {
                return EsetGateway.error(400, 3, "devicesUuids must not be empty.");
            }
            World world = simulator.world();
            List<EsetWire.Device> devices = new ArrayList<>();
            for (String uuid : devicesUuids.stream().distinct().toList()) {
                SimDevice device = world.device(uuid);
                if (device == null) {
                    return EsetGateway.error(404, 5, "Device " + uuid + " not found.");
                }
                devices.add(new EsetWire.Device(device.uuid(), device.displayName(), device.ipAddress(),
                        EsetWire.timestamp(device.lastSyncTime())));
            }
            return EsetGateway.ok(new EsetWire.BatchGetDevicesResponse(devices));
        });
    }

    /** Offset paging behind opaque tokens; the last page says {@code nextPageToken: ""}. */
    private <T> Response page(List<T> all, String listing, String pageSize, String pageToken,
                              PageBuilder<T> build) {
        Integer size = pageSize(pageSize);
        if (size == null) {
            return EsetGateway.error(400, 3, "pageSize must be a non-negative integer.");
        }
        OptionalInt offset = pageTokens.offset(listing, pageToken);
        if (offset.isEmpty()) {
            return EsetGateway.error(400, 3, "Invalid pageToken.");
        }
        int from = Math.min(offset.getAsInt(), all.size());
        int to = Math.min(all.size(), from + size);
        String next = to < all.size() ? pageTokens.issue(listing, to) : "";
        return EsetGateway.ok(build.page(all.subList(from, to), next));
    }

    @FunctionalInterface
    private interface PageBuilder<T> {
        Object page(List<T> items, String nextPageToken);
    }

    /** Unset or 0: 50; above 1000: 1000; negative or not a number: null (400). */
    private static Integer pageSize(String value) {
        if (value == null || value.isEmpty()) {
            return DEFAULT_PAGE_SIZE;
        }
        try {
            long size = Long.parseLong(value);
            return size < 0 ? null : size == 0 ? DEFAULT_PAGE_SIZE : (int) Math.min(size, MAX_PAGE_SIZE);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Each device's latest run (greatest start, then greatest uuid), in listing order. */
    private static List<SimRun> lastPerDevice(List<SimRun> runs) {
        Map<String, SimRun> last = new HashMap<>();
        runs.forEach(r -> last.merge(r.deviceUuid(), r, (a, b) -> BY_START.compare(a, b) >= 0 ? a : b));
        return last.values().stream().sorted(BY_START).toList();
    }

    private DeviceTask task(SimTask t) {
        String created = EsetWire.timestamp(t.createTime);
        return new DeviceTask(t.uuid, t.displayName, t.description, new EsetWire.Action(t.actionName, t.params), t.source,
                new EsetWire.Targets(t.devicesUuids, t.deviceGroupsUuids),
                List.of(new EsetWire.Trigger(new EsetWire.ManualTrigger(created,
                        EsetWire.timestamp(t.createTime.plus(Duration.ofDays(7)))))),
                t.versionId, created, EsetWire.timestamp(t.updateTime));
    }

    private static DeviceTaskRun run(SimRun r, Instant now) {
        TaskRunStatus status = r.statusAt(now);
        return new DeviceTaskRun(r.uuid(), r.taskUuid(), r.deviceUuid(), status.name(), EsetWire.timestamp(r.start()),
                EsetWire.timestamp(r.endAt(now)), status == TaskRunStatus.TASK_RUN_STATUS_FAILED ? failure(r) : null);
    }

    /** A protobuf Any; the spec types its extra members as objects, hence the nested error. */
    private static Map<String, Object> failure(SimRun r) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("@type", "type.googleapis.com/esetcloud.automation.v1.TaskRunFailure");
        result.put("error", Map.of("message", r.error()));
        return result;
    }
}
