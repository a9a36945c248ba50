package dev.stevedore.engine.internal.embedded;

import dev.stevedore.engine.EngineEvent;
import dev.stevedore.engine.EventSubscription;
import dev.stevedore.engine.BuildListener;
import dev.stevedore.engine.BuildSpec;
import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerLogs;
import dev.stevedore.engine.ContainerNotFoundException;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.ContainerState;
import dev.stevedore.engine.ExecResult;
import dev.stevedore.engine.ExecSpec;
import dev.stevedore.engine.LogOptions;
import dev.stevedore.engine.NetworkInfo;
import dev.stevedore.engine.NetworkSpec;
import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.EngineInfo;
import dev.stevedore.engine.EngineCapabilities;
import dev.stevedore.engine.EngineSettings;
import dev.stevedore.engine.Image;
import dev.stevedore.engine.ImageNotFoundException;
import dev.stevedore.engine.ImageReference;
import dev.stevedore.engine.Platform;
import dev.stevedore.engine.PullOptions;
import dev.stevedore.engine.VolumeInfo;
import dev.stevedore.engine.VolumeSpec;
import dev.stevedore.engine.internal.build.ImageBuilder;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The daemonless engine: owns a state directory and does everything itself, in this JVM and in the
 * native launcher it starts. Several JVMs may share one state directory; every shared structure below
 * it is written atomically under file locks.
 *
 * <p><b>Containers</b> (see {@link ContainerService}) live as long as the JVM that started them: each is
 * tied to it by a lifeline, so a JVM that ends (even by SIGKILL) takes its containers with it, and
 * {@link #close()} kills the containers this engine started. Other JVMs on the same state directory see
 * them, stop, kill, exec into and copy from them.
 *
 * <p><b>Networks</b> (see {@link NetworkService}): a container joins the default bridge network unless it
 * names another one, {@code host} or {@code none}; the network manager wires it at the launcher's
 * barrier, publishes its ports on 127.0.0.1 through a proxy in this JVM (the owner) or, for a container
 * that outlives it ({@link ContainerSpec#KEEP_LABEL}), in a port proxy process that ends with the
 * container, and releases its address when it exits.
 *
 * <p><b>Rootless</b>: opened by an ordinary user, the engine keeps its containers in the user's own user namespace
 * (container root is the user, other ids the user's subordinate range; see {@link EngineMode}).
 *
 * <p><b>Volumes</b> (see {@link Volumes}, anonymous ones too) outlive engines and containers until removed, with a
 * container or by name; one that a container (in any state) of the state directory mounts cannot be removed.
 *
 * <p>Past 500 lines with one job: the {@link ContainerEngine} methods, each a few lines handing the call to the
 * service that does it (containers, networks, volumes, images, builds) and publishing its event.
 */
public final class EmbeddedEngine implements ContainerEngine {
    private static final EngineCapabilities SHARES_HOST_FILES = new EngineCapabilities(true);
    private final EngineSettings settings;
    private final ImageService images;
    private final ImageReferences references;
    private final Volumes volumes;
    private ImageBuilder builder;
    private final String selectedBecause;
    private final EngineMode mode;
    // Made on first use, once, under this engine's lock: `images` or `version` needs neither the container and network
    // services (whose opening reaps ended runs and reads every network record) nor the event journal.
    private EmbeddedEvents events;
    private Services services;
    private boolean closed;

    /** The container and network services, made together: each looks the other up. */
    private record Services(NetworkService networks, ContainerService containers) {
    }

    private EmbeddedEngine(EngineSettings settings, EngineMode mode, ImageService images, String selectedBecause) {
        this.settings = settings;
        this.selectedBecause = selectedBecause;
        this.images = images;
        this.references = new ImageReferences(images, this::containerService, this::eventService, this::builder, settings.stateDirectory());
        this.volumes = Volumes.of(settings.stateDirectory());
        this.mode = mode;
    }

    private synchronized EmbeddedEvents eventService() {
        if (events == null) {
            ensureOpen();
            events = new EmbeddedEvents(settings.stateDirectory());
        }
        return events;
    }

    private synchronized Services services() {
        if (services == null) {
            ensureOpen();
            NetworkService networks = new NetworkService(settings, mode.userNamespace());
            ContainerService containers = new ContainerService(settings, images, networks.manager(), eventService(), mode);
            networks.containers(containers::networkView);
            services = new Services(networks, containers);
        }
        return services;
    }

    private ContainerService containerService() {
        return services().containers();
    }

    /** {@link KeptRestartMain}'s work: run {@code run} of a kept container ended with no engine owning it. */
    java.util.concurrent.CompletableFuture<String> restartKept(String id, long run) {
        return containerService().restartKept(id, run);
    }

    private NetworkService networkService() {
        return services().networks();
    }

    private void ensureOpen() {
        if (closed) {
            throw new ContainerEngineException("the engine on " + settings.stateDirectory() + " is closed; open a new one");
        }
    }

    /** Opens the engine on {@code settings.stateDirectory()}, creating it (mode 0700) when missing. */
    public static ContainerEngine open(EngineSettings settings) {
        return open(settings, "opened as the embedded engine by name");
    }

    /** {@link #open(EngineSettings)}; {@code selectedBecause} is what {@link #info()} says of the choice. */
    public static ContainerEngine open(EngineSettings settings, String selectedBecause) {
        Path state = settings.stateDirectory();
        try {
            if (!Files.isDirectory(state)) {
                Files.createDirectories(state);
                Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwx------"));
            }
        } catch (IOException e) {
            throw new ContainerEngineException("cannot create the state directory " + state + ": " + e.getMessage()
                    + " — set STEVEDORE_HOME to a directory you can write", e);
        }
        EngineMode mode = EngineMode.detect(state);
        return new EmbeddedEngine(settings, mode, new ImageService(settings, mode), selectedBecause);
    }

    /**
     * Builds what the first image lookup and container create would otherwise build on their way (the container
     * services; the parsing of manifests and configs), writing nothing. For a caller that opens the engine ahead of use on a thread of its own.
     */
    @Override
    public void prepare() {
        services();
        images.prepareForLookups();
    }

    @Override
    public EngineInfo info() {
        return new EngineInfo("embedded", settings.stateDirectory().toString(), "in-process", selectedBecause, mode.rootless());
    }

    /** Its containers run on this host's file system: a bind mount is the host's file itself. */
    @Override
    public EngineCapabilities capabilities() {
        return SHARES_HOST_FILES;
    }

    /** The settings this engine was opened with. */
    public EngineSettings settings() {
        return settings;
    }

    @Override
    public dev.stevedore.engine.RegistryLoginResult login(String serverAddress, String username, String password) {
        // a client of its own: a login must ask the registry afresh, not answer from the pull client's cached tokens
        try (dev.stevedore.engine.internal.registry.RegistryClient client = new dev.stevedore.engine.internal.registry.RegistryClient(settings)) {
            return client.login(serverAddress, username, password);
        }
    }

    @Override
    public Image pull(ImageReference reference, PullOptions options) {
        Platform platform = options.platform() != null ? options.platform() : settings.platform();
        Image pulled = images.pull(reference, platform, options.listener());
        eventService().publish(EngineEvent.Type.IMAGE, EngineEvent.Action.PULL, reference.toString(),
                Map.of(EngineEvent.NAME, reference.toString()));
        return pulled;
    }

    @Override
    public Optional<Image> image(ImageReference reference) {
        return images.find(reference);
    }

    @Override
    public List<Image> images() {
        return images.list();
    }

    @Override
    public List<dev.stevedore.engine.ImageHistory> history(ImageReference reference) {
        return images.history(reference).orElseThrow(() -> new ImageNotFoundException("no history for "
                + reference.familiar() + ": no such image in the local store " + settings.stateDirectory()
                + " — pull it first", reference.registry(), reference, 0));
    }

    @Override
    public List<dev.stevedore.engine.ImageHistory> historyById(String id) {
        return images.historyById(id).orElseThrow(() -> new ImageNotFoundException("no history for " + id
                + ": no image with that id in the local store " + settings.stateDirectory(), null, null, 0));
    }

    @Override
    public void removeImage(ImageReference reference) {
        references.byReference(reference);
    }

    @Override
    public void removeImageById(String id, boolean force) {
        references.byId(id, force);
    }

    @Override
    public dev.stevedore.engine.ImagesPruned pruneImages(boolean all, List<String> labels) {
        return references.prune(all, labels);
    }

    @Override
    public List<Image> load(Path archive) {
        if (!Files.exists(archive)) {
            throw new ContainerEngineException("cannot load images from " + archive + ": no such file or directory");
        }
        try {
            List<Image> loaded = images.load(archive);
            for (Image image : loaded) {
                eventService().publish(EngineEvent.Type.IMAGE, EngineEvent.Action.LOAD, image.id(), Map.of(EngineEvent.NAME, image.id()));
            }
            return loaded;
        } catch (UncheckedIOException e) {
            throw new ContainerEngineException("cannot load images from " + archive + ": " + e.getCause().getMessage(), e);
        }
    }

    @Override
    public void tag(ImageReference source, ImageReference target) {
        references.tag(source, target);
    }

    @Override
    public void tagById(String id, ImageReference target) {
        references.tagById(id, target);
    }

    @Override
    public void save(List<ImageReference> references, java.io.OutputStream out) {
        save(references, List.of(), out);
    }

    @Override
    public void save(List<ImageReference> references, List<String> ids, java.io.OutputStream out) {
        images.save(references, ids, out);
        java.util.stream.Stream.concat(references.stream().map(images::find), ids.stream().map(images::findById))
                .flatMap(Optional::stream).forEach(saved -> eventService().publish(EngineEvent.Type.IMAGE,
                        EngineEvent.Action.SAVE, saved.id(), Map.of(EngineEvent.NAME, saved.id())));
    }

    @Override
    public String push(ImageReference reference, dev.stevedore.engine.PushOptions options) {
        String digest = images.push(reference, options.listener());
        // as dockerd names it: the repository, without the tag
        String repository = reference.toString();
        int colon = repository.lastIndexOf(':');
        eventService().publish(EngineEvent.Type.IMAGE, EngineEvent.Action.PUSH, reference.toString(),
                Map.of(EngineEvent.NAME, colon > repository.lastIndexOf('/') ? repository.substring(0, colon) : repository));
        return digest;
    }

    @Override
    public Image build(BuildSpec spec, BuildListener listener) {
        return builder().build(spec, listener);
    }

    @Override
    public dev.stevedore.engine.BuildCachePruned pruneBuildCache(dev.stevedore.engine.BuildCachePrune options) {
        return builder().pruneCache(options);
    }

    @Override
    public dev.stevedore.engine.DiskUsage diskUsage() {
        List<Image> listed = images.list();
        List<ContainerInfo> all = containerService().list(true, Map.of());
        return DiskUsages.measure(listed, images::layerSizes, all, id -> containerService().directory(id).resolve("upper"),
                volumes.list(Map.of()), builder().cacheUsage());
    }

    private synchronized ImageBuilder builder() {
        if (builder == null) {
            // RUN steps read their container's upper directory where the container store keeps it (on disk or in memory)
            ContainerStore store = new ContainerStore(settings.stateDirectory(),
                    MemoryStorage.root(settings.stateDirectory()).map(root -> root.resolve("containers")).orElse(null));
            builder = new ImageBuilder(settings.stateDirectory(), this, id -> store.directory(id).resolve("upper"),
                    mode.upperDirectoryAccess(settings.stateDirectory().resolve("tmp")), settings.platform());
        }
        return builder;
    }

    @Override
    public ContainerInfo createContainer(ContainerSpec spec) {
        return containerService().create(spec);
    }

    @Override
    public void startContainer(String container) {
        containerService().start(container);
    }

    @Override
    public ContainerInfo runContainer(ContainerSpec spec) {
        ContainerInfo created = containerService().create(spec);
        containerService().start(created.id());
        try {
            return containerService().inspect(created.id()).withWarnings(created.warnings());
        } catch (ContainerNotFoundException e) {
            // an auto-remove container that ended at once is gone already: report it as it ended
            return containerService().autoRemoved(created.id()).orElseThrow(() -> e);
        }
    }

    @Override
    public ContainerInfo inspectContainer(String container) {
        return containerService().inspect(container);
    }

    @Override
    public List<ContainerInfo> containers(boolean all, Map<String, String> labels) {
        return containerService().list(all, labels);
    }

    @Override
    public ContainerState waitContainer(String container, Duration timeout) {
        return containerService().await(container, timeout);
    }

    @Override
    public void stopContainer(String container, Duration grace) {
        containerService().stop(container, grace);
    }

    @Override
    public void restartContainer(String container, Duration grace) {
        containerService().restart(container, grace);
    }

    @Override
    public void killContainer(String container, String signal) {
        containerService().kill(container, signal);
    }

    @Override
    public void removeContainer(String container, boolean force, boolean removeVolumes) {
        containerService().remove(container, force, removeVolumes);
    }

    @Override
    public ContainerLogs logs(String container, LogOptions options) {
        return containerService().stdio().logs(container, options);
    }

    @Override
    public ContainerLogs attach(String container) {
        return containerService().stdio().attach(container);
    }

    @Override
    public java.io.OutputStream attachStdin(String container) {
        return containerService().stdio().attachStdin(container);
    }

    @Override
    public void recordAttach(String container) {
        containerService().stdio().recordAttach(container);
    }

    @Override
    public void resizeContainer(String container, int rows, int columns) {
        containerService().stdio().resize(container, rows, columns);
    }

    @Override
    public java.util.List<EngineEvent> pastEvents(java.time.Instant since, java.time.Instant until) {
        return eventService().past(since, until);
    }

    @Override
    public void renameContainer(String container, String newName) {
        containerService().controls().rename(container, newName);
    }

    @Override
    public void pauseContainer(String container) {
        containerService().controls().pause(container, true);
    }

    @Override
    public void unpauseContainer(String container) {
        containerService().controls().pause(container, false);
    }

    @Override
    public dev.stevedore.engine.ContainerStats stats(String container) {
        return containerService().controls().stats(container);
    }

    @Override
    public dev.stevedore.engine.ContainerTop top(String container, String psArgs) {
        dev.stevedore.engine.ContainerTop top = containerService().controls().top(container, psArgs);
        containerService().controls().announce(container, EngineEvent.Action.TOP, Map.of());
        return top;
    }

    @Override
    public ContainerInfo updateContainer(String container, dev.stevedore.engine.ContainerUpdate update) {
        return containerService().controls().update(container, update);
    }

    @Override
    public java.util.List<dev.stevedore.engine.FileChange> changes(String container) {
        return containerService().changes().changes(container);
    }

    @Override
    public Image commit(String container, dev.stevedore.engine.CommitSpec spec) {
        String digest = containerService().changes().commit(container, spec, builder()::commit).toString();
        Image committed = images.list().stream().filter(i -> i.manifestDigest().equals(digest)).findFirst().orElseThrow(() ->
                new ContainerEngineException("the image committed from container " + container + " was removed meanwhile"));
        String named = spec.reference() == null ? "" : spec.reference().familiar();
        if (spec.reference() != null) { // as dockerd: the new image's tag, then the container's commit naming it
            eventService().publish(EngineEvent.Type.IMAGE, EngineEvent.Action.TAG, committed.id(), Map.of(EngineEvent.NAME, named));
        }
        containerService().controls().announce(container, EngineEvent.Action.COMMIT, Map.of("comment",
                spec.comment() == null ? "" : spec.comment(), "imageID", committed.id(), "imageRef", named));
        return committed;
    }

    @Override
    public InputStream export(String container) {
        InputStream archive = containerService().changes().export(container);
        containerService().controls().announce(container, EngineEvent.Action.EXPORT, Map.of());
        return archive;
    }

    @Override
    public ExecResult exec(String container, ExecSpec spec) {
        return containerService().exec(container, spec);
    }

    @Override
    public void copyToContainer(String container, String directory, InputStream tar) {
        containerService().copyTo(container, directory, tar);
        containerService().controls().announce(container, EngineEvent.Action.EXTRACT_TO_DIR, Map.of());
    }

    @Override
    public Optional<dev.stevedore.engine.ContainerPathStat> statContainerPath(String container, String path) {
        return containerService().stat(container, path);
    }

    @Override
    public InputStream copyFromContainer(String container, String path) {
        InputStream archive = containerService().copyFrom(container, path);
        containerService().controls().announce(container, EngineEvent.Action.ARCHIVE_PATH, Map.of());
        return archive;
    }

    @Override
    public NetworkInfo createNetwork(NetworkSpec spec) {
        NetworkInfo created = networkService().create(spec);
        eventService().publish(EngineEvent.Type.NETWORK, EngineEvent.Action.CREATE, created.id(), RunEvents.network(created));
        return created;
    }

    @Override
    public NetworkInfo inspectNetwork(String network) {
        return networkService().inspect(network);
    }

    @Override
    public List<NetworkInfo> networks() {
        return networkService().list();
    }

    @Override
    public void removeNetwork(String network) {
        NetworkInfo removed = networkService().inspect(network);
        networkService().remove(network);
        eventService().publish(EngineEvent.Type.NETWORK, EngineEvent.Action.DESTROY, removed.id(), RunEvents.network(removed));
    }

    @Override
    public void connectNetwork(String network, String container, List<String> aliases, String ipv4Address) {
        networkService().connect(network, container, aliases, ipv4Address);
        // as dockerd: a created container joins (and its connect is reported) when it starts
        if (containerService().inspect(container).state().running()) {
            publishConnection(EngineEvent.Action.CONNECT, network, container);
        }
    }

    @Override
    public void disconnectNetwork(String network, String container) {
        networkService().disconnect(network, container);
        publishConnection(EngineEvent.Action.DISCONNECT, network, container);
    }

    private void publishConnection(EngineEvent.Action action, String network, String container) {
        NetworkInfo info = networkService().inspect(network);
        Map<String, String> attributes = RunEvents.network(info);
        attributes.put(EngineEvent.CONTAINER, containerService().inspect(container).id());
        eventService().publish(EngineEvent.Type.NETWORK, action, info.id(), attributes);
    }

    @Override
    public VolumeInfo createVolume(VolumeSpec spec) {
        VolumeInfo created = volumes.create(spec);
        eventService().publish(EngineEvent.Type.VOLUME, EngineEvent.Action.CREATE, created.name(),
                Map.of("driver", RunEvents.LOCAL_DRIVER));
        return created;
    }

    @Override
    public VolumeInfo inspectVolume(String name) {
        return volumes.inspect(name);
    }

    @Override
    public List<VolumeInfo> volumes(Map<String, String> labels) {
        return volumes.list(labels);
    }

    @Override
    public void removeVolume(String name, boolean force) {
        if (volumes.remove(name, force, containerService()::mountersOf)) {
            eventService().publish(EngineEvent.Type.VOLUME, EngineEvent.Action.DESTROY, name, Map.of("driver", RunEvents.LOCAL_DRIVER));
        }
    }

    @Override
    public EventSubscription events(java.util.function.Consumer<EngineEvent> listener) {
        // the container service first: a subscription follows the runs of the other engines through it
        containerService();
        return eventService().subscribe(listener);
    }

    @Override
    public void close() {
        Services built;
        EmbeddedEvents journal;
        synchronized (this) {
            closed = true;
            built = services;
            journal = events;
        }
        try {
            if (built != null) {
                built.containers().close();
            }
            if (journal != null) {
                journal.close();
            }
        } finally {
            try {
                if (built != null) {
                    built.networks().close();
                }
            } finally {
                images.close();
                volumes.close(); // the in-memory root an open makes goes if nothing is left in it
            }
        }
    }
}
