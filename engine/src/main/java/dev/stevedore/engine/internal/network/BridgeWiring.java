package dev.stevedore.engine.internal.network;

import java.io.IOException;
import java.util.List;
import java.util.Set;

/**
 * Where the bridges live and how containers are plugged into them: the kernel side of networks, chosen once
 * per engine. The rootful engine's is {@link HostBridges} (the host's network namespace, over rtnetlink from the
 * JVM); a rootless engine's would keep the bridges in one network namespace of the user's and do the same there.
 * Everything above it (records, addresses, hosts files, ports) is the same for both.
 *
 * <p>Callers hold the {@link HostLock} for changes; implementations are thread-safe.
 */
interface BridgeWiring extends AutoCloseable {
    /** The routes where the bridges live, which a new subnet must not overlap. */
    List<HostRoutes.Route> routes() throws IOException;

    /** The index of the network's bridge; 0 when it does not exist. */
    int bridgeIndex(NetworkStore.NetworkRecord network) throws IOException;

    /**
     * Creates the network's bridge with the gateway address of {@code subnet}, up, and never routing on what
     * arrives on it (containers reach the host, not other networks or beyond).
     *
     * @return its index
     */
    int createBridge(NetworkStore.NetworkRecord network, Subnet subnet) throws IOException;

    /** Where containers reach the host's loopback services ({@code host.stevedore.internal}), given their gateway. */
    String hostAddress(String gateway);

    /** The name server of containers on bridges, or {@code null} for the host's ones they can reach. */
    String nameServer();

    /** Opens the network namespace of a container's first process {@code pid}, to plug it into bridges. */
    ContainerSide enter(long pid) throws IOException;

    /** Whether a bridge or veth of that name exists where the bridges live. */
    boolean hasLink(String name) throws IOException;

    /** Deletes a bridge or veth by name; one that does not exist is no error. */
    void deleteLink(String name) throws IOException;

    /**
     * Deletes this engine's bridges not in {@code bridges}, veths on its bridges not in {@code veths}, and empty
     * bridges of engines whose state directory is gone: what engines killed half-way left behind.
     */
    void deleteStrayLinks(Set<String> bridges, Set<String> veths) throws IOException;

    @Override
    void close();

    /** A container's network namespace, open while it is plugged into its networks. */
    interface ContainerSide extends AutoCloseable {
        /** The first of {@code eth0}..{@code eth63} the container does not have yet. */
        String freeInterfaceName() throws IOException;

        /**
         * Connects the container to a bridge: a veth pair named {@code veth} on the bridge's side (one left behind
         * by a killed engine is replaced), {@code interfaceName} inside with {@code address} in {@code subnet} and
         * the MAC address {@code mac} ({@code null}: the kernel's choice), up, and the container's loopback up.
         */
        void plug(String veth, int bridgeIndex, String interfaceName, int address, Subnet subnet, byte[] mac)
                throws IOException;

        @Override
        void close();
    }
}
