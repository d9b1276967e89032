package dev.taskruns.connector.eset;

/**
 * A call to ESET Connect that finally failed. The message names the operation, the HTTP status and
 * the vendor's request id (for support), never credentials, tokens or response bodies.
 */
public class EsetApiException extends RuntimeException {

    /** {@link #status()} when no HTTP answer arrived (timeout, connection refused). */
    public static final int NO_RESPONSE = 0;

    private final int status;

    EsetApiException(String message, int status) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
