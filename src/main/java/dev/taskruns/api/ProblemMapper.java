package dev.taskruns.api;

import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.List;

/** Every error leaves the facade as application/problem+json; caller mistakes never become a 500. */
public class ProblemMapper {

    private static final Logger LOG = Logger.getLogger(ProblemMapper.class);

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
    public Response constraintViolation(ConstraintViolationException e) {
        List<Problem.ParameterError> errors = e.getConstraintViolations().stream()
                .map(v -> new Problem.ParameterError(lastNode(v.getPropertyPath().toString()), v.getMessage()))
                .toList();
        return invalidParameters(new InvalidParametersException(errors));
    }

    /** JAX-RS errors (unknown path 404, 405, 406, 415, ...) keep their status. */
    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e) {
        Response.StatusType status = e.getResponse().getStatusInfo();
        return respond(new Problem("about:blank", status.getReasonPhrase(), status.getStatusCode(),
                e.getMessage(), List.of()));
    }

    @ServerExceptionMapper
    public Response unexpected(Exception e) {
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
