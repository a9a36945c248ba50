package dev.stevedore.dsl;

import dev.stevedore.engine.ExecResult;
import dev.stevedore.engine.ExecSpec;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Ready once TCP ports listen inside the container and accept connections from the host: {@link Wait#port}.
 * Immutable.
 *
 * <p>Inside, it reads the container's {@code /proc/net/tcp} and {@code /proc/net/tcp6} (with {@code cat}, run by
 * exec) for a listening socket. From the host, a connection must succeed. Both are needed because a userland
 * port proxy accepts host connections before anything listens behind it. In an image without {@code cat},
 * the host check alone decides, and counts a connection the proxy closes at once as not ready.
 */
public final class PortWait implements WaitStrategy {
    private static final int LISTEN = 0x0A;
    private static final Duration PROBE_LIMIT = Duration.ofSeconds(2);
    private static final int PROXY_CLOSE_WINDOW_MILLIS = 100;

    private final int[] ports;
    private final boolean outsideOnly;
    private final Duration timeout;

    PortWait(int[] ports, boolean outsideOnly, Duration timeout) {
        if (ports.length == 0) {
            throw new InvalidDefinitionException("wait for ports", "name at least one port");
        }
        this.ports = ports.clone();
        this.outsideOnly = outsideOnly;
        this.timeout = timeout;
    }

    /** Checks only from the host (for images where nothing can be exec'd). */
    public PortWait outsideOnly() {
        return new PortWait(ports, true, timeout);
    }

    /** Its own timeout. */
    public PortWait timeout(Duration value) {
        return new PortWait(ports, outsideOnly, value);
    }

    @Override
    public Optional<Duration> timeout() {
        return Optional.ofNullable(timeout);
    }

    @Override
    public void waitUntilReady(ContainerHandle container, Duration timeout) {
        boolean[] insideUnavailable = {outsideOnly};
        Set<Integer> pending = new HashSet<>();
        Arrays.stream(ports).forEach(pending::add);
        Waiting.until(container, timeout, description(), observed -> {
            Set<Integer> listening = insideUnavailable[0] ? null : listeningInside(container, insideUnavailable);
            for (Integer port : Set.copyOf(pending)) {
                boolean inside = listening == null || listening.contains(port);
                if (inside && acceptsFromHost(container, port, listening == null)) {
                    pending.remove(port);
                }
            }
            observed.set(pending.isEmpty() ? "all listening" : "not yet listening: " + pending.stream().sorted()
                    .map(String::valueOf).collect(Collectors.joining(", ")) + (insideUnavailable[0] && !outsideOnly
                    ? " (no cat in the image: checked from the host only)" : ""));
            return pending.isEmpty();
        });
    }

    /** The ports listening inside, or {@code null} when that cannot be found out (then marked unavailable). */
    private static Set<Integer> listeningInside(ContainerHandle container, boolean[] unavailable) {
        ExecResult result;
        try {
            result = container.exec(ExecSpec.of("cat", "/proc/net/tcp", "/proc/net/tcp6").withTimeout(PROBE_LIMIT));
        } catch (RuntimeException e) {
            unavailable[0] = true;
            return null;
        }
        if (result.exitCode() == 126 || result.exitCode() == 127 || result.stdout().isEmpty()) {
            unavailable[0] = true;
            return null;
        }
        return listeningPorts(result.stdout());
    }

    /** Ports in LISTEN state in the text of {@code /proc/net/tcp} (and tcp6). */
    static Set<Integer> listeningPorts(String procNetTcp) {
        Set<Integer> listening = new HashSet<>();
        for (String line : procNetTcp.split("\n")) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length < 4 || !fields[0].endsWith(":")) {
                continue;
            }
            int colon = fields[1].lastIndexOf(':');
            try {
                int port = Integer.parseInt(fields[1].substring(colon + 1), 16);
                int state = Integer.parseInt(fields[3].toLowerCase(Locale.ROOT), 16);
                if (state == LISTEN) {
                    listening.add(port);
                }
            } catch (NumberFormatException | IndexOutOfBoundsException e) {
                // not a socket line
            }
        }
        return listening;
    }

    private static boolean acceptsFromHost(ContainerHandle container, int port, boolean watchForProxyClose) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(container.host(), container.port(port)), (int) PROBE_LIMIT.toMillis());
            if (!watchForProxyClose) {
                return true;
            }
            socket.setSoTimeout(PROXY_CLOSE_WINDOW_MILLIS);
            InputStream in = socket.getInputStream();
            try {
                return in.read() != -1;
            } catch (SocketTimeoutException quiet) {
                return true; // connected and nobody hung up: something listens behind the proxy
            }
        } catch (java.net.ConnectException refused) {
            return false;
        }
    }

    @Override
    public String description() {
        return (ports.length == 1 ? "port " : "ports ") + Arrays.stream(ports).mapToObj(String::valueOf)
                .collect(Collectors.joining(", ")) + " to listen" + (outsideOnly ? " (checked from the host)" : "");
    }
}
