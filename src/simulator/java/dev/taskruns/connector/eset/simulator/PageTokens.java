package dev.taskruns.connector.eset.simulator;

import io.quarkus.arc.profile.IfBuildProfile;
import jakarta.enterprise.context.ApplicationScoped;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.OptionalInt;

/**
 * Opaque page tokens like the vendor's: an offset sealed with an HMAC over the listing it belongs
 * to, so clients can neither build nor edit one, nor replay it against another listing.
 */
@ApplicationScoped
@IfBuildProfile(anyOf = {"demo", "test"})
public class PageTokens {

    private final SecretKeySpec key;

    public PageTokens() {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        this.key = new SecretKeySpec(secret, "HmacSHA256");
    }

    String issue(String listing, int offset) {
        String text = offset + "." + seal(listing, offset);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    /** The offset a token stands for; empty when it was not issued here for this listing. */
    OptionalInt offset(String listing, String token) {
        if (token == null || token.isEmpty()) {
            return OptionalInt.of(0);
        }
        try {
            String text = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            int dot = text.indexOf('.');
            int offset = Integer.parseInt(text.substring(0, dot));
            return offset >= 0 && seal(listing, offset).equals(text.substring(dot + 1)) ? OptionalInt.of(offset) : OptionalInt.empty();
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            return OptionalInt.empty();
        }
    }

    private String seal(String listing, int offset) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            byte[] digest = mac.doFinal((listing + "|" + offset).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 12);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is always available", e);
        }
    }
}
