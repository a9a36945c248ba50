package dev.stevedore.dsl.fake;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerLogs;
import dev.stevedore.engine.ContainerNotFoundException;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.ContainerState;
import dev.stevedore.engine.ExecResult;
import dev.stevedore.engine.ExecSpec;
import dev.stevedore.engine.Image;
import dev.stevedore.engine.ImageConfig;
import dev.stevedore.engine.ImageNotFoundException;
import dev.stevedore.engine.ImageReference;
import dev.stevedore.engine.LogLine;
import dev.stevedore.engine.LogOptions;
import dev.stevedore.engine.NetworkInfo;
import dev.stevedore.engine.NetworkSpec;
import dev.stevedore.engine.Platform;
import dev.stevedore.engine.PortBinding;
import dev.stevedore.engine.PullOptions;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.Spliterators;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * A {@link ContainerEngine} in memory, for unit tests of the DSL's own logic (wait strategies, lifecycle,
 * parallel start): containers run {@link FakeProgram}s on threads, their published ports are real loopback
 * sockets opened when the program listens, exec of {@code cat /proc/net/tcp} shows what listens inside, files
 * copied in are kept per container. Everything else a user meets is tested against the real engines.
 */
public final class FakeEngine implements ContainerEngine {
    private final Map<String, FakeContainer> containers = new ConcurrentHashMap<>();
    private final Map<String, FakeProgram> programs = new ConcurrentHashMap<>();
    private final Map<String, ImageConfig> images = new ConcurrentHashMap<>();
    private final Map<String, Function<List<String>, ExecResult>> execHandlers = new ConcurrentHashMap<>();
    private final Map<String, RuntimeException> createFailures = new ConcurrentHashMap<>();
    private final Map<String, NetworkInfo> networks = new ConcurrentHashMap<>();
    /** What happened, in order: {@code create NAME}, {@code start NAME}, {@code remove NAME}, {@code network+ NAME}... */
    public final List<String> events = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    /** Containers of {@code image} run {@code program}. */
    public FakeEngine program(String image, FakeProgram program) {
        programs.put(image, program);
        return this;
    }

    /** {@code image} exists locally with {@code config} ({@link #image} finds it). */
    public FakeEngine image(String image, ImageConfig config) {
        images.put(image, config);
        return this;
    }

    /** Exec in containers of {@code image} answers with {@code handler} (besides {@code cat /proc/net/tcp}). */
    public FakeEngine exec(String image, Function<List<String>, ExecResult> handler) {
        execHandlers.put(image, handler);
        return this;
    }

    /** Creating a container of {@code image} throws {@code failure}. */
    public FakeEngine failCreate(String image, RuntimeException failure) {
        createFailures.put(image, failure);
        return this;
    }

    /** The container with this id or name. */
    public FakeContainer container(String idOrName) {
        FakeContainer c = find(idOrName);
        if (c == null) {
            throw new ContainerNotFoundException(idOrName);
        }
        return c;
    }

    /** The containers that exist (not removed). */
    public List<FakeContainer> containers() {
        return List.copyOf(containers.values());
    }

    /** The networks that exist. */
    public List<NetworkInfo> networkInfos() {
        return List.copyOf(networks.values());
    }

    public boolean isClosed() {
        return closed;
    }

    @Override
    public Image pull(ImageReference reference, PullOptions options) {
        return image(reference).orElseThrow(() -> new ImageNotFoundException("not in the fake registry: " + reference, "fake", reference, 404));
    }

    @Override
    public Optional<Image> image(ImageReference reference) {
        for (Map.Entry<String, ImageConfig> e : images.entrySet()) {
            if (ImageReference.parse(e.getKey()).equals(reference)) {
                return Optional.of(new Image(List.of(reference), "sha256:" + "0".repeat(64), "sha256:" + "1".repeat(64),
                        new Platform("linux", "amd64", ""), List.of(), 0, Instant.EPOCH, e.getValue()));
            }
        }
        return Optional.empty();
    }

