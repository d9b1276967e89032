package dev.taskruns.api;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** How long a verified token is remembered: never past what verification itself would accept. */
class VerifiedTokensTest {

    private static final long NOW = 1_800_000_000_000L;
    private static final Duration TTL = Duration.ofSeconds(60);

    @Test
    void untilItsExpiryWhenThatComesBeforeTheCachesTtl() {
        assertThat(VerifiedTokens.rememberFor(token(NOW / 1000 + 3, NOW / 1000 - 100), null, TTL, NOW))
                .isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void neverLongerThanTheTtl() {
        assertThat(VerifiedTokens.rememberFor(token(NOW / 1000 + 3600, NOW / 1000), null, TTL, NOW)).isEqualTo(TTL);
    }

    @Test
    void notAtAllOnceExpired() {
        // verification grants clock skew past exp; the cache does not
        assertThat(VerifiedTokens.rememberFor(token(NOW / 1000 - 1, NOW / 1000 - 100), null, TTL, NOW))
                .isEqualTo(Duration.ZERO);
    }

    @Test
    void untilTheAgeLimitWhenOneIsSetAndComesFirst() {
        // smallrye.jwt.time-to-live=120, issued 100 s ago: 20 s left although exp is an hour away
        assertThat(VerifiedTokens.rememberFor(token(NOW / 1000 + 3600, NOW / 1000 - 100), 120L, TTL, NOW))
                .isEqualTo(Duration.ofSeconds(20));
    }

    private static JsonWebToken token(long exp, long iat) {
        Map<String, Object> claims = Map.of("exp", exp, "iat", iat);
        return new JsonWebToken() {
            @Override
            public String getName() {
                return "consumer";
            }

            @Override
            public Set<String> getClaimNames() {
                return claims.keySet();
            }

            @Override
            @SuppressWarnings("unchecked")
            public <T> T getClaim(String name) {
                return (T) claims.get(name);
            }
        };
    }
}
