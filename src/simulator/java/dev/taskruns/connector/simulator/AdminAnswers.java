package dev.taskruns.connector.simulator;

import jakarta.ws.rs.core.Response;

import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/** Answers of the admin API that both simulators give alike. */
public final class AdminAnswers {

    private AdminAnswers() {
    }

    /**
     * A POST of fault switches: the members sent change, a bad value is a 400 naming it and changes
     * nothing, an empty body just shows the current switches.
     *
     * @param error the simulator's own error body for a message
     */
    public static <T> Response updateFaults(T update, Supplier<T> current, UnaryOperator<T> apply,
                                            Function<String, ?> error) {
        if (update == null) {
            return Response.ok(current.get()).build();
        }
        try {
            return Response.ok(apply.apply(update)).build();
        } catch (IllegalArgumentException e) {
            return Response.status(400).entity(error.apply(e.getMessage())).build();
        }
    }
}
