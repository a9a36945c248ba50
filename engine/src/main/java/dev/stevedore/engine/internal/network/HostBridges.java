package dev.stevedore.engine.internal.network;

import dev.stevedore.engine.internal.network.NetworkStore.NetworkRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The {@link BridgeWiring}: bridges in one network namespace ({@link LinkNamespace}: the host's for the rootful
 * engine, the user's for a rootless one), veth pairs from there into the containers' namespaces, all over rtnetlink
 * from the JVM (one socket where the bridges are, one per container while it is plugged in). Each bridge carries an alias naming this engine's state directory ({@link #bridgeAlias}), so that
 * only an engine's own leftovers, or those of a state directory that was deleted, are ever deleted.
 */
final class HostBridges implements BridgeWiring {
    private static final Logger LOG = LoggerFactory.getLogger(HostBridges.class);
    static final String BRIDGE_PREFIX = "stvd-";
    static final String VETH_PREFIX = "stvv";

    private final Path stateDirectory;
    private final String owner;
    private final LinkNamespace where;
    private Netlink hostSocket; // guarded by this

    /**
     * Bridges of the engine whose network state is in {@code stateDirectory}; {@code owner} is that directory's
     * short mark in bridge aliases; {@code where} the namespace they are in.
     */
    HostBridges(Path stateDirectory, String owner, LinkNamespace where) {
        this.stateDirectory = stateDirectory;
        this.owner = owner;
        this.where = where;
    }

    @Override
    public List<HostRoutes.Route> routes() throws IOException {
        return where.routes();
    }

    @Override
    public synchronized int bridgeIndex(NetworkRecord network) throws IOException {
        return host().linkIndex(network.bridge());
    }

    @Override
    public synchronized int createBridge(NetworkRecord network, Subnet subnet) throws IOException {
        Netlink host = host();
        int index = host.createBridge(network.bridge(), bridgeAlias(network));
        // Packets that arrive on this bridge are never routed on: containers reach the host, not other
        // networks, whatever net.ipv4.ip_forward says. Where the namespace routes out, they are, and a firewall rule
        // there keeps bridges apart (engine/src/main/c/outbound.c).
        where.sysctl("net/ipv4/conf/" + network.bridge() + "/forwarding", where.routesOut() ? "1" : "0");
        where.sysctlUnlessMissing("net/ipv6/conf/" + network.bridge() + "/disable_ipv6", "1");
        host.addAddress(index, network.bridge(), Subnet.inet(subnet.gateway()), subnet.prefixLength(), Subnet.inet(subnet.last()));
        host.setUp(index, network.bridge());
        return index;
    }

    @Override
    public String hostAddress(String gateway) {
        return where.hostAddress(gateway);
    }

    @Override
    public String nameServer() {
        return where.nameServer();
    }

    @Override
    public ContainerSide enter(long pid) throws IOException {
        NetNamespace namespace = NetNamespace.ofProcess(pid);
        Netlink inside;
        try {
            inside = where.openIn(namespace, pid);
        } catch (IOException | RuntimeException e) {
            namespace.close();
            throw e;
        }
        return new Side(namespace, inside);
    }

    @Override
    public synchronized boolean hasLink(String name) throws IOException {
        Optional<Set<String>> names = where.linkNames();
        return names.isPresent() ? names.get().contains(name) : host().linkIndex(name) != 0;
    }

    @Override
    public synchronized void deleteLink(String name) throws IOException {
        if (where.linkNames().map(names -> !names.contains(name)).orElse(false)) {
            return; // none: no socket opened (the idle default bridge, deleted at every close, is asked for each open)
        }
        host().deleteLink(name);
    }

    @Override
    public synchronized void deleteStrayLinks(Set<String> bridges, Set<String> veths) throws IOException {
        if (where.linkNames().map(names -> names.stream().noneMatch(n -> (n.startsWith(BRIDGE_PREFIX)
                || n.startsWith(VETH_PREFIX)) && !bridges.contains(n) && !veths.contains(n))).orElse(false)) {
            // no engine's link but those this one knows (its idle default bridge kept between CLI commands, say):
            // nothing is stray, and no socket is opened for it
            return;
        }
        Netlink host = host();
        List<Netlink.Link> links = host.links();
        Set<Integer> ownBridges = new HashSet<>();
        links.stream().filter(l -> bridges.contains(l.name())).forEach(l -> ownBridges.add(l.index()));
        for (Netlink.Link link : links) {
            boolean stray;
            if (link.name().startsWith(BRIDGE_PREFIX)) {
                boolean ours = link.alias() != null && link.alias().startsWith(alias(""));
                // Another state directory's bridge only when that directory is gone and nothing is on the bridge.
                stray = ours ? !bridges.contains(link.name())
                        : orphanedOwner(link) != null && links.stream().noneMatch(l -> l.master() == link.index());
            } else {
                stray = link.name().startsWith(VETH_PREFIX) && ownBridges.contains(link.master()) && !veths.contains(link.name());
            }
            if (stray) {
                LOG.info("deleting {}, left behind by an engine that stopped without cleaning up", link.name());
                host.deleteLink(link.name());
            }
        }
    }

    @Override
    public synchronized void close() {
        if (hostSocket != null) {
            hostSocket.close();
            hostSocket = null;
        }
    }

    private Netlink host() throws IOException {
        if (hostSocket == null) {
            hostSocket = where.open();
        }
        return hostSocket;
    }

    private String alias(String what) {
        return "stevedore " + owner + " " + what;
    }

    /**
     * {@code stevedore <owner> network <id> <name> <state directory>}: whose bridge it is, for people
     * reading {@code ip link} and for reaping, which deletes bridges of state directories that no
     * longer exist. The directory is left out when the alias would exceed the kernel's 255 bytes.
     */
    private String bridgeAlias(NetworkRecord network) {
        String alias = alias("network " + network.id().substring(0, 12) + " " + network.name());
        String withDirectory = alias + " " + stateDirectory;
        return withDirectory.getBytes(StandardCharsets.UTF_8).length <= 255 ? withDirectory : alias;
    }

    /**
     * The state directory a bridge alias names when it is that of a bridge whose state directory was
     * deleted (a test's temporary one, say) while the bridge stayed; null for anything else.
     */
    static Path orphanedOwner(Netlink.Link link) {
        if (link.alias() == null || !link.name().startsWith(BRIDGE_PREFIX) || !"bridge".equals(link.kind())) {
            return null;
        }
        String[] parts = link.alias().split(" ", 6);
        if (parts.length < 6 || !parts[0].equals("stevedore") || !parts[2].equals("network") || !parts[5].startsWith("/")) {
            return null;
        }
        Path directory = Path.of(parts[5]);
        return Files.isDirectory(directory) ? null : directory;
    }

    /** A container's namespace: its own rtnetlink socket inside, the host's socket for the veth's creation. */
    private final class Side implements ContainerSide {
        private final NetNamespace namespace;
        private final Netlink inside;

        Side(NetNamespace namespace, Netlink inside) {
            this.namespace = namespace;
            this.inside = inside;
        }

        @Override
        public String freeInterfaceName() throws IOException {
            for (int i = 0; i < 64; i++) {
                if (inside.linkIndex("eth" + i) == 0) {
                    return "eth" + i;
                }
            }
            throw new IOException("the container already has eth0 to eth63");
        }

        @Override
        public void plug(String veth, int bridgeIndex, String interfaceName, int address, Subnet subnet, byte[] mac)
                throws IOException {
            synchronized (HostBridges.this) {
                Netlink host = host();
                try {
                    host.createVeth(veth, bridgeIndex, interfaceName, namespace, mac);
                } catch (NetlinkException e) {
                    if (e.errno() != NetlinkException.EEXIST) {
                        throw e;
                    }
                    // Left behind by an engine that was killed while this container ran: its own again now.
                    host.deleteLink(veth);
                    host.createVeth(veth, bridgeIndex, interfaceName, namespace, mac);
                }
            }
            int index = inside.linkIndex(interfaceName);
            inside.addAddress(index, interfaceName, Subnet.inet(address), subnet.prefixLength(), Subnet.inet(subnet.last()));
            inside.setUp(index, interfaceName);
            inside.setUp(Netlink.LOOPBACK_INDEX, "lo");
            if (where.routesOut() && interfaceName.equals("eth0")) {
                inside.addDefaultRoute(index, interfaceName, Subnet.inet(subnet.gateway()));
            }
        }

        @Override
        public void close() {
            try {
                inside.close();
            } finally {
                namespace.close();
            }
        }
    }
}
