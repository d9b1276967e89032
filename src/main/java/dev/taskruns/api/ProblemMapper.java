package dev.taskruns.api;

import dev.taskruns.feed.ChangeFeed;
import dev.taskruns.store.DatabaseOutage;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.List;

/** Every error leaves the facade as application/problem+json; caller mistakes never become a 500. */
public class ProblemMapper {

    private static final Logger LOG = Logger.getLogger(ProblemMapper.class);

    /** About a PostgreSQL restart or failover; readiness takes the replica out of rotation meanwhile. */
    private static final int RETRY_AFTER_SECONDS = 5;

    @ServerExceptionMapper
    public Response invalidParameters(InvalidParametersException e) {
        return respond(new Problem("urn:taskruns:problem:invalid-parameters", "Invalid request parameters",
                400, e.getMessage(), e.errors()));
    }

    @ServerExceptionMapper
    public Response notFound(NotFoundProblem e) {
        return respond(new Problem("urn:taskruns:problem:not-found", "Not found", 404, e.getMessage(), List.of()));
    }

    @ServerExceptionMapper
    public Response conflict(ConflictProblem e) {
        return respond(new Problem("urn:taskruns:problem:conflict", "Conflict", 409, e.getMessage(), List.of()));
    }

    @ServerExceptionMapper
    public Response gone(ChangeFeed.Gone e) {
        return respond(new Problem("urn:taskruns:problem:change-feed-gone", "Gone", 410, e.getMessage(), List.of()));
    }

    @ServerExceptionMapper
    public Response constraintViolation(ConstraintViolationException e) {
        List<Problem.ParameterError> errors = e.getConstraintViolations().stream()
                .map(v -> new Problem.ParameterError(lastNode(v.getPropertyPath().toString()), v.getMessage()))
                .toList();
        return invalidParameters(new InvalidParametersException(errors));
    }

    /** No token, or one that does not verify (signature, issuer, expiry): the caller must (re)authenticate. */
    @ServerExceptionMapper({UnauthorizedException.class, AuthenticationFailedException.class})
    public Response unauthorized(RuntimeException e) {
        return Response.fromResponse(respond(new Problem("urn:taskruns:problem:unauthorized", "Unauthorized", 401,
                        "A valid bearer token (Authorization: Bearer <jwt>) is required", List.of())))
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"taskruns\"").build();
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return Response.fromResponse(respond(new Problem("urn:taskruns:problem:forbidden", "Forbidden", 403,
                        "The token does not grant the role this call needs (taskruns-read for reads, taskruns-sync "
                                + "to start cycles)", List.of())))
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"taskruns\", error=\"insufficient_scope\"").build();
    }

    /** JAX-RS errors (unknown path 404, 405, 406, 415, ...) keep their status. */
    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e) {
        Response.StatusType status = e.getResponse().getStatusInfo();
        return respond(new Problem("about:blank", status.getReasonPhrase(), status.getStatusCode(),
                e.getMessage(), List.of()));
    }

    /**
     * A database that is down, restarting or too slow is a 503 the caller may retry (load balancers
     * and clients treat it so), not a 500; anything else unexpected is a fault of this service.
     */
    @ServerExceptionMapper
    public Response unexpected(Exception e) {
        if (DatabaseOutage.isCause(e)) {
            // one line, no stack trace: during an outage every request ends here
            LOG.warnf("Database unavailable while serving a request: %s", e);
            return Response.fromResponse(respond(new Problem("urn:taskruns:problem:database-unavailable",
                            "Service Unavailable", 503, "The database is unavailable; retry later.", List.of())))
                    .header("Retry-After", RETRY_AFTER_SECONDS).build();
        }
        LOG.error("Unexpected error serving a request", e);
        return respond(new Problem("about:blank", "Internal Server Error", 500,
                "The request could not be completed; the error is logged.", List.of()));
    }

    private static Response respond(Problem problem) {
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem).build();
    }

    private static String lastNode(String path) {
        return path.substring(path.lastIndexOf('.') + 1);
    }
}
