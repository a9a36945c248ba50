package dev.stevedore.engine.internal.network;

import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.internal.network.NetworkManager.Attachment;
import dev.stevedore.engine.internal.network.NetworkStore.ContainerRecord;
import dev.stevedore.engine.internal.network.NetworkStore.Member;
import dev.stevedore.engine.internal.network.NetworkStore.NetworkRecord;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static dev.stevedore.engine.internal.network.NetworkManager.requireContainer;

/**
 * Which networks a container is on, under which names and addresses: recorded when it is created, changed by
 * connect and disconnect (a running container wired or unwired at once), and read back for inspect. The
 * {@link NetworkManager} calls the changes under its host lock; the reads take none, as records are replaced atomically.
 */
final class Memberships {
    private final NetworkStore store;
    private final NetworkRecords records;
    private final Attachments attachments;
    private final HostsFiles hosts;
    private final BridgeWiring wiring;

    Memberships(NetworkStore store, NetworkRecords records, Attachments attachments, HostsFiles hosts, BridgeWiring wiring) {
        this.store = store;
        this.records = records;
        this.attachments = attachments;
        this.hosts = hosts;
        this.wiring = wiring;
    }

    /** Checks a new container's network mode and options, records its membership and writes its hosts and resolv.conf. */
    ContainerRecord prepare(String containerId, String name, String hostname, String networkMode, List<String> aliases,
                            boolean inMemory, NameResolution names, String ipv4Address, String macAddress) throws IOException {
        NetworkMode mode;
        try {
            mode = NetworkMode.of(networkMode);
        } catch (ContainerEngineException e) {
            throw new ContainerEngineException("creating container " + name + " failed: " + e.getMessage(), e);
        }
        if (mode != NetworkMode.BRIDGE && !aliases.isEmpty()) {
            throw new ContainerEngineException("creating container " + name + " failed: network aliases need a bridge"
                    + " network, not network mode " + networkMode);
        }
        if (mode != NetworkMode.BRIDGE && macAddress != null) {
            // dockerd's words; on none there is no interface to give it to
            throw new ContainerEngineException("creating container " + name + " failed: conflicting options:"
                    + " mac-address and the network mode (" + networkMode + ")");
        }
        if (mode != NetworkMode.BRIDGE && ipv4Address != null) {
            throw new ContainerEngineException("creating container " + name + " failed: user specified IP address is"
                    + " supported on user defined networks only, not network mode " + networkMode);
        }
        // first: where its membership is kept follows where its files are
        store.createContainerDirectory(containerId, inMemory);
        List<String> networkIds = new ArrayList<>();
        if (mode == NetworkMode.BRIDGE) {
            List<NetworkRecord> all = records.withDefault();
            NetworkRecord network = networkMode == null || networkMode.equals("default") ? NetworkRecords.defaultNetwork(all)
                    : NetworkRecords.find(all, networkMode);
            if (network.predefined() && !aliases.isEmpty()) {
                throw aliasesNeedAUserNetwork("creating container " + name, network);
            }
            if (ipv4Address != null) {
                checkStatic("creating container " + name, network, ipv4Address);
            }
            store.save(network.withMember(containerId, new Member(name, aliases, null, null, null, ipv4Address,
                    macAddress)));
            networkIds.add(network.id());
        }
        ContainerRecord record = new ContainerRecord(containerId, name, hostname, mode, networkIds, List.of(), null, names);
        store.save(record);
        hosts.writeResolvConf(record);
        hosts.write(record, NetworkRecords.byId(store.networks()));
        return record;
    }

