package dev.taskruns.connector.alibaba.simulator;

import io.quarkus.arc.profile.IfBuildProfile;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * The vendor's API lives at the root of its host, and its SDK (endpoint = host:port, pathname
 * {@code /}) cannot be given a base path: a request to {@code /} carrying {@code x-acs-action} is
 * handed to the simulator at {@code /simulator/alibaba/}. Everything else at {@code /} is untouched.
 */
@ApplicationScoped
@IfBuildProfile(anyOf = {"demo", "test"})
public class AlibabaRootRoute {

    void route(@Observes Router router) {
        router.route("/").order(-100).handler(context -> {
            if (context.request().getHeader("x-acs-action") == null) {
                context.next();
                return;
            }
            String query = context.request().query();
            context.reroute("/simulator/alibaba/" + (query == null ? "" : "?" + query));
        });
    }
}
