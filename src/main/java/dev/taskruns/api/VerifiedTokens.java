package dev.taskruns.api;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.JWTCallerPrincipalFactory;
import io.smallrye.jwt.auth.principal.ParseException;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Inject;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.time.Duration;

/**
 * smallrye-jwt's parser with the tokens it verified remembered for a short while. A consumer sends
 * the same bearer token with every call until it expires, and verifying its RS256 signature again
 * each time was a quarter of the facade's CPU (docs/benchmarks.md): a remembered token skips the
 * parse and the signature check. Only tokens that verified are kept, keyed by their exact text, and
 * never past their {@code exp} (nor past {@code iat} + {@code smallrye.jwt.time-to-live} when that is
 * set): a cached token is refused from the same moment an uncached one would be, up to the clock skew
 * that smallrye-jwt grants and the cache does not. What the cache does delay is a change of the
 * verification key: a token signed with a key that was withdrawn stays accepted for at most
 * {@code taskruns.auth.token-cache.ttl} (60 s). {@code max-size=0} turns the cache off.
 */
@Alternative
@Priority(1)
@ApplicationScoped
public class VerifiedTokens extends DefaultJWTParser {

    @ConfigMapping(prefix = "taskruns.auth.token-cache")
    public interface TokenCacheConfig {
        /** How many distinct tokens are remembered (least recently used go first); 0: none. */
        @WithDefault("10000")
        long maxSize();

        /** The longest a verified token is remembered, whatever its own expiry. */
        @WithDefault("60s")
        Duration ttl();
    }

    private final Cache<String, JsonWebToken> verified;

    @Inject
    public VerifiedTokens(JWTAuthContextInfo context, JWTCallerPrincipalFactory factory, TokenCacheConfig config,
                          MeterRegistry registry) {
        super(context, factory);
        this.verified = Caffeine.newBuilder()
                .maximumSize(config.maxSize())
                .expireAfter(Expiry.<String, JsonWebToken>creating((token, jwt) ->
                        rememberFor(jwt, context.getMaxTimeToLiveSecs(), config.ttl(), System.currentTimeMillis())))
                .recordStats()
                .build();
        CaffeineCacheMetrics.monitor(registry, verified, "verified-tokens");
    }

    @Override
    public JsonWebToken parse(String token) throws ParseException {
        JsonWebToken known = verified.getIfPresent(token);
        if (known != null) {
            return known;
        }
        JsonWebToken jwt = super.parse(token);
        verified.put(token, jwt);
        return jwt;
    }

    /**
     * How long a token that verified at {@code nowMillis} is remembered: until its exp, or until iat +
     * {@code maxAgeSeconds} when an age limit is set and comes first, and never longer than {@code ttl}.
     */
    static Duration rememberFor(JsonWebToken jwt, Long maxAgeSeconds, Duration ttl, long nowMillis) {
        long until = jwt.getExpirationTime() * 1000;
        if (maxAgeSeconds != null && jwt.getIssuedAtTime() > 0) {
            until = Math.min(until, (jwt.getIssuedAtTime() + maxAgeSeconds) * 1000);
        }
        Duration left = Duration.ofMillis(Math.max(0, until - nowMillis));
        return left.compareTo(ttl) < 0 ? left : ttl;
    }
}
