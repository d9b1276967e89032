package dev.taskruns.connector.eset.simulator;

import io.quarkus.arc.profile.IfBuildProfile;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.ext.Provider;

import java.util.UUID;

/** Every vendor answer carries a {@code request-id} (a UUID in the specs), errors from JAX-RS itself included. */
@Provider
@IfBuildProfile(anyOf = {"demo", "test"})
public class RequestIdFilter implements ContainerResponseFilter {

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        String path = request.getUriInfo().getPath();
        boolean simulated = path.startsWith("/simulator/eset") || path.startsWith("simulator/eset");
        if (simulated && !response.getHeaders().containsKey("request-id")) {
            response.getHeaders().putSingle("request-id", UUID.randomUUID().toString());
        }
    }
}
