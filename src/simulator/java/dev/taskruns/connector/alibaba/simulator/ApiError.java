package dev.taskruns.connector.alibaba.simulator;

/** A refusal as the vendor words it: HTTP status, {@code Code} and {@code Message} of the error body. */
final class ApiError extends RuntimeException {

    final int status;
    final String code;

    ApiError(int status, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    static ApiError invalidParameter(String message) {
        return new ApiError(400, "InvalidParameter", message);
    }
}
