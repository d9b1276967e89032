package dev.taskruns.connector.eset.simulator;

import dev.taskruns.connector.simulator.AdminAnswers;
import dev.taskruns.connector.simulator.CallCounts;
import io.quarkus.arc.profile.IfBuildProfile;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/** Test and demo controls: fault switches, reseeding, the simulated clock, the ground truth and the call count. */
@Path("/simulator/eset/admin")
@Produces(MediaType.APPLICATION_JSON)
@IfBuildProfile(anyOf = {"demo", "test"})
public class EsetSimulatorAdminResource {

    private final EsetSimulator simulator;
    private final EsetClock clock;
    private final Faults faults;

    public EsetSimulatorAdminResource(EsetSimulator simulator, EsetClock clock, Faults faults) {
        this.simulator = simulator;
        this.clock = clock;
        this.faults = faults;
    }

    @GET
    @Path("/faults")
    @Operation(hidden = true)
    public AdminWire.FaultSettings faults() {
        return faults.settings();
    }

    @POST
    @Path("/faults")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(hidden = true)
    public Response setFaults(AdminWire.FaultSettings update) {
        return AdminAnswers.updateFaults(update, faults::settings, faults::update, AdminWire.Error::new);
    }

    @POST
    @Path("/reset")
    @Operation(hidden = true)
    public Response reset(@QueryParam("seed") Long seed, @QueryParam("devices") Integer devices,
                          @QueryParam("tasks") Integer tasks, @QueryParam("active") Boolean active) {
        if ((devices != null && devices < 1) || (tasks != null && tasks < 0)) {
            return Response.status(400).entity(new AdminWire.Error("devices must be positive, tasks not negative")).build();
        }
        return Response.ok(new AdminWire.Clock(EsetWire.timestamp(simulator.reset(seed, devices, tasks, active)))).build();
    }

    @POST
    @Path("/advance")
    @Operation(hidden = true)
    public Response advance(@QueryParam("seconds") Long seconds) {
        if (seconds == null || seconds < 0) {
            return Response.status(400).entity(new AdminWire.Error("seconds must be a non-negative number")).build();
        }
        return Response.ok(new AdminWire.Clock(EsetWire.timestamp(clock.advance(Duration.ofSeconds(seconds))))).build();
    }

    /**
     * A vendor-side change at a known time: a new run of the task on {@code device} (default: its first
     * target) starts now, queued for {@code queuedSeconds} (0), running for {@code runningSeconds} (0),
     * then ends as {@code outcome} (FINISHED). Its status follows the clock like any other run's; the answer
     * carries the end it will have (none when suppressed).
     */
    @POST
    @Path("/tasks/{taskUuid}/runs")
    @Operation(hidden = true)
    public Response startRun(@PathParam("taskUuid") String taskUuid, @QueryParam("device") String device,
                             @QueryParam("queuedSeconds") @DefaultValue("0") long queuedSeconds,
                             @QueryParam("runningSeconds") @DefaultValue("0") long runningSeconds,
                             @QueryParam("outcome") @DefaultValue("TASK_RUN_STATUS_FINISHED") String outcome) {
        World world = simulator.world();
        SimTask task = world.task(taskUuid);
        if (task == null) {
            return Response.status(404).entity(new AdminWire.Error("no task " + taskUuid)).build();
        }
        String target = device != null ? device : task.devicesUuids.getFirst();
        TaskRunStatus ending = ending(outcome);
        if (world.device(target) == null || ending == null || queuedSeconds < 0 || runningSeconds < 0) {
            return Response.status(400).entity(new AdminWire.Error(
                    "device must be a known device, outcome FINISHED, FAILED or SUPPRESSED, durations not negative")).build();
        }
        Instant now = simulator.now();
        SimRun run = world.startRun(task, target, Duration.ofSeconds(queuedSeconds), Duration.ofSeconds(runningSeconds),
                ending, now);
        return Response.ok(new AdminWire.Run(run.taskUuid(), run.uuid(), run.deviceUuid(), run.statusAt(now).name(),
                EsetWire.timestamp(run.start()), EsetWire.timestamp(run.endAt(Instant.MAX)))).build();
    }

    private static TaskRunStatus ending(String outcome) {
        for (TaskRunStatus status : List.of(TaskRunStatus.TASK_RUN_STATUS_FINISHED, TaskRunStatus.TASK_RUN_STATUS_FAILED,
                TaskRunStatus.TASK_RUN_STATUS_SUPPRESSED)) {
            if (status.name().equals(outcome) || status.name().equals("TASK_RUN_STATUS_" + outcome)) {
                return status;
            }
        }
        return null;
    }

    @GET
    @Path("/clock")
    @Operation(hidden = true)
    public AdminWire.Clock clock() {
        return new AdminWire.Clock(EsetWire.timestamp(clock.now()));
    }

    @GET
    @Path("/ground-truth")
    @Operation(hidden = true)
    public AdminWire.GroundTruth groundTruth() {
        World world = simulator.world();
        Instant now = simulator.now();
        List<AdminWire.Run> runs = world.allRunsAt(now).stream()
                .sorted(Comparator.comparing(SimRun::taskUuid).thenComparing(SimRun::start).thenComparing(SimRun::uuid))
                .map(r -> new AdminWire.Run(r.taskUuid(), r.uuid(), r.deviceUuid(), r.statusAt(now).name(),
                        EsetWire.timestamp(r.start()), EsetWire.timestamp(r.endAt(now))))
                .toList();
        List<AdminWire.Task> tasks = world.allTasks().stream()
                .map(t -> new AdminWire.Task(t.uuid, t.displayName, !t.existsAt(now))).toList();
        List<AdminWire.Device> devices = world.devices().stream()
                .map(d -> new AdminWire.Device(d.uuid(), d.displayName())).toList();
        return new AdminWire.GroundTruth(EsetWire.timestamp(now), tasks, devices, runs);
    }

    @GET
    @Path("/calls")
    @Operation(hidden = true)
    public CallCounts.Calls calls() {
        return simulator.calls().snapshot();
    }
}
