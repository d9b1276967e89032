package dev.taskruns.api;

import java.util.Optional;

/**
 * Change ids as clients see them: zero-padded decimals, so they sort the same as text and as
 * numbers. The contract calls them opaque; the padding only spares clients a wrong string compare.
 */
final class ChangeIds {

    private ChangeIds() {
    }

    static String format(long id) {
        return String.format("%016d", id);
    }

    /** The id in {@code text}, if it is one (up to 19 digits, within a bigint). */
    static Optional<Long> parse(String text) {
        String trimmed = text.trim();
        if (trimmed.isEmpty() || trimmed.length() > 19 || !trimmed.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
            return Optional.empty();
        }
        try {
            return Optional.of(Long.parseLong(trimmed));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
