package dev.taskruns.store;

/** What one batch write did: new rows, changed rows, and rows already up to date (left untouched). */
public record WriteResult(int inserted, int updated, int unchanged) {

    public static final WriteResult EMPTY = new WriteResult(0, 0, 0);

    public int total() {
        return inserted + updated + unchanged;
    }
}
