package dev.stevedore.engine.internal.docker;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerLogs;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.ContainerState;
import dev.stevedore.engine.EngineInfo;
import dev.stevedore.engine.EngineSettings;
import dev.stevedore.engine.ExecResult;
import dev.stevedore.engine.ExecSpec;
import dev.stevedore.engine.Image;
import dev.stevedore.engine.ImageReference;
import dev.stevedore.engine.LogOptions;
import dev.stevedore.engine.NetworkInfo;
import dev.stevedore.engine.NetworkSpec;
import dev.stevedore.engine.PullOptions;
import dev.stevedore.engine.PushOptions;
import dev.stevedore.engine.VolumeInfo;
import dev.stevedore.engine.VolumeSpec;
import dev.stevedore.engine.internal.registry.DockerCredentials;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.OutputStream;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The {@link ContainerEngine} that drives a Docker Engine API endpoint — dockerd, Podman's Docker-compatible
 * socket, a remote daemon — instead of running containers itself.
 *
 * <p>Opening it finds the endpoint ({@link DockerDiscovery}) and agrees on an API version
 * ({@link DockerConnector}); both fail with messages that say what was tried. Registry credentials come
 * from the same {@code config.json} the embedded engine reads and travel to the daemon in
 * {@code X-Registry-Auth}. Pulls use the daemon's native platform unless the options name one.
 *
 * <p>Containers ({@link DockerContainers}) carry this engine's session and owner labels: {@link #close()}
 * removes them (with the volumes and networks made for them), a shutdown hook does the same for a JVM that
 * exits without closing, and opening an engine first sweeps what engines of processes that are gone left
 * behind ({@link Labels}, {@link SessionCleanup}).
 *
 * <p>A façade: each method checks the engine is open and delegates to the class per resource — images
 * ({@link DockerImages}), containers, controls, networks, volumes, events. It has one job, the
 * {@link ContainerEngine} interface method by method, so it is as long as that interface: its length is two to
 * four lines per engine operation, and the work lives in the classes it delegates to.
 *
 * <p>Thread-safe. Where the daemon's view of an image differs from the embedded store's, see
 * {@link ImageMapper}; of a container, {@link ContainerMapper}.
 */
public final class DockerEngine implements ContainerEngine {
    /** How long a pull or load may go without a byte from the daemon (a big layer being unpacked). */
    static final Duration STREAM_IDLE_TIMEOUT = Duration.ofMinutes(5);

    private static final Logger LOG = LoggerFactory.getLogger(DockerEngine.class);

    private final DockerApi api;
    private final EngineSettings settings;
    private final DockerCredentials credentials;
    private final UUID session = UUID.randomUUID();
    private final DockerImages images;
    private final DockerContainers containers;
    private final DockerControls controls;
    private final DockerChanges changes;
    private final DockerNetworks networks;
    private final DockerVolumes volumes;
    private final DockerEvents events;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final String selectedBecause;

    private DockerEngine(DockerApi api, EngineSettings settings, String selectedBecause) {
        this.api = api;
        this.settings = settings;
        this.selectedBecause = selectedBecause;
        this.credentials = new DockerCredentials(settings.dockerConfigDirectory());
        this.images = new DockerImages(api, settings, credentials);
        this.controls = new DockerControls(api);
        this.changes = new DockerChanges(api);
        this.containers = new DockerContainers(api, session, images);
        this.networks = new DockerNetworks(api, session, containers::registerShutdownHook);
        this.volumes = new DockerVolumes(api, session, containers::registerShutdownHook);
        this.events = new DockerEvents(api);
    }

    /**
     * An engine on the daemon this process is configured for: {@code DOCKER_HOST}, else the current docker
     * context, else the first well-known socket that answers.
     *
     * @throws ContainerEngineException listing what was tried when no usable daemon answers
     */
    public static DockerEngine open(EngineSettings settings) {
        return open(DockerDiscovery.candidates(settings.dockerConfigDirectory()), settings);
    }

    /** An engine on exactly {@code endpoint}. */
    public static DockerEngine open(DockerEndpoint endpoint, EngineSettings settings) {
        return open(new DockerDiscovery.Candidates(List.of(endpoint), true), settings);
    }

    static DockerEngine open(DockerDiscovery.Candidates candidates, EngineSettings settings) {
        return open(candidates, settings, "opened as the Docker engine by name");
    }

    /** An engine on the first of {@code candidates} that answers; {@code selectedBecause} is for {@link #info()}. */
    static DockerEngine open(DockerDiscovery.Candidates candidates, EngineSettings settings, String selectedBecause) {
        DockerEngine engine = new DockerEngine(DockerConnector.connect(candidates), settings, selectedBecause);
        engine.sweep();
        return engine;
    }

