package dev.stevedore.engine.internal.network;

import dev.stevedore.engine.internal.runtime.ProcessIdentity;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The main of a port proxy process ({@link ProxyProcess} starts it): the {@link PortProxy} serving the
 * published ports of one container that outlives the JVM that started it, in a process that lives exactly
 * as long as the container.
 *
 * <p>Arguments: the container's network record directory, the pid and start time of the container's first
 * process, then four per port: host address, host port (0 for a free one), container address, container
 * port. It binds every port, then writes one line to stdout and closes it:
 * {@code ready <own pid> <own start time> <host port>...} (the ports in argument order),
 * {@code failed <message>} (nothing bound; exit 1) or {@code ended} (the container's process was gone
 * already; exit 3). Once ready it relays until the container's first process ends or its record
 * directory disappears (checked every {@value #WATCH_MILLIS} ms), then exits; the engine kills it when it
 * stops or removes the container. It writes to files nothing but its stderr, which the engine points at a
 * log file.
 */
public final class PortProxyMain {
    static final long WATCH_MILLIS = 100;
    static final int EXIT_FAILED = 1;
    static final int EXIT_ENDED = 3;

    private PortProxyMain() {
    }

    public static void main(String[] args) {
        PrintStream report = System.out;
        if (args.length < 7 || (args.length - 3) % 4 != 0) {
            report.println("failed usage: PortProxyMain <record directory> <pid> <start time>"
                    + " (<host address> <host port> <container address> <container port>)...");
            report.flush();
            System.exit(EXIT_FAILED);
        }
        Path directory = Path.of(args[0]);
        ProcessIdentity watched = new ProcessIdentity(Long.parseLong(args[1]), Long.parseLong(args[2]));
        if (!watched.isAlive()) {
            report.println("ended");
            report.flush();
            System.exit(EXIT_ENDED);
        }
        PortProxy proxy = new PortProxy();
        List<PortForwarder> forwarders = new ArrayList<>();
        try {
            for (int i = 3; i < args.length; i += 4) {
                forwarders.add(proxy.forward(
                        new InetSocketAddress(InetAddress.getByName(args[i]), Integer.parseInt(args[i + 1])),
                        new InetSocketAddress(InetAddress.getByName(args[i + 2]), Integer.parseInt(args[i + 3]))));
            }
        } catch (IOException | RuntimeException e) {
            proxy.close();
            report.println("failed " + String.valueOf(e.getMessage()).replace('\n', ' '));
            report.flush();
            System.exit(EXIT_FAILED);
        }
        ProcessIdentity self = ProcessIdentity.current();
        StringBuilder ready = new StringBuilder("ready ").append(self.pid()).append(' ').append(self.startTime());
        forwarders.forEach(f -> ready.append(' ').append(f.port()));
        report.println(ready);
        report.close();
        closeStdin();
        System.err.println(Instant.now() + " serving " + forwarders + " while process " + watched.pid() + " runs");

        long pause = TimeUnit.MILLISECONDS.toNanos(WATCH_MILLIS);
        while (watched.isAlive() && Files.isDirectory(directory)) {
            LockSupport.parkNanos(pause);
        }
        System.err.println(Instant.now() + (Files.isDirectory(directory) ? " the container ended" : " the container was removed")
                + "; closing " + forwarders);
        proxy.close();
        System.exit(0);
    }

    private static void closeStdin() {
        try {
            System.in.close();
        } catch (IOException e) {
            // nothing reads it
        }
    }
}
