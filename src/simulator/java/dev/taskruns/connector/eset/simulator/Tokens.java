package dev.taskruns.connector.eset.simulator;

import io.quarkus.arc.profile.IfBuildProfile;
import jakarta.enterprise.context.ApplicationScoped;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Issued tokens. Refresh tokens are single use: a refresh returns a new pair and retires the old refresh token. */
@ApplicationScoped
@IfBuildProfile(anyOf = {"demo", "test"})
public class Tokens {

    private record Session(String user, Instant expiresAt) {
    }

    private final SecureRandom random = new SecureRandom();
    private final Map<String, Session> accessTokens = new ConcurrentHashMap<>();
    private final Map<String, String> refreshTokens = new ConcurrentHashMap<>();
    private final Duration lifetime;

    public Tokens(EsetSimulatorConfig config) {
        this.lifetime = config.tokenLifetime();
    }

    EsetWire.Token issue(String user, Instant now) {
        accessTokens.values().removeIf(s -> !now.isBefore(s.expiresAt())); // a client that logs in per call must not fill memory
        String access = randomToken();
        String refresh = randomToken();
        accessTokens.put(access, new Session(user, now.plus(lifetime)));
        refreshTokens.put(refresh, user);
        return new EsetWire.Token(access, refresh, "Bearer", lifetime.toSeconds());
    }

    /** Null when the refresh token is unknown or already used; the removal makes concurrent reuse fail too. */
    EsetWire.Token refresh(String refreshToken, Instant now) {
        String user = refreshTokens.remove(refreshToken);
        return user == null ? null : issue(user, now);
    }

    /** The user behind a live access token, else null (unknown and expired look the same to clients). */
    String userOf(String accessToken, Instant now) {
        Session session = accessToken == null ? null : accessTokens.get(accessToken);
        return session != null && now.isBefore(session.expiresAt()) ? session.user() : null;
    }

    void clear() {
        accessTokens.clear();
        refreshTokens.clear();
    }

    private String randomToken() {
        byte[] bytes = new byte[24];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
