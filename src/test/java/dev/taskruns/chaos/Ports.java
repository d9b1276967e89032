package dev.taskruns.chaos;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;

/**
 * Listening ports for processes that are restarted on the same port: below Linux's ephemeral range
 * (32768 and up), where an outgoing connection of some other process may take a port number while
 * its owner is down and make the restart fail, and never the same one twice in a run.
 */
public final class Ports {

    private static final int FROM = 20_000;
    private static final int TO = 32_000;
    private static final Random RANDOM = new Random();
    private static final Set<Integer> TAKEN = new HashSet<>();

    private Ports() {
    }

    public static synchronized int free() {
        for (int attempt = 0; attempt < 1000; attempt++) {
            int port = FROM + RANDOM.nextInt(TO - FROM);
            if (!TAKEN.contains(port) && bindable(port)) {
                TAKEN.add(port);
                return port;
            }
        }
        throw new IllegalStateException("no free port between " + FROM + " and " + TO);
    }

    private static boolean bindable(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(port));
            return true;
        } catch (IOException inUse) {
            return false;
        }
    }
}