    /** Connects a container to another network; a running one ({@code pid > 0}) is wired at once. */
    Attachment connect(String containerId, String network, List<String> aliases, String ipv4Address, long pid)
            throws IOException {
        ContainerRecord container = requireContainer(store, containerId);
        if (container.mode() != NetworkMode.BRIDGE) {
            throw new ContainerEngineException("connecting container " + container.name() + " to network \"" + network
                    + "\" failed: it uses network mode " + container.mode().wireName() + ", which cannot join other networks");
        }
        NetworkRecord record = NetworkRecords.find(records.withDefault(), network);
        if (record.predefined() && !aliases.isEmpty()) {
            throw aliasesNeedAUserNetwork("connecting container " + container.name(), record);
        }
        if (record.members().containsKey(containerId)) {
            throw new ContainerEngineException("connecting container " + container.name() + " to network \""
                    + record.name() + "\" failed: it is connected already");
        }
        List<String> ids = new ArrayList<>(container.networks());
        ids.add(record.id());
        if (ipv4Address != null) {
            checkStatic("connecting container " + container.name() + " to network \"" + record.name() + "\"", record,
                    ipv4Address);
        }
        record = record.withMember(containerId, new Member(container.name(), aliases, null, null, null, ipv4Address));
        store.save(record);
        container = container.withNetworks(ids);
        store.save(container);
        if (pid <= 0) {
            return new Attachment(record.name(), null, record.gateway(), null, null);
        }
        Map<String, NetworkRecord> networks = NetworkRecords.byId(store.networks());
        Attachment attachment;
        try (BridgeWiring.ContainerSide side = wiring.enter(pid)) {
            attachment = attachments.attach(container, record, side, networks);
        } catch (IOException | RuntimeException e) {
            // a connect that failed leaves the container off the network, so that another attempt may follow
            attachments.releaseQuietly(containerId, networks, record.id());
            NetworkRecord left = networks.get(record.id());
            store.save(left.withoutMember(containerId));
            ids.remove(record.id());
            store.save(container.withNetworks(ids));
            throw e;
        }
        hosts.rewriteNetworks(container.networks(), networks);
        return attachment;
    }

    /** Disconnects a container from a network, unwiring it if it runs. */
    void disconnect(String containerId, String network) throws IOException {
        ContainerRecord container = requireContainer(store, containerId);
        List<NetworkRecord> all = records.withDefault();
        NetworkRecord record = NetworkRecords.find(all, network);
        if (!record.members().containsKey(containerId)) {
            throw new ContainerEngineException("disconnecting container " + container.name() + " from network \""
                    + record.name() + "\" failed: it is not connected to it");
        }
        Map<String, NetworkRecord> networks = NetworkRecords.byId(all);
        attachments.leave(containerId, networks, record.id());
        List<String> ids = new ArrayList<>(container.networks());
        ids.remove(record.id());
        store.save(container.withNetworks(ids));
        hosts.rewriteNetworks(List.of(record.id()), networks);
        hosts.write(container.withNetworks(ids), networks);
    }

    /** The static addresses asked for a container ({@code --ip}), by network name. */
    Map<String, String> staticAddresses(String containerId) {
        return byNetwork(containerId, Member::staticAddress);
    }

    /** The aliases a container has on each network, by network name; a network where it has none is left out. */
    Map<String, List<String>> aliases(String containerId) {
        return byNetwork(containerId, m -> m.aliases().isEmpty() ? null : m.aliases());
    }

    /** What {@code part} says of the container's membership of each network, by network name; null is left out. */
    private <V> Map<String, V> byNetwork(String containerId, Function<Member, V> part) {
        try {
            Map<String, V> result = new LinkedHashMap<>();
            for (NetworkRecord n : store.networks()) {
                Member m = n.members().get(containerId);
                V value = m == null ? null : part.apply(m);
                if (value != null) {
                    result.put(n.name(), value);
                }
            }
            return result;
        } catch (IOException e) {
            throw readFailure(containerId, e);
        }
    }

    /** A container's networks in order, each with its address there ({@code ""} while it does not run). */
    Map<String, String> addresses(String containerId) {
        try {
            ContainerRecord container = requireContainer(store, containerId);
            if (container.mode() != NetworkMode.BRIDGE) {
                return Map.of(container.mode().wireName(), "");
            }
            Map<String, NetworkRecord> networks = NetworkRecords.byId(store.networks());
            Map<String, String> result = new LinkedHashMap<>();
            for (String id : container.networks()) {
                NetworkRecord n = networks.get(id);
                if (n != null) {
                    String address = NetworkRecords.attachedAddress(n, containerId);
                    result.put(n.name(), address == null ? "" : address);
                }
            }
            return result;
        } catch (IOException e) {
            throw readFailure(containerId, e);
        }
    }

    private static ContainerEngineException readFailure(String containerId, IOException e) {
        return new ContainerEngineException("reading the networks of container " + containerId + " failed: "
                + e.getMessage(), e);
    }

    /** {@link AddressPool#checkStatic} with what was being done in front of its message. */
    private static void checkStatic(String action, NetworkRecord network, String address) {
        try {
            AddressPool.checkStatic(network, address);
        } catch (ContainerEngineException e) {
            throw new ContainerEngineException(action + " failed: " + e.getMessage(), e);
        }
    }

    /** As Docker: names on the default network are the containers' own, aliases are for networks a user made. */
    private static ContainerEngineException aliasesNeedAUserNetwork(String action, NetworkRecord network) {
        return new ContainerEngineException(action + " failed: network aliases need a user-defined network, not the default"
                + " network \"" + network.name() + "\"; create a network and put the container on it");
    }
}
