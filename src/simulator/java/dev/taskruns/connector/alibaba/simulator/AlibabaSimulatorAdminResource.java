package dev.taskruns.connector.alibaba.simulator;

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
import java.util.List;

/** Test and demo controls: fault switches, reseeding, the simulated clock, the ground truth and the call count. */
@Path("/simulator/alibaba/admin")
@Produces(MediaType.APPLICATION_JSON)
@IfBuildProfile(anyOf = {"demo", "test"})
public class AlibabaSimulatorAdminResource {

    private final AlibabaSimulator simulator;
    private final Faults faults;

    public AlibabaSimulatorAdminResource(AlibabaSimulator simulator, Faults faults) {
        this.simulator = simulator;
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
    public Response reset(@QueryParam("seed") Long seed, @QueryParam("entities") Integer entities,
                          @QueryParam("tasks") Integer tasks) {
        if ((entities != null && entities < 1) || (tasks != null && (tasks < 0 || tasks > World.MAX_TASKS))) {
            return Response.status(400)
                    .entity(new AdminWire.Error("entities must be positive, tasks between 0 and " + World.MAX_TASKS)).build();
        }
        return Response.ok(clock(simulator.reset(seed, entities, tasks))).build();
    }

    @POST
    @Path("/advance")
    @Operation(hidden = true)
    public Response advance(@QueryParam("seconds") Long seconds) {
        if (seconds == null || seconds < 0) {
            return Response.status(400).entity(new AdminWire.Error("seconds must be a non-negative number")).build();
        }
        return Response.ok(clock(simulator.clock().advance(Duration.ofSeconds(seconds)))).build();
    }

    @GET
    @Path("/clock")
    @Operation(hidden = true)
    public AdminWire.Clock clock() {
        return clock(simulator.now());
    }

    @GET
    @Path("/ground-truth")
    @Operation(hidden = true)
    public AdminWire.GroundTruth groundTruth() {
        Instant now = simulator.now();
        long millis = now.toEpochMilli();
        List<AlibabaWire.ProcessTask> tasks = simulator.world().tasksAt(now).stream()
                .map(t -> t.at(millis)).sorted(AlibabaApiResource.DEFAULT_ORDER).toList();
        return new AdminWire.GroundTruth(now.toString(), millis, tasks);
    }

    @GET
    @Path("/calls")
    @Operation(hidden = true)
    public CallCounts.Calls calls() {
        return simulator.calls().snapshot();
    }

    private static AdminWire.Clock clock(Instant now) {
        return new AdminWire.Clock(now.toString(), now.toEpochMilli());
    }
}