    /** Removes what engines of processes that are gone left in the daemon (see {@link Labels}). */
    private void sweep() {
        try {
            SessionCleanup.Report report = SessionCleanup.sweep(api, Labels.hostName(), Instant.now());
            if (report.removed() > 0) {
                LOG.info("Removed {} containers, {} networks and {} volumes left in the Docker daemon at {} by Stevedore"
                        + " processes that are gone", report.containers(), report.networks(), report.volumes(), api.endpoint().uri());
            }
            if (!report.failures().isEmpty()) {
                LOG.warn("Sweeping what gone Stevedore processes left in the Docker daemon at {} failed in part: {}",
                        api.endpoint().uri(), report.failures());
            }
        } catch (RuntimeException e) {
            // a failed sweep leaves old objects for the next engine; it must not keep this one from working
            LOG.warn("Sweeping what gone Stevedore processes left in the Docker daemon at {} failed: {}", api.endpoint().uri(), e.toString());
        }
    }

    /** The endpoint this engine talks to. */
    public DockerEndpoint endpoint() {
        return api.endpoint();
    }

    /** The API version agreed with the daemon. */
    public ApiVersion apiVersion() {
        return api.version();
    }

    /** The daemon's {@code Server} header ({@code Docker/20.10.24+dfsg1 (linux)}), or empty. */
    public String server() {
        return api.server();
    }

    /** The API calls underneath, for the operations built on this engine. */
    DockerApi api() {
        return api;
    }

    /** This engine's session id, the value of the {@link Labels#SESSION} label on what it creates. */
    public UUID session() {
        return session;
    }

    @Override
    public Image pull(ImageReference reference, PullOptions options) {
        checkOpen();
        return images.pull(reference, options);
    }

    @Override
    public Image build(dev.stevedore.engine.BuildSpec spec, dev.stevedore.engine.BuildListener listener) {
        checkOpen();
        return images.build(spec, listener);
    }

    @Override
    public dev.stevedore.engine.BuildCachePruned pruneBuildCache(dev.stevedore.engine.BuildCachePrune options) {
        checkOpen();
        return images.pruneBuildCache(options);
    }

    @Override
    public dev.stevedore.engine.DiskUsage diskUsage() {
        checkOpen();
        return DockerDiskUsage.read(api, images(), containers(true, Map.of()), volumes(Map.of()));
    }

    @Override
    public Optional<Image> image(ImageReference reference) {
        checkOpen();
        return images.image(reference);
    }

    @Override
    public List<Image> images() {
        checkOpen();
        return images.images();
    }

    @Override
    public List<dev.stevedore.engine.ImageHistory> history(ImageReference reference) {
        checkOpen();
        return images.history(reference);
    }

    @Override
    public void removeImage(ImageReference reference) {
        checkOpen();
        images.removeImage(reference);
    }

    @Override
    public void removeImageById(String id, boolean force) {
        checkOpen();
        images.removeImageById(id, force);
    }

    @Override
    public dev.stevedore.engine.ImagesPruned pruneImages(boolean all, List<String> labels) {
        checkOpen();
        return images.pruneImages(all, labels);
    }

    @Override
    public void tagById(String id, ImageReference target) {
        checkOpen();
        images.tagById(id, target);
    }

    @Override
    public List<Image> load(Path archive) {
        checkOpen();
        return images.load(archive);
    }

    @Override
    public void tag(ImageReference source, ImageReference target) {
        checkOpen();
        images.tag(source, target);
    }

    @Override
    public List<dev.stevedore.engine.ImageHistory> historyById(String id) {
        checkOpen();
        return images.historyById(id);
    }

    @Override
    public void save(List<ImageReference> references, OutputStream out) {
        save(references, List.of(), out);
    }

    @Override
    public void save(List<ImageReference> references, List<String> ids, OutputStream out) {
        checkOpen();
        images.save(references, ids, out);
    }

    @Override
    public dev.stevedore.engine.RegistryLoginResult login(String serverAddress, String username, String password) {
        checkOpen();
        return images.login(serverAddress, username, password);
    }

    @Override
    public String push(ImageReference reference, PushOptions options) {
        checkOpen();
        return images.push(reference, options);
    }

    @Override
    public ContainerInfo createContainer(ContainerSpec spec) {
        checkOpen();
        return containers.create(spec);
    }

    @Override
    public void startContainer(String container) {
        checkOpen();
        containers.start(container);
    }

    @Override
    public ContainerInfo inspectContainer(String container) {
        checkOpen();
        return containers.inspect(container);
    }

    @Override
    public List<ContainerInfo> containers(boolean all, Map<String, String> labels) {
        checkOpen();
        return containers.list(all, labels);
    }

    @Override
    public ContainerState waitContainer(String container, Duration timeout) {
        checkOpen();
        return containers.await(container, timeout);
    }

    @Override
    public void stopContainer(String container, Duration grace) {
        checkOpen();
        containers.stop(container, grace);
    }

    @Override
    public void restartContainer(String container, Duration grace) {
        checkOpen();
        containers.restart(container, grace);
    }

    @Override
    public void killContainer(String container, String signal) {
        checkOpen();
        containers.kill(container, signal);
    }

    @Override
    public void removeContainer(String container, boolean force, boolean removeVolumes) {
        checkOpen();
        containers.remove(container, force, removeVolumes);
    }

    @Override
    public ContainerLogs logs(String container, LogOptions options) {
        checkOpen();
        return containers.logs(container, options);
    }

