package dev.stevedore.engine.internal.network;

import dev.stevedore.engine.ContainerSpec;

import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.internal.network.NetworkStore.ContainerRecord;
import dev.stevedore.engine.internal.network.NetworkStore.Member;
import dev.stevedore.engine.internal.network.NetworkStore.NetworkRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Puts containers on their networks and takes them off: a network's bridge made when first needed, an address
 * from its subnet, a veth pair through the engine's {@link BridgeWiring}. Each change is recorded before it is
 * made in the kernel, so an engine killed half-way leaves records that reaping or the next attempt can clean up.
 * Callers hold the {@link HostLock} and pass the networks by id, which these methods keep up to date.
 */
final class Attachments {
    private static final Logger LOG = LoggerFactory.getLogger(Attachments.class);

    /**
     * The system property that keeps the default network's bridge when an engine closes with nothing on it: the CLI
     * sets it, since a command that runs one container and exits would otherwise delete the bridge and the next
     * command make it again (tens of milliseconds each way, most of it the kernel's, under the host-wide lock). A
     * kept bridge goes at the first open of an engine on its state directory once it has been idle for
     * {@link #IDLE_GRACE}, and at any engine's open once its state directory is gone.
     */
    static final String KEEP_IDLE_BRIDGE = "stevedore.network.keepIdleBridge";
    /** How long a kept idle default bridge waits for the next container before an engine's open deletes it. */
    static final Duration IDLE_GRACE = Duration.ofMinutes(10);

    private final NetworkStore store;
    private final AddressPool pool;
    private final BridgeWiring wiring;
    private final boolean keepIdle;

    Attachments(NetworkStore store, AddressPool pool, BridgeWiring wiring) {
        this.store = store;
        this.pool = pool;
        this.wiring = wiring;
        this.keepIdle = Boolean.getBoolean(KEEP_IDLE_BRIDGE);
    }

    /** A network's bridge: its index, and the network's record (changed when its subnet had to move). */
    record Bridge(NetworkRecord network, int index) {
    }

    /**
     * Creates the network's bridge if it is missing. A subnet only belongs to a network while its bridge
     * exists (the bridge's route is what other engines see), so a missing bridge's subnet is checked
     * against the routes again first; the default network moves to a free one when it collides.
     */
    Bridge ensureBridge(NetworkRecord network, Map<String, NetworkRecord> networks) throws IOException {
        if (network.predefined()) {
            Files.deleteIfExists(idleMark(network)); // in use again: idle from the next close that leaves it so
        }
        int index = wiring.bridgeIndex(network);
        if (index != 0) {
            return new Bridge(network, index);
        }
        Subnet subnet = network.parsedSubnet();
        List<HostRoutes.Route> routes = wiring.routes();
        HostRoutes.Route clash = routes.stream().filter(r -> r.destination().overlaps(subnet)).findFirst().orElse(null);
        if (clash != null) {
            boolean attached = network.members().values().stream().anyMatch(m -> m.address() != null);
            if (!network.predefined() || attached) {
                throw new ContainerEngineException("network \"" + network.name() + "\" cannot get its bridge back: its subnet "
                        + subnet + " now overlaps the host's route to " + clash.destination() + " on " + clash.device()
                        + "; remove the network and create it again");
            }
            List<NetworkRecord> others = new ArrayList<>(networks.values());
            others.removeIf(n -> n.id().equals(network.id()));
            Subnet moved = pool.allocateSubnet(others, routes);
            NetworkRecord updated = new NetworkRecord(network.id(), network.name(), moved.toString(), network.bridge(),
                    network.internal(), network.predefined(), network.labels(), network.created(), 0, network.members(),
                    network.attachable());
            store.save(updated);
            networks.put(updated.id(), updated);
            return ensureBridge(updated, networks);
        }
        return new Bridge(network, wiring.createBridge(network, subnet));
    }

    /** Attaches a container whose namespace {@code side} is open to {@code network}. */
    NetworkManager.Attachment attach(ContainerRecord container, NetworkRecord network, BridgeWiring.ContainerSide side,
                                     Map<String, NetworkRecord> networks) throws IOException {
        Bridge bridge = ensureBridge(network, networks);
        network = bridge.network();
        Member before = network.members().get(container.id());
        String requested = before == null ? null : before.staticAddress();
        int address = requested == null ? AddressPool.allocateAddress(network)
                : AddressPool.claimAddress(network, container.id(), requested);
        String veth = vethName(container.id(), network.id());
        String ifname = side.freeInterfaceName();
        String mac = before == null ? null : before.macAddress();
        Member member = new Member(before == null ? container.name() : before.name(),
                before == null ? List.of() : before.aliases(), Subnet.format(address), veth, ifname, requested, mac);
        // Recorded before the veth exists, so an engine killed in between leaves a name reaping can delete.
        NetworkRecord updated = network.withMember(container.id(), member);
        if (requested == null) {
            updated = updated.withLastAllocated(address); // a static address leaves the order of the others as it was
        }
        store.save(updated);
        networks.put(updated.id(), updated);
        side.plug(veth, bridge.index(), ifname, address, network.parsedSubnet(),
                mac == null ? null : ContainerSpec.macAddress(mac));
        return new NetworkManager.Attachment(network.name(), member.address(), network.gateway(), ifname, veth);
    }