    @Override
    public List<dev.stevedore.engine.ImageHistory> history(ImageReference reference) {
        Image image = image(reference).orElseThrow(() -> new dev.stevedore.engine.ImageNotFoundException(
                "no such image " + reference, reference.registry(), reference, 0));
        return List.of(new dev.stevedore.engine.ImageHistory(image.id(), image.created(), "", image.size(), "",
                image.references()));
    }

    @Override
    public List<Image> images() {
        return images.keySet().stream().map(i -> image(ImageReference.parse(i)).orElseThrow()).collect(Collectors.toList());
    }

    @Override
    public void removeImage(ImageReference reference) {
        images.keySet().removeIf(i -> ImageReference.parse(i).equals(reference));
    }

    @Override
    public List<Image> load(Path archive) {
        throw new UnsupportedOperationException("the fake engine loads nothing");
    }

    @Override
    public void tag(ImageReference source, ImageReference target) {
        throw new UnsupportedOperationException("the fake engine tags nothing");
    }

    @Override
    public void save(List<ImageReference> references, java.io.OutputStream out) {
        throw new UnsupportedOperationException("the fake engine saves nothing");
    }

    @Override
    public String push(ImageReference reference, dev.stevedore.engine.PushOptions options) {
        throw new UnsupportedOperationException("the fake engine pushes nothing");
    }

    @Override
    public ContainerInfo createContainer(ContainerSpec spec) {
        RuntimeException failure = createFailures.get(spec.image());
        if (failure != null) {
            throw failure;
        }
        String id = (UUID.randomUUID().toString() + UUID.randomUUID()).replace("-", "").substring(0, 64);
        String name = spec.name() != null ? spec.name() : "fake_" + id.substring(0, 8);
        if (find(name) != null) {
            throw new ContainerEngineException("the name " + name + " is taken");
        }
        if (spec.networkMode() != null && !networks.containsKey(spec.networkMode())) {
            throw new ContainerEngineException("no network " + spec.networkMode());
        }
        FakeContainer container = new FakeContainer(id, name, spec);
        if (spec.networkMode() != null) {
            container.networks.add(spec.networkMode());
        }
        containers.put(id, container);
        events.add("create " + name);
        return container.info();
    }

    @Override
    public void startContainer(String id) {
        FakeContainer c = container(id);
        events.add("start " + c.name);
        c.start(programs.getOrDefault(c.spec.image(), p -> { }));
    }

    @Override
    public ContainerInfo inspectContainer(String container) {
        return container(container).info();
    }

    @Override
    public List<ContainerInfo> containers(boolean all, Map<String, String> labels) {
        return containers.values().stream()
                .filter(c -> all || c.state.running())
                .filter(c -> labels.entrySet().stream().allMatch(l -> l.getValue().isEmpty()
                        ? c.spec.labels().containsKey(l.getKey()) : l.getValue().equals(c.spec.labels().get(l.getKey()))))
                .map(FakeContainer::info).collect(Collectors.toList());
    }

    @Override
    public ContainerState waitContainer(String container, Duration timeout) {
        return container(container).state;
    }

    @Override
    public void stopContainer(String container, Duration grace) {
        FakeContainer c = container(container);
        events.add("stop " + c.name);
        c.exit(137);
    }

    @Override
    public void killContainer(String container, String signal) {
        container(container).exit(137);
    }

    @Override
    public void removeContainer(String container, boolean force, boolean removeVolumes) {
        FakeContainer c = container(container);
        if (c.state.running() && !force) {
            throw new ContainerEngineException("container " + c.name + " runs; stop it or force");
        }
        c.exit(137);
        containers.remove(c.id);
        events.add("remove " + c.name);
    }

    @Override
    public ContainerLogs logs(String container, LogOptions options) {
        return container(container).logs(options);
    }

    @Override
    public java.io.OutputStream attachStdin(String container) {
        throw new UnsupportedOperationException("stdin is not faked");
    }

