package dev.stevedore.engine.internal.network;

import dev.stevedore.engine.internal.store.RandomIds;
import dev.stevedore.engine.internal.store.Sha256;

import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.NetworkInfo;
import dev.stevedore.engine.NetworkSpec;
import dev.stevedore.engine.internal.network.NetworkStore.ContainerRecord;
import dev.stevedore.engine.internal.network.NetworkStore.Member;
import dev.stevedore.engine.internal.network.NetworkStore.NetworkRecord;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Network records as the API sees them: creating, listing and removing networks, finding one by name, id or id prefix, the default network (its record
 * made on first use), and {@link NetworkInfo}s, including the {@code host} and {@code none} pseudo networks.
 * Callers hold the {@link HostLock}.
 */
final class NetworkRecords {

    private final NetworkStore store;
    private final AddressPool pool;
    private final BridgeWiring wiring;

    NetworkRecords(NetworkStore store, AddressPool pool, BridgeWiring wiring) {
        this.store = store;
        this.pool = pool;
        this.wiring = wiring;
    }

    /** Every network, the default one first, creating its record (not yet its bridge) when missing. */
    List<NetworkRecord> withDefault() throws IOException {
        List<NetworkRecord> all = store.networks();
        if (all.stream().anyMatch(NetworkRecord::predefined)) {
            return all;
        }
        NetworkRecord record = newRecord(NetworkManager.DEFAULT_NETWORK, pool.allocateSubnet(all, wiring.routes()), false,
                true, Map.of(), false);
        store.save(record);
        List<NetworkRecord> result = new ArrayList<>(all);
        result.add(0, record);
        return result;
    }

    /** See {@link NetworkManager#create}: the record first, then its bridge; neither stays when the bridge fails. */
    NetworkInfo create(NetworkSpec spec, Attachments attachments) throws IOException {
        List<NetworkRecord> all = store.networks();
        if (all.stream().anyMatch(n -> n.name().equals(spec.name()))) {
            throw new ContainerEngineException("creating network \"" + spec.name() + "\" failed: a network with that name exists;"
                    + " remove it first or choose another name");
        }
        Subnet subnet = spec.subnet() == null ? pool.allocateSubnet(all, wiring.routes())
                : AddressPool.checkSubnet(spec.name(), spec.subnet(), all, wiring.routes());
        NetworkRecord record = newRecord(spec.name(), subnet, spec.internal(), false, spec.labels(), spec.attachable());
        // The record first: an engine killed in between leaves a record whose bridge reap or remove can find.
        store.save(record);
        try {
            attachments.ensureBridge(record, byId(all));
        } catch (IOException | RuntimeException e) {
            attachments.deleteBridgeQuietly(record);
            store.delete(record);
            throw e;
        }
        return info(record);
    }

    /** See {@link NetworkManager#inspect}. */
    NetworkInfo inspect(String network) throws IOException {
        NetworkMode pseudo = pseudoNetwork(network);
        if (pseudo != null) {
            return pseudoNetwork(pseudo, store.containers());
        }
        return info(find(withDefault(), network));
    }

    /** See {@link NetworkManager#list}. */
    List<NetworkInfo> list() throws IOException {
        List<NetworkRecord> all = withDefault();
        List<ContainerRecord> containers = store.containers();
        List<NetworkInfo> result = new ArrayList<>();
        all.stream().filter(NetworkRecord::predefined).forEach(n -> result.add(info(n)));
        result.add(pseudoNetwork(NetworkMode.HOST, containers));
        result.add(pseudoNetwork(NetworkMode.NONE, containers));
        all.stream().filter(n -> !n.predefined()).forEach(n -> result.add(info(n)));
        return result;
    }

    /** See {@link NetworkManager#remove}. */
    void remove(String network, Attachments attachments) throws IOException {
        if (predefined(network)) {
            throw new ContainerEngineException("removing network \"" + network + "\" failed: it is predefined");
        }
        NetworkRecord record = find(store.networks(), network);
        if (record.predefined()) {
            throw new ContainerEngineException("removing network \"" + network + "\" failed: it is predefined (the default network)");
        }
        if (!record.members().isEmpty()) {
            List<String> names = record.members().values().stream().map(Member::name).toList();
            throw new ContainerEngineException("removing network \"" + record.name() + "\" failed: containers are on it: "
                    + String.join(", ", names) + " — remove them or disconnect them first");
        }
        attachments.deleteBridge(record);
        store.delete(record);
    }

