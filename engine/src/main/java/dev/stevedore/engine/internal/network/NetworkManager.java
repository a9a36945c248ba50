package dev.stevedore.engine.internal.network;

import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.NetworkInfo;
import dev.stevedore.engine.NetworkSpec;
import dev.stevedore.engine.PortBinding;
import dev.stevedore.engine.internal.network.EtcFiles.HostEntry;
import dev.stevedore.engine.internal.network.NetworkStore.ContainerRecord;
import dev.stevedore.engine.internal.network.NetworkStore.Member;
import dev.stevedore.engine.internal.network.NetworkStore.NetworkRecord;
import dev.stevedore.engine.internal.network.NetworkStore.ProxyRecord;
import dev.stevedore.engine.internal.runtime.LauncherBinary;
import dev.stevedore.engine.internal.runtime.ProcessIdentity;
import dev.stevedore.engine.internal.store.CrossProcessLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * The embedded engine's networks: a Linux bridge and subnet per network, a veth pair per container and
 * network, addresses from the subnet, a per-container {@code /etc/hosts} naming every peer (by name,
 * alias and short id) and {@code host.stevedore.internal}, and published ports through the
 * {@link PortProxy} on 127.0.0.1: this JVM's, or a port proxy process's ({@link ProxyProcess}) for a
 * container that outlives this JVM.
 *
 * <p>Nothing is routed off the machine and no firewall rule is written: a container reaches its peers
 * and the host's address on its bridge ({@value #HOST_ALIAS}), nothing else. Containers get no default
 * route, only their subnets' routes, so a connection to anywhere else fails at once (ENETUNREACH)
 * instead of waiting for a timeout; and each bridge has IPv4 forwarding switched off, so even with
 * {@code net.ipv4.ip_forward=1} and a route a container added itself, the host does not route between
 * two networks or out of the machine. Every network is therefore "internal" in Docker's sense; the
 * {@code internal} flag is recorded and shown, and changes nothing more.
 *
 * <p>A container's life, as the container service drives it:
 * <ol>
 *   <li>{@link #prepareContainer} when it is created: checks the network mode, records its networks and writes the
 *       hosts and resolv.conf files the launcher bind-mounts;</li>
 *   <li>{@link #startContainer} at the launcher's barrier, with the pid whose network namespace to wire;</li>
 *   <li>{@link #publish} once it runs (with the process to outlive: through a port proxy process);</li>
 *   <li>{@link #stopContainer} when it exited (ports closed, veths and addresses released; its networks kept);</li>
 *   <li>{@link #removeContainer} when it is removed.</li>
 * </ol>
 * {@link #reap} at engine start releases what containers that stopped or are gone (a killed JVM) still hold.
 *
 * <p>State lives in a directory (see {@link NetworkStore}); changes happen under a host-wide lock
 * because bridge names and subnets belong to the host, whatever state directory an engine uses.
 * Thread-safe.
 */
public final class NetworkManager implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NetworkManager.class);

    /** The network of containers that do not name one. */
    public static final String DEFAULT_NETWORK = "bridge";
    /** The name under which every container reaches the host (its network's gateway). */
    public static final String HOST_ALIAS = "host.stevedore.internal";
    public static final String HOST = "host";
    public static final String NONE = "none";
    private static final String BRIDGE_PREFIX = "stvd-";
    private static final String VETH_PREFIX = "stvv";
    /** Docker's default bridge and address pools, Podman's default and first user networks. */
    private static final List<Subnet> RESERVED = List.of(Subnet.parse("172.16.0.0/12"), Subnet.parse("192.168.0.0/16"),
            Subnet.parse("10.88.0.0/16"), Subnet.parse("10.89.0.0/16"));
    private static final SecureRandom RANDOM = new SecureRandom();

    /** How a container is networked. */
    public enum Mode {
        /** On one or more bridge networks, each with its own interface. */
        BRIDGE,
        /** In the host's network namespace. */
        HOST,
        /** Alone, with only a loopback interface. */
        NONE
    }

    /**
     * What the launcher needs for a container: whether it joins the host's network namespace, and the
     * files to bind-mount at {@code /etc/hosts} and {@code /etc/resolv.conf}.
     */
    public record ContainerNetworking(Mode mode, Path hostsFile, Path resolvConf) {
    }

    /**
     * A container's place on one network while it runs.
     *
     * @param network       the network's name
     * @param address       the container's IPv4 address there
     * @param gateway       the host's address there ({@value #HOST_ALIAS})
     * @param interfaceName the interface inside the container
     * @param hostInterface the host's end of its veth pair
     */
    public record Attachment(String network, String address, String gateway, String interfaceName, String hostInterface) {
    }

    private final NetworkStore store;
    private final NetworkSettings settings;
    private final String owner;
    private final PortProxy proxy = new PortProxy();
    private volatile boolean closed;
    private final ConcurrentHashMap<String, List<PortForwarder>> published = new ConcurrentHashMap<>();
    private final Object socketLock = new Object();
    private Netlink hostSocket;

    /**
     * A manager keeping its state in {@code directory} (the engine passes {@code <state>/networks}).
     * Touches nothing until asked.
     */
    public NetworkManager(Path directory, NetworkSettings settings) {
        this(directory, settings, null);
    }

    /**
     * A manager keeping its state in {@code directory}, and the files of containers that go with their JVM in
     * {@code memoryDirectory} (on a tmpfs; null: on disk too). See {@link #prepareContainer(String, String,
     * String, String, List, boolean)}.
     */
    public NetworkManager(Path directory, NetworkSettings settings, Path memoryDirectory) {
        this.store = new NetworkStore(directory.toAbsolutePath().normalize(), memoryDirectory);
        this.settings = settings;
        this.owner = sha256(store.directory().toString()).substring(0, 12);
    }

    // ---- networks ---------------------------------------------------------------------------------

    /** Creates a bridge network: its record, its bridge and the bridge's address. */
    public NetworkInfo create(NetworkSpec spec) {
        if (spec.name().equals(DEFAULT_NETWORK) || spec.name().equals(HOST) || spec.name().equals(NONE)) {
            throw new ContainerEngineException("creating network \"" + spec.name() + "\" failed: the name is predefined; choose another");
        }
        return locked("creating network \"" + spec.name() + "\"", () -> {
            List<NetworkRecord> all = store.networks();
            if (all.stream().anyMatch(n -> n.name().equals(spec.name()))) {
                throw new ContainerEngineException("creating network \"" + spec.name() + "\" failed: a network with that name exists;"
                        + " remove it first or choose another name");
            }
            Subnet subnet = spec.subnet() == null ? allocateSubnet(all) : checkSubnet(spec.name(), spec.subnet(), all);
            NetworkRecord record = newRecord(spec.name(), subnet, spec.internal(), false, spec.labels());
            // The record first: an engine killed in between leaves a record whose bridge reap or remove can find.
            store.save(record);
            try {
                ensureBridge(record, byId(all));
            } catch (IOException | RuntimeException e) {
                deleteBridgeQuietly(record);
                store.delete(record);
                throw e;
            }
            return info(record, store.containers());
        });
    }

    /** As Docker: names on the default network are the containers' own, aliases are for networks a user made. */
    private static ContainerEngineException aliasesNeedAUserNetwork(String action, NetworkRecord network) {
        return new ContainerEngineException(action + " failed: network aliases need a user-defined network, not the default"
                + " network \"" + network.name() + "\"; create a network and put the container on it");
    }

    /** The network with this name, id or unique id prefix; the default one is created on first use. */
    public NetworkInfo inspect(String network) {
        return locked("inspecting network \"" + network + "\"", () -> {
            if (network.equals(HOST) || network.equals(NONE)) {
                return pseudoNetwork(network, store.containers());
            }
            List<NetworkRecord> all = withDefault(store.networks());
            return info(find(all, network), store.containers());
        });
    }

    /** Every network: the default one, {@code host}, {@code none}, then user networks by creation. */
    public List<NetworkInfo> list() {
        return locked("listing networks", () -> {
            List<NetworkRecord> all = withDefault(store.networks());
            List<ContainerRecord> containers = store.containers();
            List<NetworkInfo> result = new ArrayList<>();
            all.stream().filter(NetworkRecord::predefined).forEach(n -> result.add(info(n, containers)));
            result.add(pseudoNetwork(HOST, containers));
            result.add(pseudoNetwork(NONE, containers));
            all.stream().filter(n -> !n.predefined()).forEach(n -> result.add(info(n, containers)));
            return result;
        });
    }

    /** Removes a user network and its bridge; one with containers on it (running or not) is an error naming them. */
    public void remove(String network) {
        locked("removing network \"" + network + "\"", () -> {
            if (network.equals(DEFAULT_NETWORK) || network.equals(HOST) || network.equals(NONE)) {
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
            deleteBridge(record);
            store.delete(record);
            return null;
        });
    }

    // ---- containers -------------------------------------------------------------------------------

    /**
     * Records how a new container is networked and writes its hosts and resolv.conf files.
     *
     * @param networkMode {@code null}, {@code default} or {@value #DEFAULT_NETWORK} for the default network, {@value #HOST},
     *                    {@value #NONE}, or a network's name or id
     * @param aliases     extra names on its (first) network
     */
    public ContainerNetworking prepareContainer(String containerId, String name, String hostname, String networkMode,
                                       List<String> aliases) {
        return prepareContainer(containerId, name, hostname, networkMode, aliases, false);
    }

    /**
     * As {@link #prepareContainer(String, String, String, String, List)}; {@code inMemory}: the container goes
     * with its JVM, and its files (record, hosts, resolv.conf) are kept in memory when the manager has a place
     * there.
     */
    public ContainerNetworking prepareContainer(String containerId, String name, String hostname, String networkMode,
                                                List<String> aliases, boolean inMemory) {
        return locked("setting up the network of container " + name, () -> {
            Mode mode = NONE.equals(networkMode) ? Mode.NONE : HOST.equals(networkMode) ? Mode.HOST : Mode.BRIDGE;
            if (mode != Mode.BRIDGE && !aliases.isEmpty()) {
                throw new ContainerEngineException("creating container " + name + " failed: network aliases need a bridge"
                        + " network, not network mode " + networkMode);
            }
            if (networkMode != null && networkMode.startsWith("container:")) {
                throw new ContainerEngineException("creating container " + name + " failed: network mode " + networkMode
                        + " (sharing another container's network) is not supported by the embedded engine");
            }
            // first: where its membership is kept follows where its files are
            store.createContainerDirectory(containerId, inMemory);
            List<String> networkIds = new ArrayList<>();
            if (mode == Mode.BRIDGE) {
                List<NetworkRecord> all = withDefault(store.networks());
                NetworkRecord network = networkMode == null || networkMode.equals("default") ? defaultNetwork(all)
                        : find(all, networkMode);
                if (network.predefined() && !aliases.isEmpty()) {
                    throw aliasesNeedAUserNetwork("creating container " + name, network);
                }
                store.save(network.withMember(containerId, new Member(name, aliases, null, null, null)));
                networkIds.add(network.id());
            }
            ContainerRecord record = new ContainerRecord(containerId, name, hostname, mode.name().toLowerCase(Locale.ROOT),
                    networkIds, List.of(), null);
            store.save(record);
            writeResolvConf(record);
            writeHosts(record, byId(store.networks()));
            return networking(record);
        });
    }

    /**
     * A container's networks in order, each with its address there ({@code ""} while it does not run), as
     * {@code ContainerInfo.networks()} shows them; {@code host} or {@code none} alone for those modes.
     */
    public Map<String, String> addresses(String containerId) {
        try {
            ContainerRecord container = requireContainer(containerId);
            if (!container.mode().equals("bridge")) {
                return Map.of(container.mode(), "");
            }
            Map<String, NetworkRecord> networks = byId(store.networks());
            Map<String, String> result = new LinkedHashMap<>();
            for (String id : container.networks()) {
                NetworkRecord n = networks.get(id);
                if (n != null) {
                    String address = attachedAddress(n, containerId);
                    result.put(n.name(), address == null ? "" : address);
                }
            }
            return result;
        } catch (IOException e) {
            throw new ContainerEngineException("reading the networks of container " + containerId + " failed: "
                    + e.getMessage(), e);
        }
    }

    /**
     * The ports to publish for a container: {@code explicit} ones as asked, then, when {@code all}, every
     * exposed tcp port ({@code 8080/tcp}) not published already, on a free port of 127.0.0.1. Exposed udp
     * ports are left out, as they were when only tcp could be published: {@code -P} means the ports a client
     * connects to; a udp port is published when asked for ({@code -p 5353:53/udp}).
     */
    public static List<PortBinding> portsToPublish(List<PortBinding> explicit, boolean all, List<String> exposed) {
        List<PortBinding> result = new ArrayList<>(explicit);
        if (all) {
            Set<String> published = new HashSet<>();
            explicit.forEach(p -> published.add(p.key()));
            for (String port : exposed) {
                String key = port.contains("/") ? port : port + "/tcp";
                if (key.endsWith("/tcp") && published.add(key)) {
                    int slash = key.indexOf('/');
                    result.add(new PortBinding(Integer.parseInt(key.substring(0, slash)), key.substring(slash + 1), "127.0.0.1", 0));
                }
            }
        }
        return result;
    }

    /** The files and mode {@link #prepareContainer} recorded for a container. */
    public ContainerNetworking networking(String containerId) {
        return locked("reading the network settings of container " + containerId, () -> networking(requireContainer(containerId)));
    }

    private ContainerNetworking networking(ContainerRecord record) {
        Path dir = store.containerDirectory(record.id());
        return new ContainerNetworking(Mode.valueOf(record.mode().toUpperCase(Locale.ROOT)), dir.resolve("hosts"), dir.resolve("resolv.conf"));
    }

    /**
     * Wires a starting container into each of its networks: called at the launcher's barrier, while
     * {@code pid} (the container's first process) exists and has its own network namespace. Every peer's
     * hosts file learns the container's address. On failure nothing stays half-wired.
     *
     * @return its attachments, first network first; empty for the host and none modes
     */
    public List<Attachment> startContainer(String containerId, long pid) {
        return locked("connecting container " + containerId + " to its networks", () -> {
            ContainerRecord container = requireContainer(containerId);
            if (!container.mode().equals("bridge") || container.networks().isEmpty()) {
                return List.of();
            }
            Map<String, NetworkRecord> networks = byId(store.networks());
            List<Attachment> done = new ArrayList<>();
            try (NetNamespace namespace = NetNamespace.ofProcess(pid); Netlink inside = Netlink.openIn(namespace)) {
                for (String networkId : container.networks()) {
                    NetworkRecord network = networks.get(networkId);
                    if (network == null) {
                        throw new ContainerEngineException("network " + networkId + " of container " + container.name()
                                + " no longer exists; disconnect the container from it");
                    }
                    Attachment a = attach(container, network, namespace, inside, networks);
                    done.add(a);
                }
            } catch (IOException | RuntimeException e) {
                for (String networkId : container.networks()) {
                    releaseQuietly(containerId, networks, networkId);
                }
                throw e;
            }
            rewriteHostsOfNetworks(container.networks(), networks);
            return done;
        });
    }

    /**
     * Connects a container to another network. A running container ({@code pid > 0}) is wired at once;
     * a created one on its next start.
     */
    public Attachment connect(String containerId, String network, List<String> aliases, long pid) {
        return locked("connecting container " + containerId + " to network \"" + network + "\"", () -> {
            ContainerRecord container = requireContainer(containerId);
            if (!container.mode().equals("bridge")) {
                throw new ContainerEngineException("connecting container " + container.name() + " to network \"" + network
                        + "\" failed: it uses network mode " + container.mode() + ", which cannot join other networks");
            }
            List<NetworkRecord> all = withDefault(store.networks());
            NetworkRecord record = find(all, network);
            if (record.predefined() && !aliases.isEmpty()) {
                throw aliasesNeedAUserNetwork("connecting container " + container.name(), record);
            }
            if (record.members().containsKey(containerId)) {
                throw new ContainerEngineException("connecting container " + container.name() + " to network \""
                        + record.name() + "\" failed: it is connected already");
            }
            List<String> ids = new ArrayList<>(container.networks());
            ids.add(record.id());
            record = record.withMember(containerId, new Member(container.name(), aliases, null, null, null));
            store.save(record);
            container = container.withNetworks(ids);
            store.save(container);
            if (pid <= 0) {
                return new Attachment(record.name(), null, record.gateway(), null, null);
            }
            Map<String, NetworkRecord> networks = byId(store.networks());
            Attachment attachment;
            try (NetNamespace namespace = NetNamespace.ofProcess(pid); Netlink inside = Netlink.openIn(namespace)) {
                attachment = attach(container, record, namespace, inside, networks);
            } catch (IOException | RuntimeException e) {
                releaseQuietly(containerId, networks, record.id());
                throw e;
            }
            rewriteHostsOfNetworks(container.networks(), networks);
            return attachment;
        });
    }

    /** Disconnects a container from a network: its interface there disappears at once if it runs. */
    public void disconnect(String containerId, String network) {
        locked("disconnecting container " + containerId + " from network \"" + network + "\"", () -> {
            ContainerRecord container = requireContainer(containerId);
            List<NetworkRecord> all = withDefault(store.networks());
            NetworkRecord record = find(all, network);
            if (!record.members().containsKey(containerId)) {
                throw new ContainerEngineException("disconnecting container " + container.name() + " from network \""
                        + record.name() + "\" failed: it is not connected to it");
            }
            Map<String, NetworkRecord> networks = byId(all);
            release(containerId, networks, record.id(), true);
            NetworkRecord released = networks.get(record.id()).withoutMember(containerId);
            store.save(released);
            networks.put(released.id(), released);
            List<String> ids = new ArrayList<>(container.networks());
            ids.remove(record.id());
            store.save(container.withNetworks(ids));
            rewriteHostsOfNetworks(List.of(record.id()), networks);
            writeHosts(container.withNetworks(ids), networks);
            return null;
        });
    }

    /**
     * Publishes ports of a running container on the host, through this JVM's port proxy to its address on
     * its first network: they close with this manager. Binds every port now, so a port in use fails here;
     * all or none are published.
     *
     * @return the bindings with the host ports actually bound; empty in host mode (the container's own
     *         sockets are the host's)
     */
    public List<PortBinding> publish(String containerId, List<PortBinding> ports) {
        return publish(containerId, ports, null);
    }

    /**
     * Publishes ports as {@link #publish(String, List)} does; with {@code outlive} (the container's first
     * process) not null, through a port proxy process of the container's own instead of this JVM, for a
     * container that outlives this JVM: the process ends with {@code outlive}, any JVM's manager stops it
     * with the container ({@link #stopContainer}, {@link #unpublish}, {@link #removeContainer}), and one
     * killed while the container runs is replaced on the same host ports, at once by this JVM while it runs,
     * else by the next engine's {@link #reap}.
     * That process is the launcher in its proxy mode: it answers within about a millisecond.
     */
    public List<PortBinding> publish(String containerId, List<PortBinding> ports, ProcessIdentity outlive) {
        if (ports.isEmpty()) {
            return List.of();
        }
        ContainerRecord container;
        Map<String, NetworkRecord> networks;
        try {
            container = requireContainer(containerId);
            networks = byId(store.networks());
        } catch (IOException e) {
            throw new ContainerEngineException("publishing ports of container " + containerId + " failed: " + e.getMessage(), e);
        }
        if (container.mode().equals("host")) {
            return List.of();
        }
        String address = publishedAddress(container, networks);
        if (address == null) {
            throw new ContainerEngineException("publishing ports of container " + container.name() + " failed: it has no address"
                    + (container.mode().equals("none") ? " (network mode none)" : " (it is not running)"));
        }
        for (PortBinding port : ports) {
            if (!port.protocol().equals("tcp") && !port.protocol().equals("udp")) {
                throw new ContainerEngineException("publishing " + port.key() + " of container " + container.name()
                        + " failed: the embedded engine publishes tcp and udp ports only");
            }
        }
        if (outlive != null) {
            return publishThroughProcess(container, address, ports, outlive);
        }
        List<PortForwarder> opened = new ArrayList<>();
        List<PortBinding> bound = new ArrayList<>();
        try {
            for (PortBinding port : ports) {
                PortForwarder f = proxy.forward(port.protocol(),
                        new InetSocketAddress(InetAddress.getByName(port.hostIp()), port.hostPort()),
                        new InetSocketAddress(InetAddress.getByName(address), port.containerPort()));
                opened.add(f);
                bound.add(new PortBinding(port.containerPort(), port.protocol(), port.hostIp(), f.port()));
            }
        } catch (IOException | RuntimeException e) {
            opened.forEach(PortForwarder::close);
            if (e instanceof ContainerEngineException c) {
                throw c;
            }
            throw new ContainerEngineException("publishing ports of container " + container.name() + " failed: " + e.getMessage(), e);
        }
        published.computeIfAbsent(containerId, k -> new CopyOnWriteArrayList<>()).addAll(opened);
        try {
            locked("recording the published ports of container " + container.name(), () -> {
                ContainerRecord now = requireContainer(containerId);
                List<PortBinding> all = new ArrayList<>(now.published());
                all.addAll(bound);
                store.save(now.withPublished(all, now.proxy()));
                return null;
            });
        } catch (RuntimeException e) {
            unpublish(containerId);
            throw e;
        }
        return bound;
    }

    private List<PortBinding> publishThroughProcess(ContainerRecord container, String address, List<PortBinding> ports,
                                                    ProcessIdentity outlive) {
        ProxyProcess.Started started;
        try {
            started = ProxyProcess.start(launcher(), store.containerDirectory(container.id()), outlive, forwards(ports, address));
        } catch (IOException e) {
            throw new ContainerEngineException("publishing ports of container " + container.name() + " failed: " + e.getMessage(), e);
        }
        List<PortBinding> bound = new ArrayList<>();
        for (int i = 0; i < ports.size(); i++) {
            PortBinding port = ports.get(i);
            bound.add(new PortBinding(port.containerPort(), port.protocol(), port.hostIp(), started.ports().get(i)));
        }
        ProxyRecord record = new ProxyRecord(started.process().pid(), started.process().startTime(), outlive.pid(),
                outlive.startTime());
        try {
            locked("recording the published ports of container " + container.name(), () -> {
                ContainerRecord now = requireContainer(container.id());
                if (now.proxy() != null) {
                    stopProxy(now);
                }
                store.save(now.withPublished(bound, record));
                return null;
            });
        } catch (RuntimeException e) {
            stopProxyQuietly(container.name(), record);
            throw e;
        }
        replaceWhenKilled(container.id(), started);
        return bound;
    }

    /**
     * While this JVM lives, a port proxy process it started that ends while its container still runs (it was
     * killed) is replaced at once, as {@link #reap} would at the next engine start.
     */
    private void replaceWhenKilled(String containerId, ProxyProcess.Started started) {
        started.ended().thenRunAsync(() -> {
            if (closed) {
                return;
            }
            try {
                locked("replacing the port proxy process of container " + containerId, () -> {
                    ContainerRecord now = store.container(containerId);
                    // stopped on purpose (the record no longer names it), or already replaced: nothing to do
                    if (now != null && now.proxy() != null && now.proxy().process().equals(started.process())) {
                        restoreProxy(now, byId(store.networks()));
                    }
                    return null;
                });
            } catch (RuntimeException e) {
                LOG.warn("{}", e.getMessage());
            }
        });
    }

    private static List<ProxyProcess.Forward> forwards(List<PortBinding> ports, String address) {
        return ports.stream().map(p -> new ProxyProcess.Forward(p.protocol(), p.hostIp(), p.hostPort(), address,
                p.containerPort())).toList();
    }

    /**
     * The launcher binary whose proxy mode serves kept containers' ports: the one extracted into the state
     * directory this manager's directory ({@code <state>/networks}) lies in.
     */
    private Path launcher() {
        return LauncherBinary.extract(store.directory().getParent());
    }

    /** The container's address on the first of its networks it is attached to, where its published ports lead. */
    private static String publishedAddress(ContainerRecord container, Map<String, NetworkRecord> networks) {
        return container.networks().stream().map(networks::get)
                .map(n -> n == null ? null : attachedAddress(n, container.id()))
                .filter(a -> a != null).findFirst().orElse(null);
    }

    /** The ports published for a container while it runs, with the host ports bound (seen from any JVM). */
    public List<PortBinding> ports(String containerId) {
        try {
            ContainerRecord container = store.container(containerId);
            return container == null ? List.of() : container.published();
        } catch (IOException e) {
            throw new ContainerEngineException("reading the published ports of container " + containerId + " failed: "
                    + e.getMessage(), e);
        }
    }

    /** The forwarders published for a container in this JVM. */
    public List<PortForwarder> forwarders(String containerId) {
        List<PortForwarder> list = published.get(containerId);
        return list == null ? List.of() : List.copyOf(list);
    }

    /**
     * Closes a container's published ports, in this JVM and in its port proxy process if it has one; they
     * are free when this returns.
     */
    public void unpublish(String containerId) {
        closeForwarders(containerId);
        locked("closing the published ports of container " + containerId, () -> {
            ContainerRecord container = store.container(containerId);
            if (container != null) {
                clearPublished(container);
            }
            return null;
        });
    }

    /** Closes the ports this JVM's proxy publishes for a container. */
    private void closeForwarders(String containerId) {
        List<PortForwarder> list = published.remove(containerId);
        if (list != null) {
            list.forEach(PortForwarder::close);
        }
    }

    /** Stops the container's port proxy process, if any, and forgets its published ports. Lock held. */
    private void clearPublished(ContainerRecord container) throws IOException {
        if (container.proxy() != null) {
            stopProxy(container);
        }
        if (!container.published().isEmpty() || container.proxy() != null) {
            store.save(container.withPublished(List.of(), null));
        }
    }

    private static void stopProxy(ContainerRecord container) {
        stopProxyQuietly(container.name(), container.proxy());
    }

    /** A proxy that will not die is logged, not thrown: it ends by itself with its container or its record directory. */
    private static void stopProxyQuietly(String container, ProxyRecord proxy) {
        try {
            ProxyProcess.stop(proxy.process());
        } catch (IOException | RuntimeException e) {
            LOG.warn("stopping the port proxy process {} of container {} failed: {}", proxy.pid(), container, e.toString());
        }
    }

    /**
     * A container stopped (or its start failed): closes its ports (its port proxy process too), removes its
     * veths and frees its addresses. Its networks are kept for the next start. Harmless when nothing was wired.
     */
    public void stopContainer(String containerId) {
        closeForwarders(containerId);
        locked("disconnecting the stopped container " + containerId, () -> {
            ContainerRecord container = store.container(containerId);
            if (container == null) {
                return null;
            }
            clearPublished(container);
            Map<String, NetworkRecord> networks = byId(store.networks());
            for (String id : container.networks()) {
                release(containerId, networks, id, false);
            }
            rewriteHostsOfNetworks(container.networks(), networks);
            return null;
        });
    }

    /** A container is removed: {@link #stopContainer} and forget it, its memberships and its files. */
    public void removeContainer(String containerId) {
        closeForwarders(containerId);
        locked("removing the network settings of container " + containerId, () -> {
            forget(containerId, byId(store.networks()));
            return null;
        });
    }

    /**
     * Releases what containers that no longer run still hold: run at engine start (after a JVM was
     * killed). Containers that are gone are forgotten; those that exist but do not run lose their
     * addresses, veths and port proxy processes and keep their networks; those that run and whose port
     * proxy process was killed get a new one on the same host ports. Also deletes this state directory's
     * bridges and veths that no record knows, and the default network's bridge when nothing runs on it.
     *
     * @param containerIsGone    whether a container id is unknown to the container store
     * @param containerIsRunning whether a (known) container's process runs now
     */
    public void reap(Predicate<String> containerIsGone, Predicate<String> containerIsRunning) {
        locked("releasing the networks of containers that are gone", () -> {
            Map<String, NetworkRecord> networks = byId(store.networks());
            Set<String> known = new HashSet<>();
            for (String id : store.containerIds()) {
                if (containerIsGone.test(id)) {
                    closeForwarders(id);
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
                        release(id, networks, networkId, true);
                    }
                    clearPublished(container);
                } else if (container.proxy() != null && container.proxy().process().hasEnded()) {
                    restoreProxy(container, networks);
                }
            }
            for (NetworkRecord n : List.copyOf(networks.values())) {
                for (String member : n.members().keySet()) {
                    if (!known.contains(member)) {
                        release(member, networks, n.id(), true);
                        NetworkRecord updated = networks.get(n.id()).withoutMember(member);
                        networks.put(updated.id(), updated);
                        store.save(updated);
                    }
                }
            }
            deleteStrayLinks(networks);
            for (NetworkRecord n : networks.values()) {
                if (n.predefined() && n.members().values().stream().allMatch(m -> m.address() == null)) {
                    deleteBridgeQuietly(n);
                }
            }
            return null;
        });
    }

    /**
     * A running container's port proxy process is gone (killed): a new one serves the same host ports, or,
     * when that fails (a port taken meanwhile) or the container has ended, the ports are recorded as closed.
     * Lock held.
     */
    private void restoreProxy(ContainerRecord container, Map<String, NetworkRecord> networks) throws IOException {
        String address = publishedAddress(container, networks);
        ProxyRecord dead = container.proxy();
        if (address != null && dead.container().isAlive()) {
            try {
                ProxyProcess.Started started = ProxyProcess.start(launcher(), store.containerDirectory(container.id()),
                        dead.container(), forwards(container.published(), address));
                store.save(container.withPublished(container.published(), new ProxyRecord(started.process().pid(),
                        started.process().startTime(), dead.containerPid(), dead.containerStart())));
                replaceWhenKilled(container.id(), started);
                LOG.info("the port proxy process of container {} had ended: a new one ({}) serves {}", container.name(),
                        started.process().pid(), container.published());
                return;
            } catch (ProxyProcess.ContainerEndedException e) {
                LOG.debug("container {} ended while its port proxy process was replaced", container.name());
            } catch (IOException e) {
                LOG.warn("the port proxy process of container {} had ended, and a new one failed: {}; its ports stay closed",
                        container.name(), e.getMessage());
            }
        }
        store.save(container.withPublished(List.of(), null));
    }

    /** Closes the ports this JVM publishes and, when nothing runs on it, deletes the default network's bridge. */
    @Override
    public void close() {
        // Port proxy processes stay: they serve containers that outlive this JVM.
        closed = true;
        published.keySet().forEach(this::closeForwarders);
        proxy.close();
        try {
            locked("closing the networks", () -> {
                store.foldMemoryMembers();
                for (NetworkRecord n : store.networks()) {
                    if (n.predefined() && n.members().values().stream().allMatch(m -> m.address() == null)) {
                        deleteBridgeQuietly(n);
                    }
                }
                return null;
            });
        } catch (ContainerEngineException e) {
            LOG.warn("{}", e.getMessage());
        } finally {
            synchronized (socketLock) {
                if (hostSocket != null) {
                    hostSocket.close();
                    hostSocket = null;
                }
            }
            store.close();
        }
    }

    // ---- wiring -----------------------------------------------------------------------------------

    private Attachment attach(ContainerRecord container, NetworkRecord network, NetNamespace namespace, Netlink inside,
                              Map<String, NetworkRecord> networks) throws IOException {
        Bridge bridge;
        synchronized (socketLock) {
            bridge = ensureBridge(network, networks);
        }
        network = bridge.network();
        Subnet subnet = network.parsedSubnet();
        int address = allocateAddress(network);
        String veth = vethName(container.id(), network.id());
        String ifname = freeInterfaceName(inside);
        Member before = network.members().get(container.id());
        Member member = new Member(before == null ? container.name() : before.name(),
                before == null ? List.of() : before.aliases(), Subnet.format(address), veth, ifname);
        // Recorded before the veth exists, so an engine killed in between leaves a name reap can delete.
        NetworkRecord updated = network.withMember(container.id(), member).withLastAllocated(address);
        store.save(updated);
        networks.put(updated.id(), updated);
        synchronized (socketLock) {
            Netlink host = host();
            try {
                host.createVeth(veth, bridge.index(), ifname, namespace);
            } catch (NetlinkException e) {
                if (e.errno() != NetlinkException.EEXIST) {
                    throw e;
                }
                // Left behind by an engine that was killed while this container ran: its own again now.
                host.deleteLink(veth);
                host.createVeth(veth, bridge.index(), ifname, namespace);
            }
        }
        int index = inside.linkIndex(ifname);
        inside.addAddress(index, ifname, Subnet.inet(address), subnet.prefixLength(), Subnet.inet(subnet.last()));
        inside.setUp(index, ifname);
        inside.setUp(Netlink.LOOPBACK_INDEX, "lo");
        return new Attachment(network.name(), member.address(), network.gateway(), ifname, veth);
    }

    private static String freeInterfaceName(Netlink inside) throws IOException {
        for (int i = 0; i < 64; i++) {
            if (inside.linkIndex("eth" + i) == 0) {
                return "eth" + i;
            }
        }
        throw new IOException("the container already has eth0 to eth63");
    }

    /**
     * Frees the container's address on {@code networkId} and, when {@code deleteVeth}, deletes its veth
     * pair; the membership stays. A stopped container's veth needs no deleting: the kernel deletes it
     * with the container's network namespace, and deleting it here would cost 10-30 ms (an RCU grace
     * period) for nothing.
     */
    private void release(String containerId, Map<String, NetworkRecord> networks, String networkId, boolean deleteVeth)
            throws IOException {
        NetworkRecord network = networks.get(networkId);
        if (network == null) {
            return;
        }
        Member member = network.members().get(containerId);
        if (member == null) {
            return;
        }
        if (member.veth() != null && deleteVeth) {
            synchronized (socketLock) {
                host().deleteLink(member.veth());
            }
        }
        if (member.address() != null || member.veth() != null) {
            NetworkRecord updated = network.withMember(containerId, member.detached());
            store.save(updated);
            networks.put(networkId, updated);
        }
    }

    private void releaseQuietly(String containerId, Map<String, NetworkRecord> networks, String networkId) {
        try {
            release(containerId, networks, networkId, true);
        } catch (IOException | RuntimeException e) {
            LOG.warn("releasing container {} from network {} after a failure failed too: {}", containerId, networkId, e.toString());
        }
    }

    private void forget(String containerId, Map<String, NetworkRecord> networks) throws IOException {
        ContainerRecord container = store.container(containerId);
        if (container != null && container.proxy() != null) {
            stopProxy(container);
        }
        List<String> touched = new ArrayList<>();
        for (NetworkRecord n : List.copyOf(networks.values())) {
            if (n.members().containsKey(containerId)) {
                release(containerId, networks, n.id(), true);
                NetworkRecord updated = networks.get(n.id()).withoutMember(containerId);
                store.save(updated);
                networks.put(updated.id(), updated);
                touched.add(n.id());
            }
        }
        store.deleteContainer(containerId);
        if (container != null || !touched.isEmpty()) {
            rewriteHostsOfNetworks(touched, networks);
        }
    }

    /** A network's bridge: its index, and the network's record (changed when its subnet had to move). */
    private record Bridge(NetworkRecord network, int index) {
    }

    /**
     * Creates the network's bridge if it is missing. A subnet only belongs to a network while its bridge
     * exists (the bridge's route is what other engines see), so a missing bridge's subnet is checked
     * against the host's routes again first; the default network moves to a free one when it collides.
     */
    private Bridge ensureBridge(NetworkRecord network, Map<String, NetworkRecord> networks) throws IOException {
        synchronized (socketLock) {
            Netlink host = host();
            int index = host.linkIndex(network.bridge());
            if (index != 0) {
                return new Bridge(network, index);
            }
            Subnet subnet = network.parsedSubnet();
            HostRoutes.Route clash = HostRoutes.read().stream().filter(r -> r.destination().overlaps(subnet)).findFirst().orElse(null);
            if (clash != null) {
                boolean attached = network.members().values().stream().anyMatch(m -> m.address() != null);
                if (!network.predefined() || attached) {
                    throw new ContainerEngineException("network \"" + network.name() + "\" cannot get its bridge back: its subnet "
                            + subnet + " now overlaps the host's route to " + clash.destination() + " on " + clash.device()
                            + "; remove the network and create it again");
                }
                List<NetworkRecord> others = new ArrayList<>(networks.values());
                others.removeIf(n -> n.id().equals(network.id()));
                Subnet moved = allocateSubnet(others);
                NetworkRecord updated = new NetworkRecord(network.id(), network.name(), moved.toString(), network.bridge(),
                        network.internal(), network.predefined(), network.labels(), network.created(), 0, network.members());
                store.save(updated);
                networks.put(updated.id(), updated);
                return ensureBridge(updated, networks);
            }
            index = host.createBridge(network.bridge(), bridgeAlias(network));
            // Packets that arrive on this bridge are never routed on: containers reach the host, not other
            // networks, whatever net.ipv4.ip_forward says.
            sysctl("net/ipv4/conf/" + network.bridge() + "/forwarding", "0");
            sysctl("net/ipv6/conf/" + network.bridge() + "/disable_ipv6", "1");
            host.addAddress(index, network.bridge(), Subnet.inet(subnet.gateway()), subnet.prefixLength(),
                    Subnet.inet(subnet.last()));
            host.setUp(index, network.bridge());
            return new Bridge(network, index);
        }
    }

    private void deleteBridge(NetworkRecord network) throws IOException {
        synchronized (socketLock) {
            host().deleteLink(network.bridge());
        }
    }

    private void deleteBridgeQuietly(NetworkRecord network) {
        try {
            deleteBridge(network);
        } catch (IOException | RuntimeException e) {
            LOG.warn("deleting the bridge {} of network {} failed: {}", network.bridge(), network.name(), e.toString());
        }
    }

    /**
     * Deletes this state directory's bridges that no record names any more (they carry its mark in their
     * alias), veths on its bridges that no running member owns, and empty bridges of state directories
     * that were deleted.
     */
    private void deleteStrayLinks(Map<String, NetworkRecord> networks) throws IOException {
        if (dev.stevedore.engine.internal.os.Libc.geteuid() != 0) {
            return; // a rootless engine made no host links; those there are root's engines'
        }
        Set<String> bridges = new HashSet<>();
        Set<String> veths = new HashSet<>();
        for (NetworkRecord n : networks.values()) {
            bridges.add(n.bridge());
            n.members().values().stream().map(Member::veth).filter(v -> v != null).forEach(veths::add);
        }
        synchronized (socketLock) {
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
                    stray = link.name().startsWith(VETH_PREFIX) && ownBridges.contains(link.master())
                            && !veths.contains(link.name());
                }
                if (stray) {
                    LOG.info("deleting {}, left behind by an engine that stopped without cleaning up", link.name());
                    host.deleteLink(link.name());
                }
            }
        }
    }

    private static void sysctl(String key, String value) throws IOException {
        Path file = Path.of("/proc/sys", key);
        try {
            Files.writeString(file, value);
        } catch (NoSuchFileException e) {
            if (key.contains("ipv6")) {
                return; // a kernel without IPv6 has nothing to switch off
            }
            throw e;
        }
    }

    private Netlink host() throws IOException {
        if (hostSocket == null) {
            hostSocket = Netlink.open();
        }
        return hostSocket;
    }

    private String alias(String what) {
        return "stevedore " + owner + " " + what;
    }

    /**
     * {@code stevedore <owner> network <id> <name> <state directory>}: whose bridge it is, for people
     * reading {@code ip link} and for {@link #reap}, which deletes bridges of state directories that no
     * longer exist. The directory is left out when the alias would exceed the kernel's 255 bytes.
     */
    private String bridgeAlias(NetworkRecord network) {
        String alias = alias("network " + network.id().substring(0, 12) + " " + network.name());
        String withDirectory = alias + " " + store.directory();
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

    // ---- files ------------------------------------------------------------------------------------

    private void writeResolvConf(ContainerRecord container) throws IOException {
        String host;
        try {
            host = Files.readString(Path.of("/etc/resolv.conf"));
        } catch (NoSuchFileException e) {
            host = "";
        }
        Path file = store.containerDirectory(container.id()).resolve("resolv.conf");
        EtcFiles.rewrite(file, container.mode().equals("host") ? host : EtcFiles.resolvConf(host));
    }

    private void rewriteHostsOfNetworks(List<String> networkIds, Map<String, NetworkRecord> networks) throws IOException {
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
                writeHosts(c, networks);
            }
        }
    }

    private void writeHosts(ContainerRecord container, Map<String, NetworkRecord> networks) throws IOException {
        Path file = store.containerDirectory(container.id()).resolve("hosts");
        String shortId = container.id().substring(0, Math.min(12, container.id().length()));
        if (container.mode().equals("host")) {
            String host;
            try {
                host = Files.readString(Path.of("/etc/hosts"));
            } catch (NoSuchFileException e) {
                host = "";
            }
            EtcFiles.rewrite(file, host + (host.endsWith("\n") || host.isEmpty() ? "" : "\n")
                    + "127.0.0.1\t" + HOST_ALIAS + " " + container.hostname() + "\n");
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
                names.add(container.hostname());
                gateway = n.gateway();
            }
            names.add(me.name());
            names.addAll(me.aliases());
            names.add(shortId);
            own.add(new HostEntry(me.address(), names));
            n.members().forEach((peerId, peer) -> {
                if (!peerId.equals(container.id()) && peer.address() != null) {
                    List<String> peerNames = new ArrayList<>();
                    peerNames.add(peer.name());
                    peerNames.addAll(peer.aliases());
                    peerNames.add(peerId.substring(0, Math.min(12, peerId.length())));
                    peers.add(new HostEntry(peer.address(), peerNames));
                }
            });
        }
        List<HostEntry> entries = new ArrayList<>(own);
        if (gateway != null) {
            entries.add(new HostEntry(gateway, List.of(HOST_ALIAS)));
        } else {
            // Alone (mode none, or on no network right now): its hostname still resolves, as programs expect.
            entries.add(new HostEntry("127.0.0.1", List.of(container.hostname())));
        }
        entries.addAll(peers);
        EtcFiles.rewrite(file, EtcFiles.hosts(entries));
    }

    // ---- records ----------------------------------------------------------------------------------

    private NetworkRecord newRecord(String name, Subnet subnet, boolean internal, boolean predefined, Map<String, String> labels) {
        byte[] random = new byte[32];
        RANDOM.nextBytes(random);
        String id = HexFormat.of().formatHex(random);
        return new NetworkRecord(id, name, subnet.toString(), BRIDGE_PREFIX + id.substring(0, 10), internal, predefined,
                labels, Instant.now().toString(), 0, Map.of());
    }

    /** {@code all} with the default network in it, creating its record (not yet its bridge) when missing. */
    private List<NetworkRecord> withDefault(List<NetworkRecord> all) throws IOException {
        if (all.stream().anyMatch(NetworkRecord::predefined)) {
            return all;
        }
        NetworkRecord record = newRecord(DEFAULT_NETWORK, allocateSubnet(all), false, true, Map.of());
        store.save(record);
        List<NetworkRecord> result = new ArrayList<>(all);
        result.add(0, record);
        return result;
    }

    private static NetworkRecord defaultNetwork(List<NetworkRecord> all) {
        return all.stream().filter(NetworkRecord::predefined).findFirst().orElseThrow();
    }

    private static NetworkRecord find(List<NetworkRecord> all, String ref) {
        for (NetworkRecord n : all) {
            if (n.name().equals(ref) || n.id().equals(ref)) {
                return n;
            }
        }
        List<NetworkRecord> byPrefix = ref.length() < 3 ? List.of()
                : all.stream().filter(n -> n.id().startsWith(ref)).toList();
        if (byPrefix.size() == 1) {
            return byPrefix.get(0);
        }
        if (byPrefix.size() > 1) {
            throw new ContainerEngineException("network id prefix \"" + ref + "\" is ambiguous: it matches "
                    + byPrefix.stream().map(NetworkRecord::name).toList() + "; give more of the id or the name");
        }
        throw new ContainerEngineException("no such network: " + ref);
    }

    private static Map<String, NetworkRecord> byId(List<NetworkRecord> all) {
        Map<String, NetworkRecord> map = new LinkedHashMap<>();
        all.forEach(n -> map.put(n.id(), n));
        return map;
    }

    private ContainerRecord requireContainer(String containerId) throws IOException {
        ContainerRecord record = store.container(containerId);
        if (record == null) {
            throw new ContainerEngineException("container " + containerId + " has no network settings: it was not created"
                    + " by this engine, or it was removed");
        }
        return record;
    }

    private static String attachedAddress(NetworkRecord network, String containerId) {
        Member m = network.members().get(containerId);
        return m == null ? null : m.address();
    }

    private NetworkInfo info(NetworkRecord n, List<ContainerRecord> containers) {
        Map<String, String> members = new LinkedHashMap<>();
        n.members().forEach((id, m) -> members.put(id, m.address() == null ? "" : m.address()));
        return new NetworkInfo(n.id(), n.name(), "bridge", n.subnet(), n.gateway(), n.labels(), members);
    }

    private static NetworkInfo pseudoNetwork(String name, List<ContainerRecord> containers) {
        Map<String, String> members = new LinkedHashMap<>();
        containers.stream().filter(c -> c.mode().equals(name)).forEach(c -> members.put(c.id(), ""));
        return new NetworkInfo(sha256("stevedore network " + name), name, name.equals(HOST) ? "host" : "null", "", "",
                Map.of(), members);
    }

    // ---- address management -----------------------------------------------------------------------

    private Subnet allocateSubnet(List<NetworkRecord> all) throws IOException {
        List<Subnet> taken = new ArrayList<>();
        all.forEach(n -> taken.add(n.parsedSubnet()));
        HostRoutes.read().forEach(r -> taken.add(r.destination()));
        for (String range : settings.pool()) {
            Subnet pool = Subnet.parse(range);
            int prefix = Math.max(settings.subnetPrefixLength(), pool.prefixLength());
            long step = 1L << (32 - prefix);
            for (long base = Integer.toUnsignedLong(pool.base()); base <= Integer.toUnsignedLong(pool.last()); base += step) {
                Subnet candidate = new Subnet((int) base, prefix);
                if (RESERVED.stream().noneMatch(candidate::overlaps) && taken.stream().noneMatch(candidate::overlaps)) {
                    return candidate;
                }
            }
        }
        throw new ContainerEngineException("no free subnet left in the network pool " + settings.pool() + ": each /"
                + settings.subnetPrefixLength() + " overlaps a route of the host or another network; remove unused networks"
                + " or set STEVEDORE_NETWORK_POOL to another range");
    }

    private static Subnet checkSubnet(String name, String cidr, List<NetworkRecord> all) throws IOException {
        Subnet subnet;
        try {
            subnet = Subnet.parse(cidr);
        } catch (IllegalArgumentException e) {
            throw new ContainerEngineException("creating network \"" + name + "\" failed: " + e.getMessage(), e);
        }
        if (subnet.prefixLength() > 30 || subnet.prefixLength() < 8) {
            throw new ContainerEngineException("creating network \"" + name + "\" failed: subnet " + subnet
                    + " must have a prefix length between /8 and /30");
        }
        for (NetworkRecord n : all) {
            if (n.parsedSubnet().overlaps(subnet)) {
                throw new ContainerEngineException("creating network \"" + name + "\" failed: subnet " + subnet
                        + " overlaps network \"" + n.name() + "\" (" + n.subnet() + ")");
            }
        }
        for (HostRoutes.Route r : HostRoutes.read()) {
            if (r.destination().overlaps(subnet)) {
                throw new ContainerEngineException("creating network \"" + name + "\" failed: subnet " + subnet
                        + " overlaps the host's route to " + r.destination() + " on " + r.device() + "; choose another subnet");
            }
        }
        return subnet;
    }

    private static int allocateAddress(NetworkRecord network) {
        Subnet subnet = network.parsedSubnet();
        Set<Integer> used = new HashSet<>();
        network.members().values().stream().map(Member::address).filter(a -> a != null)
                .forEach(a -> used.add(Subnet.parseAddress(a)));
        long first = Integer.toUnsignedLong(subnet.firstHost());
        long last = Integer.toUnsignedLong(subnet.lastHost());
        long count = last - first + 1;
        long previous = Integer.toUnsignedLong(network.lastAllocated());
        long start = previous >= first && previous <= last ? previous + 1 - first : 0;
        for (long i = 0; i < count; i++) {
            int candidate = (int) (first + (start + i) % count);
            if (!used.contains(candidate)) {
                return candidate;
            }
        }
        throw new ContainerEngineException("network \"" + network.name() + "\" (" + network.subnet()
                + ") has no free address left: " + used.size() + " containers are on it");
    }

    private static String vethName(String containerId, String networkId) {
        return VETH_PREFIX + sha256(containerId + "/" + networkId).substring(0, 11);
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every JDK has SHA-256", e);
        }
    }

    // ---- locking ----------------------------------------------------------------------------------

    private interface Action<T> {
        T run() throws IOException;
    }

    private <T> T locked(String what, Action<T> action) {
        try {
            Files.createDirectories(settings.lockFile().getParent());
            try (CrossProcessLock lock = CrossProcessLock.acquire(settings.lockFile())) {
                return action.run();
            }
        } catch (IOException e) {
            throw new ContainerEngineException(what + " failed: " + e.getMessage(), e);
        }
    }
}