    /**
     * Frees the container's address on {@code networkId} and, when {@code deleteVeth}, deletes its veth
     * pair; the membership stays. A stopped container's veth needs no deleting: the kernel deletes it
     * with the container's network namespace, and deleting it here would cost 10-30 ms (an RCU grace
     * period) for nothing.
     */
    void release(String containerId, Map<String, NetworkRecord> networks, String networkId, boolean deleteVeth)
            throws IOException {
        NetworkRecord network = networks.get(networkId);
        Member member = network == null ? null : network.members().get(containerId);
        if (member == null) {
            return;
        }
        if (member.veth() != null && deleteVeth) {
            wiring.deleteLink(member.veth());
        }
        if (member.address() != null || member.veth() != null) {
            NetworkRecord updated = network.withMember(containerId, member.detached());
            store.save(updated);
            networks.put(networkId, updated);
        }
    }

    /** {@link #release} after a failure: a second failure is logged, the first one is what the caller reports. */
    void releaseQuietly(String containerId, Map<String, NetworkRecord> networks, String networkId) {
        try {
            release(containerId, networks, networkId, true);
        } catch (IOException | RuntimeException e) {
            LOG.warn("releasing container {} from network {} after a failure failed too: {}", containerId, networkId, e.toString());
        }
    }

    /** Releases the container from {@code networkId} and ends its membership there. */
    void leave(String containerId, Map<String, NetworkRecord> networks, String networkId) throws IOException {
        release(containerId, networks, networkId, true);
        NetworkRecord updated = networks.get(networkId).withoutMember(containerId);
        store.save(updated);
        networks.put(updated.id(), updated);
    }

    void deleteBridge(NetworkRecord network) throws IOException {
        wiring.deleteLink(network.bridge());
    }

    void deleteBridgeQuietly(NetworkRecord network) {
        try {
            deleteBridge(network);
        } catch (IOException | RuntimeException e) {
            LOG.warn("deleting the bridge {} of network {} failed: {}", network.bridge(), network.name(), e.toString());
        }
    }

    /**
     * At an engine's close: deletes the default network's bridge when no container is attached to it (it is made
     * again when needed), or, where bridges are kept idle, leaves it and marks since when it is idle.
     */
    void closeIdleDefaultBridge(Iterable<NetworkRecord> networks) {
        for (NetworkRecord n : idleDefault(networks)) {
            if (!keepIdle) {
                deleteIdle(n);
                continue;
            }
            try {
                Path mark = idleMark(n);
                if (!Files.exists(mark) && wiring.hasLink(n.bridge())) {
                    Files.write(mark, new byte[0]); // its time is when the bridge was left idle
                }
            } catch (IOException | RuntimeException e) {
                LOG.warn("marking the idle bridge {} of network {} failed: {}", n.bridge(), n.name(), e.toString());
            }
        }
    }

    /**
     * At an engine's open (reaping): deletes the default network's bridge when no container is attached to it,
     * unless an engine that keeps bridges idle left it so less than {@link #IDLE_GRACE} ago.
     */
    void deleteIdleDefaultBridge(Iterable<NetworkRecord> networks) {
        for (NetworkRecord n : idleDefault(networks)) {
            if (!keepIdle || !recentlyIdle(n)) {
                deleteIdle(n);
            }
        }
    }

    private static List<NetworkRecord> idleDefault(Iterable<NetworkRecord> networks) {
        List<NetworkRecord> idle = new ArrayList<>();
        for (NetworkRecord n : networks) {
            if (n.predefined() && n.members().values().stream().allMatch(m -> m.address() == null)) {
                idle.add(n);
            }
        }
        return idle;
    }

    private boolean recentlyIdle(NetworkRecord network) {
        try {
            return Files.getLastModifiedTime(idleMark(network)).toInstant().isAfter(Instant.now().minus(IDLE_GRACE));
        } catch (IOException e) {
            return false; // no mark: left by an engine that deletes idle bridges, and was killed before its close
        }
    }

    private void deleteIdle(NetworkRecord network) {
        deleteBridgeQuietly(network);
        try {
            Files.deleteIfExists(idleMark(network));
        } catch (IOException e) {
            // the mark of a bridge that is gone: the next close that keeps one writes it anew
        }
    }

    private Path idleMark(NetworkRecord network) {
        return store.directory().resolve(network.id() + ".idle");
    }

    private static String vethName(String containerId, String networkId) {
        return HostBridges.VETH_PREFIX + NetworkRecords.sha256(containerId + "/" + networkId).substring(0, 11);
    }
}
