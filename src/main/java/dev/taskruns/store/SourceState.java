package dev.taskruns.store;

/** Where a source's sync stands, as the contract names it. */
public enum SourceState {
    IDLE,
    SYNCING,
    BACKING_OFF,
    FAILING
}
