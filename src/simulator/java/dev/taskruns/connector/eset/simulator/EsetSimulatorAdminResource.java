package dev.taskruns.connector.eset.simulator;

import dev.taskruns.connector.simulator.AdminAnswers;
import dev.taskruns.connector.simulator.CallCounts;
import io.quarkus.arc.profile.IfBuildProfile;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
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
                          @QueryParam("tasks") Integer tasks) {
        if ((devices != null && devices < 1) || (tasks != null && tasks < 0)) {
            return Response.status(400).entity(new AdminWire.Error("devices must be positive, tasks not negative")).build();
        }
        return Response.ok(new AdminWire.Clock(EsetWire.timestamp(simulator.reset(seed, devices, tasks)))).build();
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
