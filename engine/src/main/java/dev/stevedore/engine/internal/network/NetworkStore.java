package dev.stevedore.engine.internal.network;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.concurrent.atomic.AtomicLong;

/**
 * The network state on disk, under {@code <state>/networks}: one {@code <id>.json} per network (its
 * subnet, bridge and members with their addresses) and one directory per container under
 * {@code containers/} with {@code container.json}, {@code hosts} and {@code resolv.conf}.
 *
 * <p>Writes are atomic (temp file + rename), so readers never see half a record; callers hold the
 * network lock for any read-modify-write.
 */
final class NetworkStore {
    private static final AtomicLong TEMP_SEQUENCE = new AtomicLong();
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /**
     * A network.
     *
     * @param predefined    the default network, which the engine creates and nobody removes
     * @param lastAllocated the last address handed out, so a freed address is not reused at once (peers
     *                      may still hold its old MAC in their neighbour tables)
     * @param members       container id → its membership, in the order they joined
     */
    record NetworkRecord(String id, String name, String subnet, String bridge, boolean internal, boolean predefined,
                         Map<String, String> labels, String created, int lastAllocated, Map<String, Member> members) {
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
            return new NetworkRecord(id, name, subnet, bridge, internal, predefined, labels, created, lastAllocated, m);
        }

        NetworkRecord withoutMember(String containerId) {
            Map<String, Member> m = new LinkedHashMap<>(members);
            m.remove(containerId);
            return new NetworkRecord(id, name, subnet, bridge, internal, predefined, labels, created, lastAllocated, m);
        }

        NetworkRecord withLastAllocated(int address) {
            return new NetworkRecord(id, name, subnet, bridge, internal, predefined, labels, created, address, members);
        }
    }

    /**
     * A container's place on a network.
     *
     * @param address       its address there while it runs; null while it does not
     * @param veth          the host end of its veth pair while it runs
     * @param interfaceName the interface inside the container ({@code eth0}, ...)
     */
    record Member(String name, List<String> aliases, String address, String veth, String interfaceName) {
        Member {
            aliases = aliases == null ? List.of() : List.copyOf(aliases);
        }

        Member detached() {
            return new Member(name, aliases, null, null, null);
        }
    }

    /**
     * What the network side knows of a container.
     *
     * @param mode      {@code bridge}, {@code host} or {@code none}
     * @param networks  the ids of its networks, first one first (its published ports lead there)
     * @param published its published ports while it runs, with the host ports bound
     * @param proxy     the process serving them when it is not the JVM that started the container; null otherwise
     */
    record ContainerRecord(String id, String name, String hostname, String mode, List<String> networks,
                           List<PortBinding> published, ProxyRecord proxy) {
        ContainerRecord {
            networks = networks == null ? List.of() : List.copyOf(networks);
            published = published == null ? List.of() : List.copyOf(published);
        }

        ContainerRecord withNetworks(List<String> ids) {
            return new ContainerRecord(id, name, hostname, mode, ids, published, proxy);
        }

        ContainerRecord withPublished(List<PortBinding> ports, ProxyRecord servedBy) {
            return new ContainerRecord(id, name, hostname, mode, networks, ports, servedBy);
        }
    }

    /**
     * A port proxy process ({@link PortProxyMain}) serving a container's published ports.
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

    NetworkStore(Path directory) {
        this.directory = directory;
        this.containers = directory.resolve("containers");
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
                    result.add(JSON.readValue(file.toFile(), NetworkRecord.class));
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

    void save(NetworkRecord network) throws IOException {
        writeAtomically(directory.resolve(network.id() + ".json"), JSON.writeValueAsBytes(network));
    }

    void delete(NetworkRecord network) throws IOException {
        Files.deleteIfExists(directory.resolve(network.id() + ".json"));
    }

    Path containerDirectory(String containerId) {
        if (!containerId.matches("[A-Za-z0-9_.-]{1,128}") || containerId.startsWith(".")) {
            throw new IllegalArgumentException("container id \"" + containerId + "\" is not a plain name");
        }
        return containers.resolve(containerId);
    }

    ContainerRecord container(String containerId) throws IOException {
        Path file = containerDirectory(containerId).resolve("container.json");
        try {
            return JSON.readValue(file.toFile(), ContainerRecord.class);
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            return null;
        }
    }

    List<ContainerRecord> containers() throws IOException {
        List<ContainerRecord> result = new ArrayList<>();
        if (!Files.isDirectory(containers)) {
            return result;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(containers)) {
            for (Path dir : dirs) {
                ContainerRecord record = container(dir.getFileName().toString());
                if (record != null) {
                    result.add(record);
                }
            }
        }
        return result;
    }

    /** Container directories (also those whose record was never completed). */
    List<String> containerIds() throws IOException {
        List<String> result = new ArrayList<>();
        if (!Files.isDirectory(containers)) {
            return result;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(containers)) {
            dirs.forEach(d -> result.add(d.getFileName().toString()));
        }
        return result;
    }

    void save(ContainerRecord container) throws IOException {
        Path dir = containerDirectory(container.id());
        Files.createDirectories(dir);
        writeAtomically(dir.resolve("container.json"), JSON.writeValueAsBytes(container));
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