    @Override
    public java.io.OutputStream attachStdin(String container) {
        checkOpen();
        return DockerAttach.stdin(api, container);
    }

    @Override
    public void recordAttach(String container) {
        checkOpen();
        DockerAttach.record(api, container);
    }

    @Override
    public ContainerLogs attach(String container) {
        checkOpen();
        return DockerAttach.output(api, container);
    }

    @Override
    public void resizeContainer(String container, int rows, int columns) {
        checkOpen();
        dev.stevedore.engine.Tty.of(rows, columns); // refuses a size no terminal has
        containers.resize(container, rows, columns);
    }

    @Override
    public void renameContainer(String container, String newName) {
        checkOpen();
        controls.rename(container, newName);
    }

    @Override
    public void pauseContainer(String container) {
        checkOpen();
        controls.pause(container, true);
    }

    @Override
    public void unpauseContainer(String container) {
        checkOpen();
        controls.pause(container, false);
    }

    @Override
    public dev.stevedore.engine.ContainerStats stats(String container) {
        checkOpen();
        return controls.stats(container);
    }

    @Override
    public dev.stevedore.engine.ContainerTop top(String container, String psArgs) {
        checkOpen();
        return controls.top(container, psArgs);
    }

    @Override
    public ContainerInfo updateContainer(String container, dev.stevedore.engine.ContainerUpdate update) {
        checkOpen();
        controls.update(container, update);
        containers.updated(container, update);
        return containers.inspect(container);
    }

    @Override
    public List<dev.stevedore.engine.FileChange> changes(String container) {
        checkOpen();
        return changes.changes(container);
    }

    @Override
    public Image commit(String container, dev.stevedore.engine.CommitSpec spec) {
        checkOpen();
        String id = changes.commit(container, spec);
        return images.imageById(id).orElseThrow(() -> new ContainerEngineException(
                "the image " + id + " committed from container " + container + " was removed from the Docker daemon meanwhile"));
    }

    @Override
    public InputStream export(String container) {
        checkOpen();
        return changes.export(container);
    }

    @Override
    public ExecResult exec(String container, ExecSpec spec) {
        checkOpen();
        return containers.exec(container, spec);
    }

    @Override
    public void copyToContainer(String container, String directory, InputStream tar) {
        checkOpen();
        containers.copyTo(container, directory, tar);
    }

    @Override
    public Optional<dev.stevedore.engine.ContainerPathStat> statContainerPath(String container, String path) {
        checkOpen();
        return containers.stat(container, path);
    }

    @Override
    public InputStream copyFromContainer(String container, String path) {
        checkOpen();
        return containers.copyFrom(container, path);
    }

    @Override
    public NetworkInfo createNetwork(NetworkSpec spec) {
        checkOpen();
        return networks.create(spec);
    }

    @Override
    public NetworkInfo inspectNetwork(String network) {
        checkOpen();
        return networks.inspect(network);
    }

    @Override
    public List<NetworkInfo> networks() {
        checkOpen();
        return networks.list();
    }

    @Override
    public void removeNetwork(String network) {
        checkOpen();
        networks.remove(network);
    }

    @Override
    public void connectNetwork(String network, String container, List<String> aliases, String ipv4Address) {
        checkOpen();
        networks.connect(network, container, aliases, ipv4Address);
    }

    @Override
    public void disconnectNetwork(String network, String container) {
        checkOpen();
        networks.disconnect(network, container);
    }

    @Override
    public VolumeInfo createVolume(VolumeSpec spec) {
        checkOpen();
        return volumes.create(spec);
    }

    @Override
    public VolumeInfo inspectVolume(String name) {
        checkOpen();
        return volumes.inspect(name);
    }

    @Override
    public List<VolumeInfo> volumes(Map<String, String> labels) {
        checkOpen();
        return volumes.list(labels);
    }

    @Override
    public void removeVolume(String name, boolean force) {
        checkOpen();
        volumes.remove(name, force);
    }

    @Override
    public dev.stevedore.engine.EventSubscription events(java.util.function.Consumer<dev.stevedore.engine.EngineEvent> listener) {
        checkOpen();
        return events.subscribe(listener);
    }

    @Override
    public List<dev.stevedore.engine.EngineEvent> pastEvents(java.time.Instant since, java.time.Instant until) {
        checkOpen();
        return events.past(since, until);
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                events.close();
                containers.close();
            } finally {
                api.close();
            }
        }
    }

    private void checkOpen() {
        if (closed.get()) {
            throw new IllegalStateException("this Docker engine (" + api.endpoint().uri() + ") is closed");
        }
    }

    @Override
    public EngineInfo info() {
        String version = (api.server().isEmpty() ? "a Docker Engine API server" : api.server()) + ", API " + api.version();
        return new EngineInfo("docker", api.endpoint().uri(), version, selectedBecause, DockerSecurityOptions.rootless(api));
    }

    @Override
    public String toString() {
        return "DockerEngine[" + api.endpoint().uri() + ", API " + api.version() + "]";
    }
}
