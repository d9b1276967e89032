package dev.taskruns.api;

import java.util.List;

/** Caller input that cannot be served: becomes a 400 problem naming every bad parameter. */
public class InvalidParametersException extends RuntimeException {

    private final List<Problem.ParameterError> errors;

    public InvalidParametersException(List<Problem.ParameterError> errors) {
        super(errors.stream().map(e -> e.parameter() + ": " + e.message()).reduce((a, b) -> a + "; " + b).orElse(""));
        this.errors = List.copyOf(errors);
    }

    public InvalidParametersException(String parameter, String message) {
        this(List.of(new Problem.ParameterError(parameter, message)));
    }

    public List<Problem.ParameterError> errors() {
        return errors;
    }
}