    @Override
    public void recordAttach(String container) {
        throw new UnsupportedOperationException("attach is not faked");
    }

    @Override
    public void resizeContainer(String container, int rows, int columns) {
        throw new UnsupportedOperationException("terminals are not faked");
    }

    @Override
    public ExecResult exec(String container, ExecSpec spec) {
        FakeContainer c = container(container);
        if (!c.state.running()) {
            throw new ContainerEngineException("container " + c.name + " is not running");
        }
        List<String> command = spec.command();
        if (command.get(0).equals("cat") && command.contains("/proc/net/tcp")) {
            return new ExecResult(0, c.procNetTcp(), "", false);
        }
        Function<List<String>, ExecResult> handler = execHandlers.get(c.spec.image());
        if (handler == null) {
            return new ExecResult(127, "", command.get(0) + ": not found", false);
        }
        return handler.apply(command);
    }

    @Override
    public void copyToContainer(String container, String directory, InputStream tar) {
        FakeContainer c = container(container);
        try {
            TarArchiveInputStream in = new TarArchiveInputStream(tar);
            TarArchiveEntry entry;
            while ((entry = in.getNextEntry()) != null) {
                if (entry.isFile()) {
                    String path = (directory.endsWith("/") ? directory : directory + "/") + entry.getName();
                    c.files.put(path, in.readAllBytes());
                    c.modes.put(path, entry.getMode());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public java.util.Optional<dev.stevedore.engine.ContainerPathStat> statContainerPath(String container, String path) {
        byte[] content = container(container).files.get(path);
        return content == null ? java.util.Optional.empty() : java.util.Optional.of(new dev.stevedore.engine.ContainerPathStat(
                path.substring(path.lastIndexOf('/') + 1), content.length, 0100644, java.time.Instant.EPOCH, ""));
    }

    @Override
    public InputStream copyFromContainer(String container, String path) {
        FakeContainer c = container(container);
        byte[] content = c.files.get(path);
        if (content == null) {
            throw new ContainerEngineException("no such file in " + c.name + ": " + path);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(bytes)) {
            TarArchiveEntry entry = new TarArchiveEntry(path.substring(path.lastIndexOf('/') + 1));
            entry.setSize(content.length);
            out.putArchiveEntry(entry);
            out.write(content);
            out.closeArchiveEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new ByteArrayInputStream(bytes.toByteArray());
    }

    @Override
    public NetworkInfo createNetwork(NetworkSpec spec) {
        if (networks.containsKey(spec.name())) {
            throw new ContainerEngineException("network " + spec.name() + " exists");
        }
        NetworkInfo info = new NetworkInfo(spec.name(), spec.name(), "bridge", "10.1.0.0/24", "10.1.0.1", spec.labels(), Map.of());
        networks.put(spec.name(), info);
        events.add("network+ " + spec.name());
        return info;
    }

    @Override
    public NetworkInfo inspectNetwork(String network) {
        NetworkInfo info = networks.get(network);
        if (info == null) {
            throw new ContainerEngineException("no network " + network);
        }
        return info;
    }

    @Override
    public List<NetworkInfo> networks() {
        return List.copyOf(networks.values());
    }

    @Override
    public void removeNetwork(String network) {
        inspectNetwork(network);
        for (FakeContainer c : containers.values()) {
            if (c.networks.contains(network)) {
                throw new ContainerEngineException("network " + network + " has container " + c.name);
            }
        }
        networks.remove(network);
        events.add("network- " + network);
    }

    @Override
    public void connectNetwork(String network, String container, List<String> aliases, String ipv4Address) {
        inspectNetwork(network);
        container(container).networks.add(network);
        events.add("connect " + container(container).name + " " + network + " " + aliases);
    }

    @Override
    public void disconnectNetwork(String network, String container) {
        container(container).networks.remove(network);
    }

    @Override
    public dev.stevedore.engine.VolumeInfo createVolume(dev.stevedore.engine.VolumeSpec spec) {
        throw new UnsupportedOperationException("volumes are not modelled by this fake");
    }

    @Override
    public dev.stevedore.engine.VolumeInfo inspectVolume(String name) {
        throw new UnsupportedOperationException("volumes are not modelled by this fake");
    }

    @Override
    public List<dev.stevedore.engine.VolumeInfo> volumes(Map<String, String> labels) {
        throw new UnsupportedOperationException("volumes are not modelled by this fake");
    }

    @Override
    public void removeVolume(String name, boolean force) {
        throw new UnsupportedOperationException("volumes are not modelled by this fake");
    }

    @Override
    public dev.stevedore.engine.EventSubscription events(java.util.function.Consumer<dev.stevedore.engine.EngineEvent> listener) {
        throw new UnsupportedOperationException("this test engine has no event feed");
    }

    @Override
    public void close() {
        closed = true;
        containers.values().forEach(c -> c.exit(137));
    }

    private FakeContainer find(String idOrName) {
        FakeContainer byId = containers.get(idOrName);
        if (byId != null) {
            return byId;
        }
        for (FakeContainer c : containers.values()) {
            if (c.name.equals(idOrName) || c.id.startsWith(idOrName)) {
                return c;
            }
        }
        return null;
    }

    /** A container of the fake engine. */
    public static final class FakeContainer {
        private static final LogLine END = new LogLine(LogLine.Stream.STDOUT, Instant.EPOCH, "\0end");

        public final String id;
        public final String name;
        public final ContainerSpec spec;
        public final Map<String, byte[]> files = new ConcurrentHashMap<>();
        public final Map<String, Integer> modes = new ConcurrentHashMap<>();
        final Set<String> networks = ConcurrentHashMap.newKeySet();
        private final List<LogLine> lines = new ArrayList<>();
        private final List<BlockingQueue<LogLine>> followers = new ArrayList<>();
        private final Map<Integer, Integer> hostPorts = new LinkedHashMap<>();
        private final Set<Integer> listeningInside = Collections.synchronizedSet(new HashSet<>());
        private final Map<Integer, ServerSocket> sockets = new ConcurrentHashMap<>();
        volatile ContainerState state = new ContainerState(ContainerState.Status.CREATED, 0, 0, 0, false, "", null, null);

        FakeContainer(String id, String name, ContainerSpec spec) {
            this.id = id;
            this.name = name;
            this.spec = spec;
        }

        public ContainerState state() {
            return state;
        }

        synchronized void start(FakeProgram program) {
            for (PortBinding binding : spec.ports()) {
                hostPorts.put(binding.containerPort(), binding.hostPort() != 0 ? binding.hostPort() : freePort());
            }
            state = new ContainerState(ContainerState.Status.RUNNING, 4242, 0, 0, false, "", Instant.now(), null);
            Thread thread = new Thread(() -> {
                try {
                    program.run(new FakeProcess(this));
                } catch (Exception e) {
                    log(LogLine.Stream.STDERR, "program failed: " + e);
                    exit(1);
                }
            }, "fake-" + name);
            thread.setDaemon(true);
            thread.start();
        }

        void log(LogLine.Stream stream, String text) {
            LogLine line = new LogLine(stream, Instant.now(), text);
            synchronized (this) {
                lines.add(line);
                followers.forEach(q -> q.add(line));
            }
        }

        void listen(int containerPort) {
            listenInside(containerPort);
            Integer hostPort;
            synchronized (this) {
                hostPort = hostPorts.get(containerPort);
            }
            if (hostPort != null) {
                try {
                    ServerSocket socket = new ServerSocket(hostPort, 50, InetAddress.getLoopbackAddress());
                    sockets.put(containerPort, socket);
                    Thread acceptor = new Thread(() -> {
                        while (!socket.isClosed()) {
                            try {
                                socket.accept(); // held open, as a server that waits for the client to speak
                            } catch (IOException e) {
                                return;
                            }
                        }
                    }, "fake-accept-" + name);
                    acceptor.setDaemon(true);
                    acceptor.start();
                } catch (IOException e) {
                    throw new UncheckedIOException("fake container " + name + " could not listen on " + hostPort, e);
                }
            }
        }

        synchronized int hostPort(int containerPort) {
            Integer port = hostPorts.get(containerPort);
            if (port == null) {
                throw new IllegalArgumentException("fake container " + name + " publishes no port " + containerPort);
            }
            return port;
        }

        void listenInside(int containerPort) {
            listeningInside.add(containerPort);
        }

        void exit(int code) {
            synchronized (this) {
                if (!state.running()) {
                    return;
                }
                state = new ContainerState(ContainerState.Status.EXITED, 0, code, 0, false, "", state.startedAt(), Instant.now());
                followers.forEach(q -> q.add(END));
                followers.clear();
            }
            sockets.values().forEach(s -> {
                try {
                    s.close();
                } catch (IOException e) {
                    // closing a fake's socket
                }
            });
        }

        String procNetTcp() {
            StringBuilder text = new StringBuilder("  sl  local_address rem_address   st tx_queue rx_queue\n");
            int i = 0;
            for (Integer port : Set.copyOf(listeningInside)) {
                text.append(String.format("   %d: 00000000:%04X 00000000:0000 0A 00000000:00000000 00:00000000 00000000%n", i++, port));
            }
            text.append(String.format("   %d: 0100007F:%04X 0100007F:9C40 01 00000000:00000000 00:00000000 00000000%n", i, 40000));
            return text.toString();
        }

        synchronized ContainerInfo info() {
            List<PortBinding> ports = new ArrayList<>();
            for (PortBinding binding : spec.ports()) {
                Integer host = hostPorts.get(binding.containerPort());
                ports.add(new PortBinding(binding.containerPort(), binding.protocol(), binding.hostIp(), host == null ? 0 : host));
            }
            Map<String, String> nets = new LinkedHashMap<>();
            networks.forEach(n -> nets.put(n, "10.1.0.2"));
            return new ContainerInfo(id, name, spec.image(), "sha256:" + "0".repeat(64), Instant.EPOCH, state,
                    spec.cmd() == null ? List.of() : spec.cmd(), spec.env(), spec.labels(), ports, nets, spec);
        }

        synchronized ContainerLogs logs(LogOptions options) {
            List<LogLine> history = new ArrayList<>(lines);
            if (options.tail() >= 0 && history.size() > options.tail()) {
                history = history.subList(history.size() - options.tail(), history.size());
            }
            if (!options.follow() || !state.running()) {
                List<LogLine> snapshot = List.copyOf(history);
                return new ContainerLogs() {
                    @Override
                    public Stream<LogLine> lines() {
                        return snapshot.stream();
                    }

                    @Override
                    public void close() {
                    }
                };
            }
            BlockingQueue<LogLine> queue = new LinkedBlockingQueue<>(history);
            followers.add(queue);
            return new ContainerLogs() {
                @Override
                public Stream<LogLine> lines() {
                    Iterator<LogLine> iterator = new Iterator<>() {
                        LogLine next;

                        @Override
                        public boolean hasNext() {
                            if (next == null) {
                                try {
                                    next = queue.take();
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                    next = END;
                                }
                            }
                            return next != END;
                        }

                        @Override
                        public LogLine next() {
                            if (!hasNext()) {
                                throw new NoSuchElementException();
                            }
                            LogLine line = next;
                            next = null;
                            return line;
                        }
                    };
                    return StreamSupport.stream(Spliterators.spliteratorUnknownSize(iterator, 0), false);
                }

                @Override
                public void close() {
                    synchronized (FakeContainer.this) {
                        followers.remove(queue);
                    }
                    queue.add(END);
                }
            };
        }

        private static int freePort() {
            try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                return probe.getLocalPort();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Override
    public dev.stevedore.engine.Image build(dev.stevedore.engine.BuildSpec spec, dev.stevedore.engine.BuildListener listener) {
        throw new UnsupportedOperationException("build");
    }
}
