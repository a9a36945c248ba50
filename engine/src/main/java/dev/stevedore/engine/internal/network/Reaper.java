package dev.stevedore.engine.internal.network;

import dev.stevedore.engine.internal.network.NetworkStore.ContainerRecord;
import dev.stevedore.engine.internal.network.NetworkStore.Member;
import dev.stevedore.engine.internal.network.NetworkStore.NetworkRecord;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Releases what containers hold on networks once they are gone: one container when it is removed
 * ({@link #forget}), and at engine start everything that containers of a killed JVM left behind
 * ({@link #reap}). Callers hold the {@link HostLock}.
 */
final class Reaper {
    private final NetworkStore store;
    private final Attachments attachments;
    private final PublishedPorts ports;
    private final HostsFiles hosts;
    private final BridgeWiring wiring;

    Reaper(NetworkStore store, Attachments attachments, PublishedPorts ports, HostsFiles hosts, BridgeWiring wiring) {
        this.store = store;
        this.attachments = attachments;
        this.ports = ports;
        this.hosts = hosts;
        this.wiring = wiring;
    }

    /** See {@link NetworkManager#reap}. */
    void reap(Predicate<String> containerIsGone, Predicate<String> containerIsRunning) throws IOException {
        Map<String, NetworkRecord> networks = NetworkRecords.byId(store.networks());
        Set<String> known = new HashSet<>();
        for (String id : store.containerIds()) {
            if (containerIsGone.test(id)) {
                ports.stopServing(id);
                forget(id, networks);
                continue;
            }
            known.add(id);
            ContainerRecord container = store.container(id);
            if (container == null) {
                continue;
            }
            if (!containerIsRunning.test(id)) {
                for (String networkId : container.networks()) {
                    attachments.release(id, networks, networkId, true);
                }
                ports.clear(container);
            } else if (container.proxy() != null && container.proxy().process().hasEnded()) {
                ports.restore(container, networks);
            }
        }
        for (NetworkRecord n : List.copyOf(networks.values())) {
            for (String member : n.members().keySet()) {
                if (!known.contains(member)) {
                    attachments.leave(member, networks, n.id());
                }
            }
        }
        Set<String> bridges = new HashSet<>();
        Set<String> veths = new HashSet<>();
        for (NetworkRecord n : networks.values()) {
            bridges.add(n.bridge());
            n.members().values().stream().map(Member::veth).filter(Objects::nonNull).forEach(veths::add);
        }
        wiring.deleteStrayLinks(bridges, veths);
        attachments.deleteIdleDefaultBridge(networks.values());
    }

    /** A container is removed: its proxy process stopped, its memberships ended, its files deleted, its peers told. */
    void forget(String containerId, Map<String, NetworkRecord> networks) throws IOException {
        ContainerRecord container = store.container(containerId);
        if (container != null && container.proxy() != null) {
            ports.clear(container);
        }
        List<String> touched = new ArrayList<>();
        for (NetworkRecord n : List.copyOf(networks.values())) {
            if (n.members().containsKey(containerId)) {
                attachments.leave(containerId, networks, n.id());
                touched.add(n.id());
            }
        }
        store.deleteContainer(containerId);
        if (container != null || !touched.isEmpty()) {
            hosts.rewriteNetworks(touched, networks);
        }
    }
}
