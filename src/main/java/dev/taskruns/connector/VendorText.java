package dev.taskruns.connector;

/**
 * Vendor text made safe to keep: PostgreSQL {@code text} and {@code jsonb} refuse U+0000, so one NUL
 * in a record, an error message or a bad-record description would fail the write it is part of, on
 * every cycle. NUL becomes U+FFFD (visible, unlike a silent removal), and text is cut at a length.
 */
public final class VendorText {

    /** Stands in for a NUL character. */
    public static final char REPLACEMENT = '\uFFFD';
    /** Vendor values quoted in messages (ids, codes) are cut here: a message is read by a person. */
    private static final int QUOTE = 80;

    private VendorText() {
    }

    /** The value without NUL, at most {@code max} characters (the last one an ellipsis when cut); null stays null. */
    public static String clean(String value, int max) {
        if (value == null) {
            return null;
        }
        String cleaned = value.indexOf('\0') < 0 ? value : value.replace('\0', REPLACEMENT);
        if (cleaned.length() <= max) {
            return cleaned;
        }
        int end = max - 1;
        // never split a surrogate pair: half of one is not text
        if (Character.isHighSurrogate(cleaned.charAt(end - 1))) {
            end--;
        }
        return cleaned.substring(0, end) + "…";
    }

    /** A vendor value as a message may quote it. */
    public static String quote(String value) {
        return clean(value, QUOTE);
    }
}
