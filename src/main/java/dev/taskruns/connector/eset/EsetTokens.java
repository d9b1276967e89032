package dev.taskruns.connector.eset;

import dev.taskruns.connector.ConnectorRuntime;
import dev.taskruns.connector.VendorApiException;
import dev.taskruns.connector.VendorTransport;
import jakarta.ws.rs.core.Form;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;

/**
 * OAuth tokens of one source: password grant, refresh before expiry (the vendor rotates refresh
 * tokens, so each answer's refresh token replaces the last), and a fresh password grant when a
 * refresh is refused. Tokens and the password never leave this class except as the bearer header.
 */
final class EsetTokens {

    private static final Logger LOG = Logger.getLogger(EsetTokens.class);
    /** Used when the vendor omits {@code expires_in}: short, so a wrong guess costs one refresh. */
    private static final Duration DEFAULT_LIFETIME = Duration.ofMinutes(5);

    private final String source;
    private final EsetTokenApi api;
    private final VendorTransport transport;
    private final EsetSettings settings;
    private final String username;
    private final String password;
    private final Duration refreshMargin;
    private final ConnectorRuntime runtime;

    private String accessToken;
    private String refreshToken;
    /** When to stop using the access token: its expiry less the refresh margin. */
    private Instant refreshAt = Instant.MIN;

    EsetTokens(String source, EsetTokenApi api, VendorTransport transport, EsetSettings settings, String username,
               String password, ConnectorRuntime runtime) {
        this.source = source;
        this.api = api;
        this.transport = transport;
        this.settings = settings;
        this.username = username;
        this.password = password;
        this.refreshMargin = settings.tokenRefreshMargin();
        this.runtime = runtime;
    }

    /** The {@code Authorization} header value, getting or refreshing the token first when needed. */
    synchronized String authorization() {
        if (accessToken == null || !runtime.clock().instant().isBefore(refreshAt)) {
            renew();
        }
        return "Bearer " + accessToken;
    }

    /** The vendor rejected the current access token (401): the next call gets a new one. */
    synchronized void invalidate() {
        accessToken = null;
    }

    private void renew() {
        if (refreshToken != null) {
            try {
                store(grant("refresh_token", new Form("grant_type", "refresh_token").param("refresh_token", refreshToken)));
                return;
            } catch (VendorApiException e) {
                // a refresh token expires or is revoked; the password still works
                LOG.warnf("ESET source %s: token refresh refused (%s), signing in again", source, e.getMessage());
                refreshToken = null;
            }
        }
        store(grant("password", new Form("grant_type", "password").param("username", username).param("password", password)));
    }

    private EsetDtos.TokenResponse grant(String grantType, Form form) {
        try {
            EsetDtos.TokenResponse token = EsetExchange.call(transport, settings, "token " + grantType,
                    EsetDtos.TokenResponse.class, responseId -> api.token(responseId, form));
            if (token == null || token.accessToken() == null || token.accessToken().isBlank()) {
                throw new VendorApiException("ESET source " + source + ": token " + grantType + " answered without an access token", 200);
            }
            count(grantType, "success");
            return token;
        } catch (VendorApiException e) {
            count(grantType, "failure");
            throw e;
        }
    }

    private void store(EsetDtos.TokenResponse token) {
        accessToken = token.accessToken();
        if (token.refreshToken() != null && !token.refreshToken().isBlank()) {
            refreshToken = token.refreshToken();
        }
        Duration lifetime = token.expiresIn() == null || token.expiresIn() <= 0
                ? DEFAULT_LIFETIME : Duration.ofSeconds(token.expiresIn());
        // a margin longer than half the lifetime would renew on every call
        Duration margin = refreshMargin.compareTo(lifetime.dividedBy(2)) > 0 ? lifetime.dividedBy(2) : refreshMargin;
        refreshAt = runtime.clock().instant().plus(lifetime).minus(margin);
        LOG.debugf("ESET source %s: new access token, valid for %s", source, lifetime);
    }

    private void count(String grantType, String outcome) {
        runtime.registry().counter("taskruns.eset.token.grants", "source", source, "grant", grantType, "outcome", outcome).increment();
    }
}
