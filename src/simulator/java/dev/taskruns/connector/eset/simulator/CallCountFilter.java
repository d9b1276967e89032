package dev.taskruns.connector.eset.simulator;

import io.quarkus.arc.profile.IfBuildProfile;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.ext.Provider;

/**
 * Counts every vendor answer (token, task, run and device calls; not the admin API) by HTTP status,
 * refusals included: a client's API cost is every call it made, whatever the answer.
 */
@Provider
@IfBuildProfile(anyOf = {"demo", "test"})
public class CallCountFilter implements ContainerResponseFilter {

    private final EsetSimulator simulator;

    public CallCountFilter(EsetSimulator simulator) {
        this.simulator = simulator;
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        String path = request.getUriInfo().getPath();
        String relative = path.startsWith("/") ? path.substring(1) : path;
        if (relative.startsWith("simulator/eset/") && !relative.startsWith("simulator/eset/admin")) {
            simulator.calls().count(Integer.toString(response.getStatus()));
        }
    }
}
