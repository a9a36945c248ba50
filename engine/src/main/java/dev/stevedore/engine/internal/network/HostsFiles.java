package dev.stevedore.engine.internal.network;

import dev.stevedore.engine.ExtraHost;

import dev.stevedore.engine.internal.network.EtcFiles.HostEntry;
import dev.stevedore.engine.internal.network.NetworkStore.ContainerRecord;
import dev.stevedore.engine.internal.network.NetworkStore.Member;
import dev.stevedore.engine.internal.network.NetworkStore.NetworkRecord;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A container's {@code /etc/hosts} and {@code /etc/resolv.conf}, in its network record directory (the launcher
 * bind-mounts them): its own names, every peer on its networks by name, alias and short id, and
 * {@value NetworkManager#HOST_ALIAS} for the host. Rewritten in place whenever a member of one of its networks
 * comes or goes; there is no DNS server. Callers hold the {@link HostLock}.
 */
final class HostsFiles {
    private final NetworkStore store;
    private final java.util.function.UnaryOperator<String> hostAddress;
    private final String nameServer;

    /**
     * {@code hostAddress}: where a container reaches the host, given its first network's gateway; {@code nameServer}:
     * the one name server of containers on bridges, or {@code null} for the host's that they can reach.
     */
    HostsFiles(NetworkStore store, java.util.function.UnaryOperator<String> hostAddress, String nameServer) {
        this.store = store;
        this.hostAddress = hostAddress;
        this.nameServer = nameServer;
    }

    /**
     * The host's resolv.conf as is when the container shares the host's network; else with the wiring's name
     * server, or without the host's loopback name servers where there is none; then the container's own servers,
     * search domains and options in place of those where it has any.
     */
    void writeResolvConf(ContainerRecord container) throws IOException {
        String host = readHostFile("/etc/resolv.conf");
        Path file = store.containerDirectory(container.id()).resolve("resolv.conf");
        String base = container.mode() == NetworkMode.HOST ? host : EtcFiles.resolvConf(host, nameServer);
        NameResolution names = container.names();
        EtcFiles.rewrite(file, names.ownResolver()
                ? EtcFiles.resolvConf(base, names.dns(), names.dnsSearch(), names.dnsOptions()) : base);
    }

    /** Rewrites the hosts files of every container on {@code networkIds}. */
    void rewriteNetworks(List<String> networkIds, Map<String, NetworkRecord> networks) throws IOException {
        Set<String> containers = new LinkedHashSet<>();
        for (String id : networkIds) {
            NetworkRecord n = networks.get(id);
            if (n != null) {
                containers.addAll(n.members().keySet());
            }
        }
        for (String id : containers) {
            ContainerRecord c = store.container(id);
            if (c != null) {
                write(c, networks);
            }
        }
    }

    /** Writes a container's hosts file from the networks' records as they are now. */
    void write(ContainerRecord container, Map<String, NetworkRecord> networks) throws IOException {
        Path file = store.containerDirectory(container.id()).resolve("hosts");
        if (container.mode() == NetworkMode.HOST) {
            String host = readHostFile("/etc/hosts");
            StringBuilder extra = new StringBuilder();
            extraHosts(container, "127.0.0.1").forEach(e -> extra.append(e.address()).append('\t')
                    .append(String.join(" ", e.names())).append('\n'));
            EtcFiles.rewrite(file, host + (host.endsWith("\n") || host.isEmpty() ? "" : "\n") + extra
                    + "127.0.0.1\t" + NetworkManager.HOST_ALIAS + " " + container.hostname() + "\n");
            return;
        }
        List<HostEntry> own = new ArrayList<>();
        List<HostEntry> peers = new ArrayList<>();
        String gateway = null;
        for (String id : container.networks()) {
            NetworkRecord n = networks.get(id);
            Member me = n == null ? null : n.members().get(container.id());
            if (me == null || me.address() == null) {
                continue;
            }
            List<String> names = new ArrayList<>();
            if (own.isEmpty()) {
                names.addAll(hostnames(container));
                gateway = n.gateway();
            }
            names.add(me.name());
            names.addAll(me.aliases());
            names.add(shortId(container.id()));
            own.add(new HostEntry(me.address(), names));
            n.members().forEach((peerId, peer) -> {
                if (!peerId.equals(container.id()) && peer.address() != null) {
                    List<String> peerNames = new ArrayList<>();
                    peerNames.add(peer.name());
                    peerNames.addAll(peer.aliases());
                    peerNames.add(shortId(peerId));
                    peers.add(new HostEntry(peer.address(), peerNames));
                }
            });
        }
        // as Docker: the extra hosts before the container's own names, so that they win over every other line
        List<HostEntry> entries = new ArrayList<>(extraHosts(container, gateway == null ? "127.0.0.1"
                : hostAddress.apply(gateway)));
        entries.addAll(links(container, networks));
        entries.addAll(own);
        boolean relayed = !container.names().hostPorts().isEmpty();
        if (relayed) {
            // the host relay's address on the container's loopback: only the ports asked for, as the test asked
            entries.add(new HostEntry(HostServices.RELAY_ADDRESS, List.of(NetworkManager.HOST_ALIAS)));
        }
        if (gateway != null) {
            if (!relayed) {
                entries.add(new HostEntry(hostAddress.apply(gateway), List.of(NetworkManager.HOST_ALIAS)));
            }
        } else {
            // Alone (mode none, or on no network right now): its hostname still resolves, as programs expect.
            entries.add(new HostEntry("127.0.0.1", hostnames(container)));
        }
        entries.addAll(peers);
        EtcFiles.rewrite(file, EtcFiles.hosts(entries));
    }

    /** The container's hostname, after it with its domain first when it has one ({@code HOSTNAME.DOMAIN HOSTNAME}). */
    private static List<String> hostnames(ContainerRecord container) {
        String domain = container.names().domainname();
        return domain.isEmpty() ? List.of(container.hostname())
                : List.of(container.hostname() + "." + domain, container.hostname());
    }

    /** The container's {@code --add-host} entries, {@code host-gateway} as {@code hostGateway}. */
    private static List<HostEntry> extraHosts(ContainerRecord container, String hostGateway) {
        return container.names().extraHosts().stream().map(ExtraHost::parse).map(e -> new HostEntry(
                e.address().equals(ExtraHost.HOST_GATEWAY) ? hostGateway : e.address(), List.of(e.name()))).toList();
    }

    /**
     * A line for each legacy link whose container shares a network with this one and has an address there, as
     * dockerd writes it: the alias, the linked container's hostname, and its name when that is not the alias.
     */
    private List<HostEntry> links(ContainerRecord container, Map<String, NetworkRecord> networks) throws IOException {
        List<HostEntry> entries = new ArrayList<>();
        for (String link : container.names().links()) {
            String linkedId = link.substring(0, link.indexOf(':'));
            String alias = link.substring(link.indexOf(':') + 1);
            for (String id : container.networks()) {
                NetworkRecord n = networks.get(id);
                Member peer = n == null ? null : n.members().get(linkedId);
                ContainerRecord linked = peer == null || peer.address() == null ? null : store.container(linkedId);
                if (linked != null) {
                    List<String> names = new ArrayList<>(List.of(alias, linked.hostname()));
                    if (!alias.equals(peer.name())) {
                        names.add(peer.name());
                    }
                    entries.add(new HostEntry(peer.address(), names));
                    break;
                }
            }
        }
        return entries;
    }

    private static String shortId(String id) {
        return id.substring(0, Math.min(12, id.length()));
    }

    private static String readHostFile(String path) throws IOException {
        try {
            return Files.readString(Path.of(path));
        } catch (NoSuchFileException e) {
            return "";
        }
    }
}
