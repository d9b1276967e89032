package dev.taskruns.api;

/** The request clashes with the current state (e.g. a sync already running): a 409 problem. */
public class ConflictProblem extends RuntimeException {
    public ConflictProblem(String message) {
        super(message);
    }
}
