package dev.stevedore.engine.internal.network;

import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.NetworkInfo;
import dev.stevedore.engine.NetworkSpec;
import dev.stevedore.engine.PortBinding;
import dev.stevedore.engine.internal.network.NetworkStore.ContainerRecord;
import dev.stevedore.engine.internal.network.NetworkStore.NetworkRecord;
import dev.stevedore.engine.internal.runtime.LauncherBinary;
import dev.stevedore.engine.internal.runtime.ProcessIdentity;
import dev.stevedore.engine.internal.runtime.UserNamespace;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The embedded engine's networks: a Linux bridge and subnet per network, a veth pair per container and
 * network, addresses from the subnet, a per-container {@code /etc/hosts} naming every peer (by name,
 * alias and short id) and {@code host.stevedore.internal}, and published ports on 127.0.0.1. This class
 * is the entry point and the order of things; the work is done by {@link NetworkRecords}, {@link Memberships},
 * {@link AddressPool}, {@link Attachments} over the engine's {@link BridgeWiring}, {@link HostsFiles},
 * {@link PublishedPorts} over its {@link PortPublisher}s, and the {@link Reaper}. What depends on where networks
 * live is the {@link NetworkBackend}, chosen once when the manager is made.
 *
 * <p>Rootful, nothing is routed off the machine and no firewall rule is written: a container reaches its peers
 * and the host's address on its bridge ({@value #HOST_ALIAS}), nothing else. Containers get no default
 * route, only their subnets' routes, so a connection to anywhere else fails at once (ENETUNREACH)
 * instead of waiting for a timeout; and each bridge has IPv4 forwarding switched off, so even with
 * {@code net.ipv4.ip_forward=1} and a route a container added itself, the host does not route between
 * two networks or out of the machine. Every network is therefore "internal" in Docker's sense; the
 * {@code internal} flag is recorded and shown, and changes nothing more. Rootless, the bridges live in the user's
 * network namespace and its holder gives containers a way out through slirp4netns (see {@link NetworkBackend}).
 *
 * <p>Its methods take the host lock and delegate; what is left here is the order of a start and a stop. The public
 * overloads of {@link #prepareContainer} and {@link #publish} take most of its length.
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

    /**
     * What the launcher needs for a container: whether it joins the host's network namespace, and the
     * files to bind-mount at {@code /etc/hosts} and {@code /etc/resolv.conf}.
     */
    public record ContainerNetworking(NetworkMode mode, Path hostsFile, Path resolvConf) {
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
    private final HostLock lock;
    private final AddressPool pool;
    private final BridgeWiring wiring;
    private final NetworkRecords records;
    private final Attachments attachments;
    private final HostsFiles hosts;
    private final PublishedPorts ports;
    private final Reaper reaper;
    private final Memberships memberships;
    private final HostServices hostServices;

    /**
     * A manager keeping its state in {@code directory} (the engine passes {@code <state>/networks}).
     * Touches nothing until asked.
     */
    public NetworkManager(Path directory, NetworkSettings settings) {
        this(directory, settings, null);
    }

    /**
     * A manager keeping its state in {@code directory}, and the files of containers that go with their JVM in
     * {@code memoryDirectory} (on a tmpfs; null: on disk too), wired as the rootful engine wires networks. See
     * {@link #prepareContainer(String, String, String, String, List, boolean)}.
     */
    public NetworkManager(Path directory, NetworkSettings settings, Path memoryDirectory) {
        this(directory, settings, memoryDirectory, null);
    }

    /**
     * {@link #NetworkManager(Path, NetworkSettings, Path)}, wired as a rootless engine wires networks when
     * {@code userNamespace} is not null: its bridges in the user's network namespace that namespace's holder keeps.
     */
    public NetworkManager(Path directory, NetworkSettings settings, Path memoryDirectory, UserNamespace userNamespace) {
        this(new NetworkStore(directory.toAbsolutePath().normalize(), memoryDirectory), settings, userNamespace);
    }

    private NetworkManager(NetworkStore store, NetworkSettings settings, UserNamespace userNamespace) {
        this(store, settings, userNamespace == null
                ? NetworkBackend.rootful(store.directory(), owner(store))
                : NetworkBackend.rootless(store.directory(), owner(store), userNamespace));
    }

    private static String owner(NetworkStore store) {
        return NetworkRecords.sha256(store.directory().toString()).substring(0, 12);
    }

    /** A manager over {@code store} whose bridges and published ports are the {@code backend}'s. */
    NetworkManager(NetworkStore store, NetworkSettings settings, NetworkBackend backend) {
        this.store = store;
        this.lock = new HostLock(settings.lockFile());
        this.pool = new AddressPool(settings);
        this.wiring = backend.wiring();
        this.records = new NetworkRecords(store, pool, wiring);
        this.attachments = new Attachments(store, pool, wiring);
        this.hosts = new HostsFiles(store, wiring::hostAddress, wiring.nameServer());
        this.ports = new PublishedPorts(store, lock, backend);
        this.reaper = new Reaper(store, attachments, ports, hosts, wiring);
        this.memberships = new Memberships(store, records, attachments, hosts, wiring);
        this.hostServices = new HostServices(() -> LauncherBinary.extract(store.directory().getParent()));
    }

    // ---- networks ---------------------------------------------------------------------------------

    /** Creates a bridge network: its record, its bridge and the bridge's address. */
    public NetworkInfo create(NetworkSpec spec) {
        if (NetworkRecords.predefined(spec.name())) {
            throw new ContainerEngineException("creating network \"" + spec.name() + "\" failed: the name is predefined; choose another");
        }
        return lock.run("creating network \"" + spec.name() + "\"", () -> records.create(spec, attachments));
    }

    /** The network with this name, id or unique id prefix; the default one is created on first use. */
    public NetworkInfo inspect(String network) {
        return lock.run("inspecting network \"" + network + "\"", () -> records.inspect(network));
    }

    /** Every network: the default one, {@code host}, {@code none}, then user networks by creation. */
    public List<NetworkInfo> list() {
        return lock.run("listing networks", records::list);
    }

    /** Removes a user network and its bridge; one with containers on it (running or not) is an error naming them. */
    public void remove(String network) {
        lock.run("removing network \"" + network + "\"", () -> {
            records.remove(network, attachments);
            return null;
        });
    }

    /** The static addresses asked for a container ({@code --ip}), by network name; empty when none was. */
    public Map<String, String> staticAddresses(String containerId) {
        return memberships.staticAddresses(containerId);
    }

    /** The aliases a container has on each network, by network name; a network where it has none is left out. */
    public Map<String, List<String>> aliases(String containerId) {
        return memberships.aliases(containerId);
    }

    // ---- containers -------------------------------------------------------------------------------

    /**
     * Records how a new container is networked and writes its hosts and resolv.conf files.
     *
     * @param networkMode {@code null}, {@code default} or {@value #DEFAULT_NETWORK} for the default network, {@code host},
     *                    {@code none}, or a network's name or id
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
        return prepareContainer(containerId, name, hostname, networkMode, aliases, inMemory, NameResolution.NONE);
    }

    /**
     * As {@link #prepareContainer(String, String, String, String, List, boolean)}, with the container's extra hosts
     * and resolver settings ({@code names}) in its hosts and resolv.conf files.
     */
    public ContainerNetworking prepareContainer(String containerId, String name, String hostname, String networkMode,
                                                List<String> aliases, boolean inMemory, NameResolution names) {
        return prepareContainer(containerId, name, hostname, networkMode, aliases, inMemory, names, null);
    }

    /**
     * As {@link #prepareContainer(String, String, String, String, List, boolean, NameResolution)}, with a static address
     * on its network ({@code --ip}; null for none), checked against the network now and claimed at each start.
     */
    public ContainerNetworking prepareContainer(String containerId, String name, String hostname, String networkMode,
                                                List<String> aliases, boolean inMemory, NameResolution names,
                                                String ipv4Address) {
        return prepareContainer(containerId, name, hostname, networkMode, aliases, inMemory, names, ipv4Address, null);
    }

    /**
     * As {@link #prepareContainer(String, String, String, String, List, boolean, NameResolution, String)}, with the MAC
     * address of its interface on its network ({@code --mac-address}; null for the kernel's choice), set on that end of
     * the veth as it is made, at each start.
     */
    public ContainerNetworking prepareContainer(String containerId, String name, String hostname, String networkMode,
                                                List<String> aliases, boolean inMemory, NameResolution names,
                                                String ipv4Address, String macAddress) {
        return lock.run("setting up the network of container " + name, () -> {
            ContainerRecord record = memberships.prepare(containerId, name, hostname, networkMode, aliases, inMemory, names,
                    ipv4Address, macAddress);
            return networking(record);
        });
    }

    /**
     * A container's networks in order, each with its address there ({@code ""} while it does not run), as
     * {@code ContainerInfo.networks()} shows them; {@code host} or {@code none} alone for those modes.
     */
    public Map<String, String> addresses(String containerId) {
        return memberships.addresses(containerId);
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
        return lock.run("reading the network settings of container " + containerId,
                () -> networking(requireContainer(store, containerId)));
    }

    private ContainerNetworking networking(ContainerRecord record) {
        Path dir = store.containerDirectory(record.id());
        return new ContainerNetworking(record.mode(), dir.resolve("hosts"), dir.resolve("resolv.conf"));
    }

    /**
     * Wires a starting container into each of its networks: called at the launcher's barrier, while
     * {@code pid} (the container's first process) exists and has its own network namespace. Every peer's
     * hosts file learns the container's address. On failure nothing stays half-wired.
     *
     * @return its attachments, first network first; empty for the host and none modes
     */
    public List<Attachment> startContainer(String containerId, long pid) {
        return lock.run("connecting container " + containerId + " to its networks", () -> {
            ContainerRecord container = requireContainer(store, containerId);
            if (container.mode() != NetworkMode.BRIDGE || container.networks().isEmpty()) {
                return List.of();
            }
            Map<String, NetworkRecord> networks = NetworkRecords.byId(store.networks());
            List<Attachment> done = new ArrayList<>();
            try (BridgeWiring.ContainerSide side = wiring.enter(pid)) {
                for (String networkId : container.networks()) {
                    NetworkRecord network = networks.get(networkId);
                    if (network == null) {
                        throw new ContainerEngineException("network " + networkId + " of container " + container.name()
                                + " no longer exists; disconnect the container from it");
                    }
                    done.add(attachments.attach(container, network, side, networks));
                }
            } catch (IOException | RuntimeException e) {
                for (String networkId : container.networks()) {
                    attachments.releaseQuietly(containerId, networks, networkId);
                }
                throw e;
            }
            hosts.rewriteNetworks(container.networks(), networks);
            return done;
        });
    }

    /**
     * Connects a container to another network. A running container ({@code pid > 0}) is wired at once;
     * a created one on its next start.
     */
    public Attachment connect(String containerId, String network, List<String> aliases, long pid) {
        return connect(containerId, network, aliases, null, pid);
    }

    /** As {@link #connect(String, String, List, long)}, at the static address {@code ipv4Address} (null for none). */
    public Attachment connect(String containerId, String network, List<String> aliases, String ipv4Address, long pid) {
        return lock.run("connecting container " + containerId + " to network \"" + network + "\"", () -> {
            return memberships.connect(containerId, network, aliases, ipv4Address, pid);
        });
    }

    /** Disconnects a container from a network: its interface there disappears at once if it runs. */
    public void disconnect(String containerId, String network) {
        lock.run("disconnecting container " + containerId + " from network \"" + network + "\"", () -> {
            memberships.disconnect(containerId, network);
            return null;
        });
    }

    // ---- ports ------------------------------------------------------------------------------------

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
     */
    public List<PortBinding> publish(String containerId, List<PortBinding> ports, ProcessIdentity outlive) {
        return publish(containerId, ports, outlive, outlive != null);
    }

    /**
     * Publishes ports of a running container whose first process is {@code process}: through the engine's publisher
     * for containers that go with this JVM, or, with {@code outlive}, through the one for containers that outlive it
     * (see {@link #publish(String, List, ProcessIdentity)}). A rootless engine serves both through port proxy
     * processes, which end with that process, so they need it either way.
     */
    public List<PortBinding> publish(String containerId, List<PortBinding> ports, ProcessIdentity process, boolean outlive) {
        return this.ports.publish(containerId, ports, process, outlive);
    }

    /** The ports published for a container while it runs, with the host ports bound (seen from any JVM). */
    public List<PortBinding> ports(String containerId) {
        return ports.ports(containerId);
    }

    /** The forwarders published for a container in this JVM. */
    public List<PortForwarder> forwarders(String containerId) {
        return ports.forwarders(containerId);
    }

    /**
     * Closes a container's published ports, in this JVM and in its port proxy process if it has one; they
     * are free when this returns.
     */
    public void unpublish(String containerId) {
        ports.stopServing(containerId);
        lock.run("closing the published ports of container " + containerId, () -> {
            ContainerRecord container = store.container(containerId);
            if (container != null) {
                ports.clear(container);
            }
            return null;
        });
    }

    // ---- ends -------------------------------------------------------------------------------------

    /**
     * Starts the relay that makes the host ports the container was prepared with ({@link NameResolution#hostPorts})
     * reachable as {@value #HOST_ALIAS} from inside it ({@link HostServices}): called like {@link #startContainer},
     * before its command runs. Nothing to do without host ports or on the host's network, where the host's
     * loopback is the container's.
     */
    public void relayHostPorts(String containerId, ProcessIdentity container) {
        ContainerRecord record = lock.run("reading the host ports of container " + containerId,
                () -> requireContainer(store, containerId));
        if (record.mode() != NetworkMode.HOST) {
            hostServices.start(containerId, record.name(), store.containerDirectory(containerId), container,
                    record.names().hostPorts());
        }
    }

    /**
     * A container stopped (or its start failed): closes its ports (its port proxy process too), removes its
     * veths and frees its addresses. Its networks are kept for the next start. Harmless when nothing was wired.
     */
    public void stopContainer(String containerId) {
        ports.stopServing(containerId);
        hostServices.stop(containerId);
        lock.run("disconnecting the stopped container " + containerId, () -> {
            ContainerRecord container = store.container(containerId);
            if (container == null) {
                return null;
            }
            ports.clear(container);
            Map<String, NetworkRecord> networks = NetworkRecords.byId(store.networks());
            for (String id : container.networks()) {
                attachments.release(containerId, networks, id, false);
            }
            hosts.rewriteNetworks(container.networks(), networks);
            return null;
        });
    }

    /** A container is removed: {@link #stopContainer} and forget it, its memberships and its files. */
    public void removeContainer(String containerId) {
        ports.stopServing(containerId);
        hostServices.stop(containerId);
        lock.run("removing the network settings of container " + containerId, () -> {
            reaper.forget(containerId, NetworkRecords.byId(store.networks()));
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
        lock.run("releasing the networks of containers that are gone", () -> {
            reaper.reap(containerIsGone, containerIsRunning);
            return null;
        });
    }

    /** Closes the ports this JVM publishes and, when nothing runs on it, deletes (or keeps) the default network's bridge. */
    @Override
    public void close() {
        ports.close();
        try {
            lock.run("closing the networks", () -> {
                store.foldMemoryMembers();
                attachments.closeIdleDefaultBridge(store.networks());
                return null;
            });
        } catch (ContainerEngineException e) {
            LOG.warn("{}", e.getMessage());
        } finally {
            wiring.close();
            store.close();
        }
    }

    static ContainerRecord requireContainer(NetworkStore store, String containerId) throws IOException {
        ContainerRecord record = store.container(containerId);
        if (record == null) {
            throw new ContainerEngineException("container " + containerId + " has no network settings: it was not created"
                    + " by this engine, or it was removed");
        }
        return record;
    }
}
