package dev.taskruns.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;

/** An RFC 9457 problem document, with {@code errors} naming each bad parameter. */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@Schema(name = "Problem", description = "RFC 9457 problem details (application/problem+json)")
public record Problem(
        @Schema(description = "Problem type URI", example = "urn:taskruns:problem:invalid-parameters") String type,
        @Schema(example = "Invalid request parameters") String title,
        @Schema(example = "400") int status,
        @Schema(example = "status: 'DONE' is not one of PENDING, RUNNING, SUCCEEDED, FAILED, SUPPRESSED, UNKNOWN") String detail,
        @Schema(description = "One entry per bad parameter") List<ParameterError> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";

    @RegisterForReflection
    @Schema(name = "ParameterError")
    public record ParameterError(
            @Schema(example = "status") String parameter,
            @Schema(example = "'DONE' is not one of PENDING, RUNNING, SUCCEEDED, FAILED, SUPPRESSED, UNKNOWN") String message) {
    }
}
