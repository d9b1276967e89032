package dev.taskruns.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.net.URLDecoder;
import java.net.URLEncoder;

/**
 * Opaque keyset cursors: the position of the last item served (e.g. source and device id), bound to
 * the endpoint and the filters it was issued for, so a cursor replayed against another query is
 * refused instead of silently skipping or repeating items. Base64url of
 * {@code v1|<kind>|<query fingerprint>|<url-encoded position parts...>}.
 */
final class Cursor {

    private static final String VERSION = "v1";
    private static final String PARAMETER = "cursor";

    private Cursor() {
    }

    static String encode(String kind, String query, List<String> position) {
        StringBuilder text = new StringBuilder(VERSION).append('|').append(kind).append('|').append(fingerprint(query));
        position.forEach(part -> text.append('|').append(URLEncoder.encode(part, StandardCharsets.UTF_8)));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** The position parts of a cursor issued by {@link #encode} for the same kind and query. */
    static List<String> decode(String cursor, String kind, String query, int parts) {
        String text;
        try {
            text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw malformed();
        }
        String[] fields = text.split("\\|", -1);
        if (fields.length < 3 || !VERSION.equals(fields[0])) {
            throw malformed();
        }
        if (!kind.equals(fields[1]) || !fingerprint(query).equals(fields[2])) {
            throw new InvalidParametersException(PARAMETER, "this cursor was issued for a different endpoint or "
                    + "different filters; repeat the query that returned it, or start again without a cursor");
        }
        if (fields.length != 3 + parts) {
            throw malformed();
        }
        try {
            List<String> position = Arrays.stream(fields, 3, fields.length)
                    .map(p -> URLDecoder.decode(p, StandardCharsets.UTF_8)).toList();
            if (position.stream().anyMatch(FilterParams::hasNul)) {
                throw malformed();
            }
            return position;
        } catch (IllegalArgumentException e) {
            throw malformed();
        }
    }

    static InvalidParametersException malformed() {
        return new InvalidParametersException(PARAMETER, "malformed cursor: pass back the nextCursor value exactly as received");
    }

    private static String fingerprint(String query) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(query.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }
}
