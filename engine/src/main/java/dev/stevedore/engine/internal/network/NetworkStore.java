package dev.stevedore.engine.internal.network;

import dev.stevedore.engine.PortBinding;
import dev.stevedore.engine.internal.runtime.ProcessIdentity;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The network state on disk, under {@code <state>/networks}: one {@code <id>.json} per network (its
 * subnet, bridge and members with their addresses) and one directory per container under
 * {@code containers/} with {@code container.json}, {@code hosts} and {@code resolv.conf}.
 *
 * <p>Writes are atomic (temp file + rename), so readers never see half a record; callers hold the
 * network lock for any read-modify-write.
 *
 * <p>Containers that go with their JVM keep their files in memory ({@code memoryContainers}, a tmpfs),
 * and so do their memberships: a network's members whose container directory is in memory, and the last
 * address handed out, are kept in {@code <memory>/<network id>.members.json} beside the record on disk, which
 * then only changes for kept containers. Readers see the two merged. After a reboot the memory is empty,
 * as it should be: those containers are gone.
 */
final class NetworkStore {
    private static final AtomicLong TEMP_SEQUENCE = new AtomicLong();

    /**
     * A network.
     *
     * @param predefined    the default network, which the engine creates and nobody removes
     * @param lastAllocated the last address handed out, so a freed address is not reused at once (peers
     *                      may still hold its old MAC in their neighbour tables)
     * @param members       container id → its membership, in the order they joined
     */
    record NetworkRecord(String id, String name, String subnet, String bridge, boolean internal, boolean predefined,
                         Map<String, String> labels, String created, int lastAllocated, Map<String, Member> members,
                         boolean attachable) {
        NetworkRecord {
            labels = labels == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(labels));
            members = members == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(members));
        }

        Subnet parsedSubnet() {
            return Subnet.parse(subnet);
        }

        String gateway() {
            return Subnet.format(parsedSubnet().gateway());
        }

        NetworkRecord withMember(String containerId, Member member) {
            Map<String, Member> m = new LinkedHashMap<>(members);
            m.put(containerId, member);
            return new NetworkRecord(id, name, subnet, bridge, internal, predefined, labels, created, lastAllocated, m, attachable);
        }

        NetworkRecord withoutMember(String containerId) {
            Map<String, Member> m = new LinkedHashMap<>(members);
            m.remove(containerId);
            return new NetworkRecord(id, name, subnet, bridge, internal, predefined, labels, created, lastAllocated, m, attachable);
        }

        NetworkRecord withLastAllocated(int address) {
            return new NetworkRecord(id, name, subnet, bridge, internal, predefined, labels, created, address, members, attachable);
        }

        // Written out, as Member's: the generated ones link through ObjectMethods' bootstrap on first use, spinning
        // classes no class-data archive keeps, and every container start compares records here
        @Override
        public boolean equals(Object o) {
            return o == this || o instanceof NetworkRecord other
                    && internal == other.internal && predefined == other.predefined
                    && lastAllocated == other.lastAllocated && attachable == other.attachable
                    && Objects.equals(id, other.id) && Objects.equals(name, other.name)
                    && Objects.equals(subnet, other.subnet) && Objects.equals(bridge, other.bridge)
                    && labels.equals(other.labels) && Objects.equals(created, other.created)
                    && members.equals(other.members);
        }

        @Override
        public int hashCode() {
            return Objects.hash(id, name, subnet, bridge, internal, predefined, labels, created, lastAllocated, members,
                    attachable);
        }
    }

    /**
     * A container's place on a network.
     *
     * @param address       its address there while it runs; null while it does not
     * @param veth          the host end of its veth pair while it runs
     * @param interfaceName the interface inside the container ({@code eth0}, ...)
     * @param staticAddress the address asked for there ({@code --ip}), which it gets on every start; null for the next
     *                      free one (and in records written before it)
     */
    record Member(String name, List<String> aliases, String address, String veth, String interfaceName,
                  String staticAddress, String macAddress) {
        Member {
            aliases = aliases == null ? List.of() : List.copyOf(aliases);
        }

        Member(String name, List<String> aliases, String address, String veth, String interfaceName) {
            this(name, aliases, address, veth, interfaceName, null, null);
        }

        Member(String name, List<String> aliases, String address, String veth, String interfaceName, String staticAddress) {
            this(name, aliases, address, veth, interfaceName, staticAddress, null);
        }

        Member detached() {
            return new Member(name, aliases, null, null, null, staticAddress, macAddress);
        }

        @Override
        public boolean equals(Object o) {
            return o == this || o instanceof Member other
                    && Objects.equals(name, other.name) && aliases.equals(other.aliases)
                    && Objects.equals(address, other.address) && Objects.equals(veth, other.veth)
                    && Objects.equals(interfaceName, other.interfaceName)
                    && Objects.equals(staticAddress, other.staticAddress) && Objects.equals(macAddress, other.macAddress);
        }

        @Override
        public int hashCode() {
            return Objects.hash(name, aliases, address, veth, interfaceName, staticAddress, macAddress);
        }
    }

    /**
     * What the network side knows of a container.
     *
     * @param mode      how it is networked (in the file: {@code bridge}, {@code host} or {@code none})
     * @param networks  the ids of its networks, first one first (its published ports lead there)
     * @param published its published ports while it runs, with the host ports bound
     * @param proxy     the process serving them when it is not the JVM that started the container; null otherwise
     * @param names     its extra hosts and resolver settings, written into its hosts and resolv.conf files
     */
    record ContainerRecord(String id, String name, String hostname, NetworkMode mode, List<String> networks,
                           List<PortBinding> published, ProxyRecord proxy, NameResolution names) {
        ContainerRecord {
            networks = networks == null ? List.of() : List.copyOf(networks);
            published = published == null ? List.of() : List.copyOf(published);
            names = names == null ? NameResolution.NONE : names; // absent in records written before it
        }

        ContainerRecord withNetworks(List<String> ids) {
            return new ContainerRecord(id, name, hostname, mode, ids, published, proxy, names);
        }

        ContainerRecord withPublished(List<PortBinding> ports, ProxyRecord servedBy) {
            return new ContainerRecord(id, name, hostname, mode, networks, ports, servedBy, names);
        }
    }

    /**
     * A port proxy process (the launcher's proxy mode, {@link ProxyProcess}) serving a container's published ports.
     *
     * @param pid            the proxy process
     * @param startTime      its start time, to recognise it ({@link ProcessIdentity})
     * @param containerPid   the container's first process, which the proxy outlives by at most a moment
     * @param containerStart that process's start time
     */
    record ProxyRecord(long pid, long startTime, long containerPid, long containerStart) {
        ProcessIdentity process() {
            return new ProcessIdentity(pid, startTime);
        }

        ProcessIdentity container() {
            return new ProcessIdentity(containerPid, containerStart);
        }
    }

    private final Path directory;
    private final Path containers;
    /** Where the files of containers that go with their JVM are; null when all are on disk. */
    private final Path memoryContainers;

    NetworkStore(Path directory) {
        this(directory, null);
    }

    NetworkStore(Path directory, Path memoryContainers) {
        this.directory = directory;
        this.containers = directory.resolve("containers");
        this.memoryContainers = memoryContainers;
    }

    /**
     * Makes a new container's directory: in memory when {@code inMemory} and this store has a place there
     * (the container goes with its JVM), else on disk.
     */
    void createContainerDirectory(String containerId, boolean inMemory) throws IOException {
        String checked = containerDirectory(containerId).getFileName().toString();
        Files.createDirectories(inMemory && memoryContainers != null ? memoryContainers.resolve(checked)
                : containers.resolve(checked));
    }

    /** Removes the in-memory directories when they are empty, and their parent (the in-memory root) then too. */
    void close() {
        if (memoryContainers != null) {
            try {
                Files.deleteIfExists(memoryContainers);
                Files.deleteIfExists(memoryNetworks());
                Files.deleteIfExists(memoryContainers.getParent());
            } catch (IOException e) {
                // in use: not empty
            }
        }
    }

    /**
     * Moves what is left in memory of networks without in-memory members (the last address handed out) into
     * their records on disk and deletes it there, so that a closing engine leaves no memory behind. Network lock held.
     */
    void foldMemoryMembers() throws IOException {
        if (memoryContainers == null || !Files.isDirectory(memoryNetworks())) {
            return;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(memoryNetworks(), "*.members.json")) {
            for (Path file : files) {
                MemoryMembers memory = NetworkJson.readMembers(file);
                if (!memory.members().isEmpty()) {
                    continue;
                }
                String id = file.getFileName().toString().replace(".members.json", "");
                Path disk = directory.resolve(id + ".json");
                NetworkRecord record = readQuietly(disk);
                if (record != null && record.lastAllocated() != memory.lastAllocated()) {
                    writeAtomically(disk, NetworkJson.write(record.withLastAllocated(memory.lastAllocated())));
                }
                Files.deleteIfExists(file);
            }
        }
    }

    /** The in-memory part of network records: beside the containers' directories in memory. */
    private Path memoryNetworks() {
        return memoryContainers.resolveSibling(memoryContainers.getFileName() + "-members");
    }

    /** Memberships and the last address handed out, of containers kept in memory. */
    record MemoryMembers(int lastAllocated, Map<String, Member> members) {
        MemoryMembers {
            members = members == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(members));
        }
    }

    Path directory() {
        return directory;
    }

    List<NetworkRecord> networks() throws IOException {
        List<NetworkRecord> result = new ArrayList<>();
        if (!Files.isDirectory(directory)) {
            return result;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*.json")) {
            for (Path file : files) {
                try {
                    result.add(withMemoryMembers(NetworkJson.readNetwork(file)));
                } catch (NoSuchFileException e) {
                    // Removed by another engine between listing and reading.
                } catch (IOException e) {
                    throw new IOException("reading the network record " + file + " failed: " + e.getMessage(), e);
                }
            }
        }
        result.sort((a, b) -> a.created().compareTo(b.created()));
        return result;
    }

    /**
     * Saves a network: its members kept in memory to memory, the record with the other members to disk, each
     * only when it changed (a write on disk costs a journal transaction; a read, next to nothing).
     */
    void save(NetworkRecord network) throws IOException {
        Path file = directory.resolve(network.id() + ".json");
        if (memoryContainers == null) {
            writeAtomically(file, NetworkJson.write(network));
            return;
        }
        Map<String, Member> onDisk = new LinkedHashMap<>();
        Map<String, Member> inMemory = new LinkedHashMap<>();
        network.members().forEach((id, member) -> (isInMemory(id) ? inMemory : onDisk).put(id, member));
        Path memoryFile = memoryNetworks().resolve(network.id() + ".members.json");
        NetworkRecord previous = readQuietly(file);
        // the last address handed out goes to memory, unless a kept container took it (it must outlive a reboot)
        boolean keptTookIt = onDisk.values().stream().anyMatch(m -> m.address() != null
                && m.address().equals(Subnet.format(network.lastAllocated())));
        int diskLastAllocated = keptTookIt || previous == null ? network.lastAllocated() : previous.lastAllocated();
        NetworkRecord disk = new NetworkRecord(network.id(), network.name(), network.subnet(), network.bridge(),
                network.internal(), network.predefined(), network.labels(), network.created(), diskLastAllocated, onDisk, network.attachable());
        if (!disk.equals(previous)) {
            writeAtomically(file, NetworkJson.write(disk));
        }
        if (inMemory.isEmpty() && !Files.exists(memoryFile)) {
            return;
        }
        writeAtomically(memoryFile, NetworkJson.write(new MemoryMembers(network.lastAllocated(), inMemory)));
    }

    void delete(NetworkRecord network) throws IOException {
        Files.deleteIfExists(directory.resolve(network.id() + ".json"));
        if (memoryContainers != null) {
            Files.deleteIfExists(memoryNetworks().resolve(network.id() + ".members.json"));
        }
    }

    private boolean isInMemory(String containerId) {
        return memoryContainers != null && containerId.matches("[A-Za-z0-9_.-]{1,128}") && !containerId.startsWith(".")
                && Files.isDirectory(memoryContainers.resolve(containerId), java.nio.file.LinkOption.NOFOLLOW_LINKS);
    }

    private static NetworkRecord readQuietly(Path file) {
        try {
            return NetworkJson.readNetwork(file);
        } catch (IOException e) {
            return null; // a new network (or a damaged record, which is written anew)
        }
    }

    /** The record as on disk, with the memberships kept in memory merged in. */
    private NetworkRecord withMemoryMembers(NetworkRecord disk) throws IOException {
        if (memoryContainers == null) {
            return disk;
        }
        MemoryMembers memory;
        try {
            memory = NetworkJson.readMembers(memoryNetworks().resolve(disk.id() + ".members.json"));
        } catch (NoSuchFileException e) {
            return disk;
        }
        Map<String, Member> members = new LinkedHashMap<>(disk.members());
        members.putAll(memory.members());
        return new NetworkRecord(disk.id(), disk.name(), disk.subnet(), disk.bridge(), disk.internal(), disk.predefined(),
                disk.labels(), disk.created(), memory.lastAllocated(), members, disk.attachable());
    }

    /** The container's directory: in memory when it is there, else on disk (where it may not exist). */
    Path containerDirectory(String containerId) {
        if (!containerId.matches("[A-Za-z0-9_.-]{1,128}") || containerId.startsWith(".")) {
            throw new IllegalArgumentException("container id \"" + containerId + "\" is not a plain name");
        }
        if (memoryContainers != null) {
            Path inMemory = memoryContainers.resolve(containerId);
            if (Files.isDirectory(inMemory, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                return inMemory;
            }
        }
        return containers.resolve(containerId);
    }

    ContainerRecord container(String containerId) throws IOException {
        Path file = containerDirectory(containerId).resolve("container.json");
        try {
            return NetworkJson.readContainer(file);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    List<ContainerRecord> containers() throws IOException {
        List<ContainerRecord> result = new ArrayList<>();
        for (String id : containerIds()) {
            ContainerRecord record = container(id);
            if (record != null) {
                result.add(record);
            }
        }
        return result;
    }

    /** Container directories (also those whose record was never completed), in memory and on disk. */
    List<String> containerIds() throws IOException {
        List<String> result = new ArrayList<>();
        for (Path place : memoryContainers == null ? List.of(containers) : List.of(memoryContainers, containers)) {
            if (!Files.isDirectory(place)) {
                continue;
            }
            try (DirectoryStream<Path> dirs = Files.newDirectoryStream(place)) {
                dirs.forEach(d -> {
                    String id = d.getFileName().toString();
                    if (!result.contains(id)) {
                        result.add(id);
                    }
                });
            }
        }
        return result;
    }

    void save(ContainerRecord container) throws IOException {
        Path dir = containerDirectory(container.id());
        Files.createDirectories(dir);
        writeAtomically(dir.resolve("container.json"), NetworkJson.write(container));
    }

    void deleteContainer(String containerId) throws IOException {
        Path dir = containerDirectory(containerId);
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                Files.deleteIfExists(f);
            }
        }
        Files.deleteIfExists(dir);
    }

    static void writeAtomically(Path file, byte[] bytes) throws IOException {
        Files.createDirectories(file.getParent());
        Path temp = file.resolveSibling("." + file.getFileName() + "." + ProcessHandle.current().pid() + "."
                + TEMP_SEQUENCE.incrementAndGet() + ".tmp");
        try {
            Files.write(temp, bytes);
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