    /** {@code host} and {@code none} as networks; null for any other name. */
    private static NetworkMode pseudoNetwork(String name) {
        return name.equals(NetworkMode.HOST.wireName()) ? NetworkMode.HOST : name.equals(NetworkMode.NONE.wireName()) ? NetworkMode.NONE : null;
    }

    /** The names a user network cannot have: the default network's, {@code host} and {@code none}. */
    static boolean predefined(String name) {
        return name.equals(NetworkManager.DEFAULT_NETWORK) || pseudoNetwork(name) != null;
    }

    /** A new network's record: a random id, its bridge named after it. */
    static NetworkRecord newRecord(String name, Subnet subnet, boolean internal, boolean predefined, Map<String, String> labels,
                                   boolean attachable) {
        String id = RandomIds.newId();
        return new NetworkRecord(id, name, subnet.toString(), HostBridges.BRIDGE_PREFIX + id.substring(0, 10), internal,
                predefined, labels, Instant.now().toString(), 0, Map.of(), attachable);
    }

    static NetworkRecord defaultNetwork(List<NetworkRecord> all) {
        return all.stream().filter(NetworkRecord::predefined).findFirst().orElseThrow();
    }

    /** The network with this name, id or unique id prefix (of at least 3 characters). */
    static NetworkRecord find(List<NetworkRecord> all, String ref) {
        for (NetworkRecord n : all) {
            if (n.name().equals(ref) || n.id().equals(ref)) {
                return n;
            }
        }
        List<NetworkRecord> byPrefix = ref.length() < 3 ? List.of() : all.stream().filter(n -> n.id().startsWith(ref)).toList();
        if (byPrefix.size() == 1) {
            return byPrefix.get(0);
        }
        if (byPrefix.size() > 1) {
            throw new ContainerEngineException("network id prefix \"" + ref + "\" is ambiguous: it matches "
                    + byPrefix.stream().map(NetworkRecord::name).toList() + "; give more of the id or the name");
        }
        throw new ContainerEngineException("no such network: " + ref);
    }

    static Map<String, NetworkRecord> byId(List<NetworkRecord> all) {
        Map<String, NetworkRecord> map = new LinkedHashMap<>();
        all.forEach(n -> map.put(n.id(), n));
        return map;
    }

    /** The container's address on {@code network}; null when it is not attached there. */
    static String attachedAddress(NetworkRecord network, String containerId) {
        Member m = network.members().get(containerId);
        return m == null ? null : m.address();
    }

    /** The container's address on the first of its networks it is attached to, where its published ports lead. */
    static String publishedAddress(ContainerRecord container, Map<String, NetworkRecord> networks) {
        return container.networks().stream().map(networks::get)
                .map(n -> n == null ? null : attachedAddress(n, container.id()))
                .filter(a -> a != null).findFirst().orElse(null);
    }

    static NetworkInfo info(NetworkRecord n) {
        Map<String, String> members = new LinkedHashMap<>();
        n.members().forEach((id, m) -> members.put(id, m.address() == null ? "" : m.address()));
        return new NetworkInfo(n.id(), n.name(), "bridge", n.subnet(), n.gateway(), n.labels(), members, n.internal(),
                n.attachable());
    }

    /** The {@code host} or {@code none} network: the containers in that mode, no addresses. */
    static NetworkInfo pseudoNetwork(NetworkMode mode, List<ContainerRecord> containers) {
        Map<String, String> members = new LinkedHashMap<>();
        containers.stream().filter(c -> c.mode() == mode).forEach(c -> members.put(c.id(), ""));
        String name = mode.wireName();
        return new NetworkInfo(sha256("stevedore network " + name), name, mode == NetworkMode.HOST ? "host" : "null", "", "",
                Map.of(), members);
    }

    /** SHA-256 of {@code text} in hex, through {@link Sha256}: every container command names something by one. */
    static String sha256(String text) {
        return java.util.HexFormat.of().formatHex(Sha256.of(text.getBytes(StandardCharsets.UTF_8)));
    }
}
