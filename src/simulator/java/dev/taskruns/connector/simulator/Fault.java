package dev.taskruns.connector.simulator;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * One fault switch as the admin APIs show and take it: forced on the next {@code next} calls, then
 * drawn with {@code probability} (0..1) on each call. In an update a member left out keeps its value.
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Fault(Double probability, Integer next) {

    /** @throws IllegalArgumentException naming the bad member */
    public static void check(String name, Fault fault) {
        if (fault != null && fault.probability() != null && !(fault.probability() >= 0 && fault.probability() <= 1)) {
            throw new IllegalArgumentException(name + ".probability must be between 0 and 1");
        }
        if (fault != null) {
            nonNegative(name + ".next", fault.next());
        }
    }

    /** For the numeric settings next to the switches. @throws IllegalArgumentException naming the member */
    public static void nonNegative(String name, Number value) {
        if (value != null && value.doubleValue() < 0) {
            throw new IllegalArgumentException(name + " must not be negative");
        }
    }
}
