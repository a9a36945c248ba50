package dev.stevedore.engine.internal.network;

import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.internal.runtime.ProcessIdentity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Host services for containers ({@code ContainerSpec.exposedHostPorts}): a server of the host's loopback
 * ({@code 127.0.0.1:PORT}) reachable from a container as {@value NetworkManager#HOST_ALIAS}{@code :PORT}, with no
 * sidecar and nothing listening on the host beyond what was there.
 *
 * <p>The relay is the launcher's proxy mode reversed ({@code launcher proxy -L PID}, engine/src/main/c/hostrelay.c):
 * a process that stays in the host's network namespace, with listening sockets it had made inside the container's, on
 * {@value #RELAY_ADDRESS}, an address of the container's own loopback that no other namespace can reach, which its
 * {@code /etc/hosts} names {@value NetworkManager#HOST_ALIAS}. Each connection accepted there is relayed to
 * {@code 127.0.0.1:PORT} on the host. Only the ports asked for listen, so any other port of that name is refused. The
 * process ends with the container's first process (a pidfd) or its record directory, so it goes with the container
 * whichever JVM stops it; the same for a rootless engine, whose relay joins the user's user namespace only in the
 * child that makes the sockets.
 */
final class HostServices {
    /** Where a container reaches its host relay: on its own loopback, which only its network namespace has. */
    static final String RELAY_ADDRESS = "127.0.0.254";
    private static final Logger LOG = LoggerFactory.getLogger(HostServices.class);
    private static final String LOOPBACK = "127.0.0.1";

    private final Supplier<Path> launcher;
    private final ConcurrentHashMap<String, ProcessIdentity> relays = new ConcurrentHashMap<>();

    /** Relays through the launcher binary {@code launcher} gives (extracted on first use). */
    HostServices(Supplier<Path> launcher) {
        this.launcher = launcher;
    }

    /**
     * Starts the relay of a starting container: called while {@code container}, its first process, exists in its own
     * network namespace and before its command runs, so the ports listen before anything in it can connect.
     *
     * @param directory the container's network record directory (the relay logs there and ends when it is removed)
     */
    void start(String containerId, String name, Path directory, ProcessIdentity container, List<Integer> ports) {
        if (ports.isEmpty()) {
            return;
        }
        List<ProxyProcess.Forward> forwards = ports.stream()
                .map(p -> new ProxyProcess.Forward("tcp", RELAY_ADDRESS, p, LOOPBACK, p)).toList();
        try {
            ProxyProcess.Started started = ProxyProcess.startListeningInside(launcher.get(), directory, container, forwards);
            ProcessIdentity previous = relays.put(containerId, started.process());
            if (previous != null) {
                stopQuietly(containerId, previous);
            }
            started.ended().thenRun(() -> relays.remove(containerId, started.process()));
        } catch (IOException e) {
            throw new ContainerEngineException("relaying host ports " + ports + " into container " + name + " failed: "
                    + e.getMessage(), e);
        }
    }

    /**
     * Stops a container's relay when this JVM started it; one another JVM started ends by itself with the container.
     * It is gone, its sockets with it, when this returns.
     */
    void stop(String containerId) {
        ProcessIdentity relay = relays.remove(containerId);
        if (relay != null) {
            stopQuietly(containerId, relay);
        }
    }

    private static void stopQuietly(String containerId, ProcessIdentity relay) {
        try {
            ProxyProcess.stop(relay);
        } catch (IOException | RuntimeException e) {
            LOG.warn("stopping the host relay process {} of container {} failed: {}", relay.pid(), containerId, e.toString());
        }
    }
}
