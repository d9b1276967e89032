package dev.taskruns.api;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

/**
 * Who may call {@code /api/v1}: bearer JWTs verified by smallrye-jwt with the standard
 * {@code mp.jwt.verify.*} keys, roles from the token's {@code groups} claim ({@link #READ} for reads,
 * {@link #SYNC} for starting cycles). On unless {@code taskruns.auth.enabled=false}, which must be
 * said explicitly and is logged as a warning at every start; then every caller holds both roles.
 * With authentication on, a start without a verification key stops at once instead of answering
 * 401 to everyone later.
 */
@ApplicationScoped
public class Authentication implements SecurityIdentityAugmentor {

    public static final String READ = "taskruns-read";
    public static final String SYNC = "taskruns-sync";

    private static final Logger LOG = Logger.getLogger(Authentication.class);

    @ConfigMapping(prefix = "taskruns.auth")
    public interface AuthConfig {
        /** Bearer tokens required on /api/v1; false only explicitly (the demo and most tests). */
        @WithDefault("true")
        boolean enabled();
    }

    private final boolean enabled;

    public Authentication(AuthConfig config) {
        this.enabled = config.enabled();
    }

    void check(@Observes StartupEvent event, Config config) {
        if (!enabled) {
            LOG.warn("Authentication is OFF (taskruns.auth.enabled=false): /api/v1 answers anyone who can reach it");
            return;
        }
        boolean key = config.getOptionalValue("mp.jwt.verify.publickey.location", String.class).isPresent()
                || config.getOptionalValue("mp.jwt.verify.publickey", String.class).isPresent();
        if (!key) {
            throw new IllegalStateException("Authentication is on but no token verification key is configured: set "
                    + "mp.jwt.verify.publickey.location (MP_JWT_VERIFY_PUBLICKEY_LOCATION: a PEM or JWKS file or URL) and "
                    + "mp.jwt.verify.issuer, or turn authentication off explicitly with taskruns.auth.enabled=false");
        }
    }

    /** Authentication off: every caller, anonymous included, holds both roles. */
    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
        if (enabled) {
            return Uni.createFrom().item(identity);
        }
        return Uni.createFrom().item(QuarkusSecurityIdentity.builder(identity).addRole(READ).addRole(SYNC).build());
    }
}
