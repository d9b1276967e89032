package dev.taskruns.support;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/** Authentication on, verifying {@link TestTokens}: as a test profile, and as a resource for the packaged app. */
public class AuthenticationOn implements QuarkusTestProfile, QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> getConfigOverrides() {
        return TestTokens.config();
    }

    @Override
    public Map<String, String> start() {
        return TestTokens.config();
    }

    @Override
    public void stop() {
        // nothing to clean up: the keys are files of the test sources
    }
}
