package dev.taskruns.support;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.Map;

/**
 * A free management port for the packaged app under {@code @QuarkusIntegrationTest}: its production build
 * serves health, metrics and OpenAPI there (application.properties), on 9000 unless told otherwise, and a
 * fixed port would collide with anything else on the machine.
 */
public class ManagementPort implements QuarkusTestResourceLifecycleManager {

    private static volatile int port;

    @Override
    public Map<String, String> start() {
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of("quarkus.management.port", Integer.toString(port));
    }

    @Override
    public void stop() {
        // nothing: the application owns the port
    }

    /** The port chosen for the running application. */
    public static int port() {
        if (port == 0) {
            throw new IllegalStateException("ManagementPort has not started: add @WithTestResource(ManagementPort.class)");
        }
        return port;
    }
}
