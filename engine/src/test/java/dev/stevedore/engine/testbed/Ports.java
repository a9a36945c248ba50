package dev.stevedore.engine.testbed;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports of 127.0.0.1 for tests that name a port now and bind it (or leave it dead) later. A port 0 bind, closed, gives
 * a port of the kernel's ephemeral range, which the machine's outgoing connections and other port 0 binds draw from:
 * under load one of them takes it before the test binds it. These ports come from below that range, where only an
 * explicit bind takes one.
 */
public final class Ports {
    private Ports() {
    }

    /** A tcp port of 127.0.0.1 that nothing listens on right now, below the ephemeral range. */
    public static int freeLoopbackPort() {
        int ephemeral = ephemeralRangeStart();
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(ephemeral / 2, ephemeral);
            if (bindable(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no free tcp port of 127.0.0.1 in 200 tries between " + ephemeral / 2 + " and "
                + ephemeral);
    }

    /** Whether 127.0.0.1:port can be bound now. */
    public static boolean bindable(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int ephemeralRangeStart() {
        try {
            // by lines: Files.readString trusts the file's size, which procfs gives as 0, and reads one byte of it
            return Integer.parseInt(Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0).strip()
                    .split("\\s+")[0]);
        } catch (IOException e) {
            throw new UncheckedIOException("reading the ephemeral port range", e);
        }
    }
}
