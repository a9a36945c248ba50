package dev.stevedore.engine.internal.network;

import dev.stevedore.engine.internal.network.NetworkStore.ProxyRecord;
import dev.stevedore.engine.internal.runtime.ProcessIdentity;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One way of serving a container's published ports: a userland proxy that accepts on the host and relays to the
 * container's address. The engine picks its publishers once ({@link NetworkBackend}): today this JVM's
 * {@link JvmPortPublisher} for containers that go with their JVM and a {@link ProcessPortPublisher} for those
 * that outlive it; a rootless engine picks one whose proxy connects inside the user's network namespace
 * ({@link ProcessPortPublisher#insideNamespaceOf}).
 */
interface PortPublisher extends AutoCloseable {
    /**
     * Binds every port now (all or none: a port in use fails here, naming it) and relays them until
     * {@link #stop} or the container's end.
     *
     * @param containerId the container
     * @param directory   its network record directory (a proxy process logs there and ends when it is removed)
     * @param container   its first process (null only for this JVM's publisher)
     * @param forwards    what to publish, each with the container's address
     */
    Served publish(String containerId, Path directory, ProcessIdentity container, List<ProxyProcess.Forward> forwards)
            throws IOException;

    /**
     * Stops serving a container's ports, as this publisher served them: {@code recorded} is the proxy process
     * its record names (any JVM's), null when none. The ports are free when it returns; failures are logged.
     */
    void stop(String containerId, ProxyRecord recorded);

    /** Stops what this publisher serves in this JVM; proxy processes stay, they serve containers that outlive it. */
    @Override
    void close();

    /**
     * Ports being served.
     *
     * @param ports   the host ports bound, in the order asked
     * @param process the proxy process serving them; null when this JVM does
     * @param ended   completes when that process ends (never for this JVM's)
     */
    record Served(List<Integer> ports, ProcessIdentity process, CompletableFuture<?> ended) {
        public Served {
            ports = List.copyOf(ports);
        }
    }
}
