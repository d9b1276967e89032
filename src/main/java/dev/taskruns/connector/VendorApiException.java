package dev.taskruns.connector;

/**
 * A vendor call that finally failed. The message names the source, the operation, the HTTP status,
 * the vendor's error code where it has one and its request id (for support), never credentials,
 * tokens, signatures or response bodies.
 */
public class VendorApiException extends RuntimeException {

    /** {@link #status()} when no HTTP answer arrived (timeout, connection refused). */
    public static final int NO_RESPONSE = 0;

    private final int status;

    public VendorApiException(String message, int status) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
