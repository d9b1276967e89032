package dev.taskruns.api;

/** The addressed thing does not exist: a 404 problem whose message says what was looked for. */
public class NotFoundProblem extends RuntimeException {
    public NotFoundProblem(String message) {
        super(message);
    }
}
