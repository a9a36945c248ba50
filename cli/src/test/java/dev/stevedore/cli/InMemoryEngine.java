package dev.stevedore.cli;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerLogs;
import dev.stevedore.engine.ContainerNotFoundException;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.ContainerStartException;
import dev.stevedore.engine.ContainerState;
import dev.stevedore.engine.EngineSettings;
import dev.stevedore.engine.ExecResult;
import dev.stevedore.engine.ExecSpec;
import dev.stevedore.engine.Image;
import dev.stevedore.engine.ImageConfig;
import dev.stevedore.engine.ImageNotFoundException;
import dev.stevedore.engine.ImageReference;
import dev.stevedore.engine.LogLine;
import dev.stevedore.engine.LogOptions;
import dev.stevedore.engine.Platform;
import dev.stevedore.engine.PortBinding;
import dev.stevedore.engine.PullListener;
import dev.stevedore.engine.PullOptions;
import dev.stevedore.engine.PullProgress;
import dev.stevedore.engine.PullProgress.Phase;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A {@link ContainerEngine} that keeps images and containers in maps, for testing the command line's own
 * logic. Its "registry" is a map of what {@link #pull} returns; pulls report progress from several threads
 * the way a real engine does. Containers run {@link FakeContainer.Program programs} the test chooses; a
 * test can also make a running container write ({@link #emit}) and exit ({@link #exit}) from its own
 * thread while the command line follows the logs.
 */
class InMemoryEngine implements ContainerEngine {
    private final Map<ImageReference, Image> registry = new LinkedHashMap<>();
    private final Map<ImageReference, Image> local = new LinkedHashMap<>();
    private final Set<String> blobs = new HashSet<>();
    final List<PullOptions> pulls = new ArrayList<>();
    List<Image> loadable = List.of();
    Path loadedFrom;
    EngineSettings settings;
    boolean closed;

    /** An image with layers of the given sizes; digests derive from {@code seed}. */
    static Image image(String seed, Instant created, long... layerSizes) {
        List<String> layers = new ArrayList<>();
        long size = 0;
        for (int i = 0; i < layerSizes.length; i++) {
            layers.add(digest(seed + "-layer-" + i));
            size += layerSizes[i];
        }
        return new Image(List.of(), digest(seed + "-config"), digest(seed + "-manifest"), new Platform("linux", "amd64", ""),
                layers, size, created, ImageConfig.empty());
    }

    static String digest(String seed) {
        StringBuilder hex = new StringBuilder("sha256:");
        int hash = seed.hashCode();
        while (hex.length() < "sha256:".length() + 64) {
            hash = hash * 31 + 17;
            hex.append(String.format("%08x", hash));
        }
        return hex.substring(0, "sha256:".length() + 64);
    }

    InMemoryEngine publish(String reference, Image image) {
        registry.put(ImageReference.parse(reference), image);
        return this;
    }

    InMemoryEngine store(String reference, Image image) {
        local.put(ImageReference.parse(reference), image);
        blobs.addAll(image.layers());
        return this;
    }

    @Override
    public Image pull(ImageReference reference, PullOptions options) {
        pulls.add(options);
        Image image = registry.get(reference);
        if (image == null) {
            throw new ImageNotFoundException("pull of " + reference + " from " + reference.apiHost()
                    + " failed: 404 Not Found — check the name and tag", reference.apiHost(), reference, 404);
        }
        PullListener listener = options.listener();
        listener.onProgress(new PullProgress(reference, image.manifestDigest(), Phase.RESOLVED, 0, image.layers().size()));
        List<String> pending = new ArrayList<>(image.layers());
        pending.add(0, image.id());
        ExecutorService downloads = Executors.newFixedThreadPool(3);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (String blob : pending) {
                boolean layer = !blob.equals(image.id());
                long total = layer ? image.size() / image.layers().size() : 1_500;
                listener.onProgress(new PullProgress(reference, blob, Phase.WAITING, 0, total));
                done.add(downloads.submit(() -> transfer(reference, blob, layer, total, listener)));
            }
            for (Future<?> future : done) {
                future.get(30, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            downloads.shutdownNow();
        }
        blobs.addAll(image.layers());
        local.put(reference, image);
        listener.onProgress(new PullProgress(reference, image.manifestDigest(), Phase.COMPLETE, 0, 0));
        return withReferences(image);
    }

    private void transfer(ImageReference reference, String blob, boolean layer, long total, PullListener listener) {
        boolean present;
        synchronized (this) {
            present = blobs.contains(blob);
        }
        if (present) {
            listener.onProgress(new PullProgress(reference, blob, Phase.ALREADY_EXISTS, 0, total));
            return;
        }
        for (int step = 1; step <= 40; step++) {
            listener.onProgress(new PullProgress(reference, blob, Phase.DOWNLOADING, total * step / 40, total));
        }
        listener.onProgress(new PullProgress(reference, blob, Phase.DOWNLOAD_COMPLETE, total, total));
        if (layer) {
            for (int step = 1; step <= 10; step++) {
                listener.onProgress(new PullProgress(reference, blob, Phase.EXTRACTING, total * step / 10, total));
            }
            listener.onProgress(new PullProgress(reference, blob, Phase.PULL_COMPLETE, total, total));
        }
    }

    @Override
    public Optional<Image> image(ImageReference reference) {
        return Optional.ofNullable(local.get(reference)).map(this::withReferences);
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
        Map<String, Image> byId = new LinkedHashMap<>();
        local.values().forEach(image -> byId.putIfAbsent(image.id(), withReferences(image)));
        return List.copyOf(byId.values());
    }

    private Image withReferences(Image image) {
        List<ImageReference> references = local.entrySet().stream()
                .filter(entry -> entry.getValue().id().equals(image.id())).map(Map.Entry::getKey).toList();
        return new Image(references, image.id(), image.manifestDigest(), image.platform(), image.layers(), image.size(),
                image.created(), image.config());
    }

    @Override
    public void removeImage(ImageReference reference) {
        if (local.remove(reference) == null) {
            throw new ImageNotFoundException("no local image " + reference, reference.registry(), reference, 0);
        }
    }

    @Override
    public List<Image> load(Path archive) {
        loadedFrom = archive;
        List<Image> loaded = new ArrayList<>();
        for (Image image : loadable) {
            image.references().forEach(reference -> local.put(reference, image));
            loaded.add(image);
        }
        return loaded;
    }

    /** What {@link #save} was asked for, in order. */
    final List<List<ImageReference>> saves = new ArrayList<>();

    @Override
    public void tag(ImageReference source, ImageReference target) {
        Image image = local.get(source);
        if (image == null) {
            throw new ImageNotFoundException("no local image " + source, source.registry(), source, 0);
        }
        local.put(target, image);
    }

    @Override
    public void save(List<ImageReference> references, java.io.OutputStream out) {
        for (ImageReference reference : references) {
            if (!local.containsKey(reference)) {
                throw new ImageNotFoundException("no local image " + reference, reference.registry(), reference, 0);
            }
        }
        saves.add(List.copyOf(references));
        try {
            out.write(("fake archive of " + references.stream().map(ImageReference::familiar).toList() + "\n")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Pushes into the fake registry: layers a published image has already are reported as existing. */
    @Override
    public String push(ImageReference reference, dev.stevedore.engine.PushOptions options) {
        Image image = local.get(reference);
        if (image == null) {
            throw new ImageNotFoundException("no local image " + reference, reference.registry(), reference, 0);
        }
        Set<String> remote = new HashSet<>();
        registry.values().forEach(published -> remote.addAll(published.layers()));
        dev.stevedore.engine.PushListener listener = options.listener();
        long each = image.layers().isEmpty() ? 0 : image.size() / image.layers().size();
        for (String layer : image.layers()) {
            listener.onProgress(new dev.stevedore.engine.PushProgress(reference, layer,
                    dev.stevedore.engine.PushProgress.Phase.PREPARING, 0, each));
        }
        for (String layer : image.layers()) {
            if (remote.contains(layer)) {
                listener.onProgress(new dev.stevedore.engine.PushProgress(reference, layer,
                        dev.stevedore.engine.PushProgress.Phase.ALREADY_EXISTS, 0, each));
                continue;
            }
            for (int step = 1; step <= 4; step++) {
                listener.onProgress(new dev.stevedore.engine.PushProgress(reference, layer,
                        dev.stevedore.engine.PushProgress.Phase.PUSHING, each * step / 4, each));
            }
            listener.onProgress(new dev.stevedore.engine.PushProgress(reference, layer,
                    dev.stevedore.engine.PushProgress.Phase.PUSHED, each, each));
        }
        listener.onProgress(new dev.stevedore.engine.PushProgress(reference, image.id(),
                dev.stevedore.engine.PushProgress.Phase.PUSHED, 1_500, 1_500));
        registry.put(reference, image);
        listener.onProgress(new dev.stevedore.engine.PushProgress(reference, image.manifestDigest(),
                dev.stevedore.engine.PushProgress.Phase.COMPLETE, 0, 527));
        return image.manifestDigest();
    }

    // ---- containers: see FakeContainer ----------------------------------------------------------------

    /** What {@link #createContainer} was asked for, in order. */
    final List<ContainerSpec> created = new ArrayList<>();
    /** The grace periods {@link #stopContainer} was called with, by container id ({@code null}: the default). */
    final Map<String, Duration> stops = new LinkedHashMap<>();
    /** Container ids and the signals {@link #killContainer} sent, as {@code id SIGNAL}. */
    final List<String> kills = new ArrayList<>();
    /** Ids of removed containers, in order. */
    final List<String> removed = new ArrayList<>();
    /** How many times {@link #waitContainer} was called. */
    final AtomicInteger waits = new AtomicInteger();
    /** How many log streams were opened. */
    final AtomicInteger logStreams = new AtomicInteger();
    /** What was written to each container's stdin through {@link #attachStdin}, by id. */
    final Map<String, java.io.ByteArrayOutputStream> stdins = new java.util.concurrent.ConcurrentHashMap<>();
    /** The containers whose stdin stream was closed. */
    final Set<String> stdinsClosed = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** The execs run, in order. */
    final List<ExecSpec> execs = new ArrayList<>();
    /** What a container does when started; by default it runs until stopped. */
    Function<ContainerSpec, FakeContainer.Program> programs = spec -> FakeContainer.Program.running();
    /** How an exec ends; by default it prints its command line and exits 0. */
    Function<ExecSpec, ExecResult> execResults = spec -> new ExecResult(0, String.join(" ", spec.command()) + "\n", "", false);
    /** The engine's clock: creation, start and exit times, and log line times. */
    volatile Instant now = CliRunner.NOW;

    private final Map<String, FakeContainer> containers = new LinkedHashMap<>();
    private int nextPort = 49153;

    @Override
    public synchronized ContainerInfo createContainer(ContainerSpec spec) {
        created.add(spec);
        ImageReference reference = ImageReference.parse(spec.image());
        Image image = local.get(reference);
        if (image == null || spec.pullPolicy() == ContainerSpec.PullPolicy.ALWAYS) {
            if (spec.pullPolicy() == ContainerSpec.PullPolicy.NEVER) {
                throw new ImageNotFoundException("no local image " + reference + " and the pull policy is never",
                        reference.registry(), reference, 0);
            }
            // Not pull(): its download threads take this engine's lock, which this thread holds.
            image = registry.get(reference);
            if (image == null) {
                throw new ImageNotFoundException("pull of " + reference + " failed: 404 Not Found", reference.apiHost(),
                        reference, 404);
            }
            pulls.add(PullOptions.defaults());
            local.put(reference, image);
        }
        String name = spec.name() != null ? spec.name() : "container_" + (containers.size() + 1);
        if (containers.values().stream().anyMatch(c -> c.name.equals(name))) {
            throw new ContainerEngineException("creating container " + name + " failed: the name is already in use");
        }
        String id = Ids.hex(digest("container-" + name + "-" + containers.size()));
        FakeContainer container = new FakeContainer(id, name, spec, image, now);
        containers.put(id, container);
        return container.info();
    }

    @Override
    public synchronized void startContainer(String reference) {
        FakeContainer container = find(reference);
        FakeContainer.Program program = programs.apply(container.spec);
        if (program.startFailure() != null) {
            container.failStart(program.startFailure());
            throw new ContainerStartException(program.startFailure(), container.id, List.of(), null);
        }
        List<PortBinding> bound = new ArrayList<>();
        for (PortBinding port : container.spec.ports()) {
            bound.add(port.hostPort() != 0 ? port
                    : new PortBinding(port.containerPort(), port.protocol(), port.hostIp(), nextPort++));
        }
        container.start(now, bound);
        for (LogLine line : program.output()) {
            container.log(line.stream(), line.text(), now);
        }
        notifyAll();
        if (program.exitCode() != null) {
            exit(container, program.exitCode());
        }
    }

    /** The running container writes a line. */
    synchronized void emit(String reference, LogLine.Stream stream, String text) {
        find(reference).log(stream, text, now);
        notifyAll();
    }

    /** The running container's process exits with {@code exitCode}. */
    /** Gives the container the health its engine would have found. */
    synchronized void health(String reference, dev.stevedore.engine.ContainerHealth health) {
        find(reference).health = health;
    }

    synchronized void exit(String reference, int exitCode) {
        exit(find(reference), exitCode);
    }

    private void exit(FakeContainer container, int exitCode) {
        container.exit(exitCode, now);
        if (container.spec.autoRemove()) {
            containers.remove(container.id);
            removed.add(container.id);
        }
        notifyAll();
    }

    /** The container with this id, id prefix or name, as {@link #inspectContainer} finds it. */
    synchronized FakeContainer find(String reference) {
        FakeContainer byName = containers.values().stream().filter(c -> c.name.equals(reference)).findFirst().orElse(null);
        if (byName != null) {
            return byName;
        }
        List<FakeContainer> byId = containers.values().stream().filter(c -> c.id.startsWith(reference)).toList();
        if (byId.size() > 1) {
            throw new ContainerEngineException("the id prefix " + reference + " matches " + byId.size() + " containers");
        }
        if (byId.isEmpty()) {
            throw new ContainerNotFoundException(reference);
        }
        return byId.get(0);
    }

    @Override
    public synchronized ContainerInfo inspectContainer(String reference) {
        return find(reference).info();
    }

    @Override
    public synchronized List<ContainerInfo> containers(boolean all, Map<String, String> labels) {
        List<ContainerInfo> listed = new ArrayList<>();
        for (FakeContainer container : containers.values()) {
            ContainerInfo info = container.info();
            boolean labelled = labels.entrySet().stream().allMatch(label -> info.labels().containsKey(label.getKey())
                    && (label.getValue().isEmpty() || label.getValue().equals(info.labels().get(label.getKey()))));
            if ((all || info.state().running()) && labelled) {
                listed.add(0, info);
            }
        }
        return listed;
    }

    @Override
    public synchronized ContainerState waitContainer(String reference, Duration timeout) {
        FakeContainer container = find(reference);
        waits.incrementAndGet();
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (container.state.running() && System.nanoTime() < deadline) {
                TimeUnit.NANOSECONDS.timedWait(this, Math.max(1, deadline - System.nanoTime()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return container.state;
    }

    @Override
    public synchronized void stopContainer(String reference, Duration grace) {
        FakeContainer container = find(reference);
        stops.put(container.id, grace);
        if (container.state.running()) {
            exit(container, 128 + 15);
        }
    }

    @Override
    public synchronized void killContainer(String reference, String signal) {
        FakeContainer container = find(reference);
        int number = FakeContainer.signalNumber(signal);
        if (!container.state.running()) {
            throw new ContainerEngineException("killing container " + reference + " failed: it is not running");
        }
        kills.add(container.id + " " + signal);
        exit(container, 128 + number);
    }

    @Override
    public synchronized void removeContainer(String reference, boolean force, boolean removeVolumes) {
        FakeContainer container = find(reference);
        if (container.state.running() && !force) {
            throw new ContainerEngineException("removing container " + reference
                    + " failed: it is running — stop it first, or force the removal");
        }
        if (container.state.running()) {
            exit(container, 128 + 9);
        }
        if (containers.remove(container.id) != null) {
            removed.add(container.id);
        }
        notifyAll();
    }

    @Override
    public synchronized ContainerLogs logs(String reference, LogOptions options) {
        logStreams.incrementAndGet();
        return find(reference).logs(options, this);
    }

    @Override
    public void resizeContainer(String reference, int rows, int columns) {
        resized.add(new int[] {rows, columns});
    }

    /** The sizes passed to {@link #resizeContainer}, in order. */
    final List<int[]> resized = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** The ids of the containers {@link #recordAttach} was called for, in order. */
    final List<String> attaches = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public synchronized void recordAttach(String reference) {
        attaches.add(find(reference).id);
    }

    @Override
    public java.io.OutputStream attachStdin(String reference) {
        String id;
        synchronized (this) {
            FakeContainer c = find(reference);
            if (!c.spec.openStdin()) {
                throw new ContainerEngineException("container " + reference + " has no open stdin");
            }
            id = c.id;
        }
        java.io.ByteArrayOutputStream bytes = stdins.computeIfAbsent(id, k -> new java.io.ByteArrayOutputStream());
        return new java.io.OutputStream() {
            @Override
            public void write(int b) {
                synchronized (bytes) {
                    bytes.write(b);
                }
            }

            @Override
            public void write(byte[] b, int off, int len) {
                synchronized (bytes) {
                    bytes.write(b, off, len);
                }
            }

            @Override
            public void close() {
                stdinsClosed.add(id);
            }
        };
    }

    @Override
    public ExecResult exec(String reference, ExecSpec spec) {
        synchronized (this) {
            if (!find(reference).state.running()) {
                throw new ContainerEngineException("exec in container " + reference + " failed: it is not running");
            }
            execs.add(spec);
        }
        ExecResult result = execResults.apply(spec);
        if (spec.output() != null) {
            result.stdout().lines().forEach(text -> spec.output().accept(new LogLine(LogLine.Stream.STDOUT, now, text)));
            result.stderr().lines().forEach(text -> spec.output().accept(new LogLine(LogLine.Stream.STDERR, now, text)));
        }
        return result;
    }

    @Override
    public void copyToContainer(String container, String directory, InputStream tar) {
        throw new UnsupportedOperationException("copy is not faked");
    }

    @Override
    public java.util.Optional<dev.stevedore.engine.ContainerPathStat> statContainerPath(String container, String path) {
        throw new UnsupportedOperationException("copy is not faked");
    }

    @Override
    public InputStream copyFromContainer(String container, String path) {
        throw new UnsupportedOperationException("copy is not faked");
    }

    @Override
    public dev.stevedore.engine.NetworkInfo createNetwork(dev.stevedore.engine.NetworkSpec spec) {
        throw new UnsupportedOperationException("networks are not modelled by this fake");
    }

    @Override
    public dev.stevedore.engine.NetworkInfo inspectNetwork(String network) {
        // as an engine answers for a network it does not know: inspect documents then leave its details out
        throw new dev.stevedore.engine.ContainerEngineException("networks are not modelled by this fake: " + network);
    }

    @Override
    public List<dev.stevedore.engine.NetworkInfo> networks() {
        throw new UnsupportedOperationException("networks are not modelled by this fake");
    }

    @Override
    public void removeNetwork(String network) {
        throw new UnsupportedOperationException("networks are not modelled by this fake");
    }

    @Override
    public void connectNetwork(String network, String container, List<String> aliases, String ipv4Address) {
        throw new UnsupportedOperationException("networks are not modelled by this fake");
    }

    @Override
    public void disconnectNetwork(String network, String container) {
        throw new UnsupportedOperationException("networks are not modelled by this fake");
    }

    // ---- volumes: a map, in use while a container's spec mounts the name ----------------------------------

    private final Map<String, dev.stevedore.engine.VolumeInfo> volumes = new java.util.TreeMap<>();

    @Override
    public synchronized dev.stevedore.engine.VolumeInfo createVolume(dev.stevedore.engine.VolumeSpec spec) {
        String name = spec.name() != null ? spec.name() : Ids.hex(digest("volume-" + volumes.size())).substring(0, 64);
        return volumes.computeIfAbsent(name, n -> new dev.stevedore.engine.VolumeInfo(n, spec.labels(),
                "/fake/volumes/" + n + "/_data", Instant.EPOCH));
    }

    @Override
    public synchronized dev.stevedore.engine.VolumeInfo inspectVolume(String name) {
        dev.stevedore.engine.VolumeInfo volume = volumes.get(name);
        if (volume == null) {
            throw new dev.stevedore.engine.VolumeNotFoundException(name);
        }
        return volume;
    }

    /** Images share no layers here and containers write nothing; volumes hold nothing, used by the containers that mount them. */
    @Override
    public synchronized dev.stevedore.engine.DiskUsage diskUsage() {
        List<ContainerInfo> all = containers(true, Map.of());
        List<dev.stevedore.engine.DiskUsage.ImageUsage> images = images().stream().map(i -> new dev.stevedore.engine.DiskUsage.ImageUsage(
                i, i.size(), 0, (int) all.stream().filter(c -> c.imageId().equals(i.id())).count())).toList();
        List<dev.stevedore.engine.DiskUsage.VolumeUsage> volumes = volumes(Map.of()).stream().map(v -> new dev.stevedore.engine.DiskUsage.VolumeUsage(
                v, 0, (int) all.stream().filter(c -> c.mounts().stream().anyMatch(m -> v.name().equals(m.source()))).count())).toList();
        return new dev.stevedore.engine.DiskUsage(images.stream().mapToLong(dev.stevedore.engine.DiskUsage.ImageUsage::size).sum(), images,
                all.stream().map(c -> new dev.stevedore.engine.DiskUsage.ContainerUsage(c, 0, 0)).toList(), volumes, List.of());
    }

    @Override
    public synchronized List<dev.stevedore.engine.VolumeInfo> volumes(Map<String, String> labels) {
        return volumes.values().stream().filter(v -> labels.entrySet().stream().allMatch(l -> v.labels().containsKey(l.getKey())
                && (l.getValue().isEmpty() || l.getValue().equals(v.labels().get(l.getKey()))))).toList();
    }

    @Override
    public synchronized void removeVolume(String name, boolean force) {
        if (!volumes.containsKey(name)) {
            if (force) {
                return;
            }
            throw new dev.stevedore.engine.VolumeNotFoundException(name);
        }
        List<String> users = containers.values().stream().filter(c -> c.spec.mounts().stream()
                .anyMatch(m -> m.type() == dev.stevedore.engine.Mount.Type.VOLUME && m.source().equals(name))).map(c -> c.name).toList();
        if (!users.isEmpty()) {
            throw new dev.stevedore.engine.VolumeInUseException(name, users);
        }
        volumes.remove(name);
    }

    @Override
    public dev.stevedore.engine.EventSubscription events(java.util.function.Consumer<dev.stevedore.engine.EngineEvent> listener) {
        throw new UnsupportedOperationException("this test engine has no event feed");
    }

    @Override
    public void close() {
        closed = true;
    }

    @Override
    public dev.stevedore.engine.Image build(dev.stevedore.engine.BuildSpec spec, dev.stevedore.engine.BuildListener listener) {
        builds.add(spec);
        Image built = image("built", java.time.Instant.parse("2025-01-01T00:00:00Z"), 1_000, 100);
        listener.onEvent(new dev.stevedore.engine.BuildEvent(dev.stevedore.engine.BuildEvent.Kind.STEP, 1, 2, "FROM busybox"));
        listener.onEvent(new dev.stevedore.engine.BuildEvent(dev.stevedore.engine.BuildEvent.Kind.STEP, 2, 2, "RUN echo hi"));
        listener.onEvent(new dev.stevedore.engine.BuildEvent(dev.stevedore.engine.BuildEvent.Kind.CACHED, 2, 2, "sha256:0"));
        listener.onEvent(new dev.stevedore.engine.BuildEvent(dev.stevedore.engine.BuildEvent.Kind.BUILT, 0, 2, built.id()));
        spec.tags().forEach(t -> listener.onEvent(new dev.stevedore.engine.BuildEvent(dev.stevedore.engine.BuildEvent.Kind.TAGGED, 0, 2, t.familiar())));
        return built;
    }

    /** The builds asked for, in order. */
    final List<dev.stevedore.engine.BuildSpec> builds = new java.util.concurrent.CopyOnWriteArrayList<>();
}
