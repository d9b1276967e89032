package dev.taskruns.support;

import io.smallrye.jwt.build.Jwt;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Map;
import java.util.Set;

/**
 * Tokens signed with the test key pair in src/test/resources/jwt (a throw-away pair made for these
 * tests: files, not generated per run, because the test and the application under test load this
 * class in different class loaders and must agree on the key). What an identity provider would hand
 * a consumer.
 */
public final class TestTokens {

    public static final String ISSUER = "https://issuer.taskruns.test";
    private static final Path KEYS = Path.of("src/test/resources/jwt");

    private TestTokens() {
    }

    /** The service's settings for verifying these tokens, authentication on. */
    public static Map<String, String> config() {
        return Map.of("taskruns.auth.enabled", "true",
                "mp.jwt.verify.publickey.location", KEYS.resolve("test-public-key.pem").toAbsolutePath().toString(),
                "mp.jwt.verify.issuer", ISSUER);
    }

    /** A valid token for a consumer holding {@code roles}. */
    public static String token(String... roles) {
        return sign(ISSUER, 300, "test-private-key.pem", roles);
    }


    public static String expired(String... roles) {
        return sign(ISSUER, -60, "test-private-key.pem", roles);
    }

    public static String fromAnotherIssuer(String... roles) {
        return sign("https://someone-else.test", 300, "test-private-key.pem", roles);
    }

    public static String signedWithAnotherKey(String... roles) {
        return sign(ISSUER, 300, "other-private-key.pem", roles);
    }

    private static String sign(String issuer, long expiresInSeconds, String key, String... roles) {
        long now = System.currentTimeMillis() / 1000;
        return Jwt.issuer(issuer).upn("consumer@example.com").groups(Set.of(roles))
                .issuedAt(now - 120).expiresAt(now + expiresInSeconds).sign(privateKey(key));
    }

    private static PrivateKey privateKey(String file) {
        try {
            String pem = Files.readString(KEYS.resolve(file)).replaceAll("-----[A-Z ]+-----|\\s", "");
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
