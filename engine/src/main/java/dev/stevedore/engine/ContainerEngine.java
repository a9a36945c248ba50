package dev.stevedore.engine;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A container engine: images, containers, networks and volumes behind one interface, implemented by
 * the embedded daemonless engine and by a client of a Docker Engine API endpoint.
 *
 * <p>Thread-safe. Close it when done; closing releases what the engine holds in this JVM.
 *
 * <p>Past 500 lines with one job, as the whole of an engine's API, as Docker's Engine API is one: a method per operation, each with
 * its Javadoc, and nothing else. Splitting it by resource ({@code images()}, {@code containers()}) would change
 * every caller; that belongs to the API review before a 1.0, not to a release that adds operations.
 */
public interface ContainerEngine extends AutoCloseable {

    /**
     * Pulls an image (the engine's platform, or the one the options name) into the local store,
     * verified and ready to run, and files it under {@code reference}. Blobs already present are not
     * downloaded again.
     *
     * @throws ImageNotFoundException          the registry has no such repository, tag or platform
     * @throws RegistryAuthenticationException the registry wants credentials that were missing or wrong
     * @throws RegistryException               the registry failed otherwise
     * @throws ContentVerificationException    content did not match its digest (nothing of it was stored)
     * @throws UnsafeLayerException            a layer tried to write outside its directory
     */
    Image pull(ImageReference reference, PullOptions options);

    /** {@link #pull(ImageReference, PullOptions)} with the defaults. */
    default Image pull(String reference) {
        return pull(ImageReference.parse(reference), PullOptions.defaults());
    }

    /** The local image filed under {@code reference}, if there is one. Never contacts a registry. */
    Optional<Image> image(ImageReference reference);

    /** Every image in the local store. */
    List<Image> images();

    /**
     * The history of the local image {@code reference} names, newest step first, as {@code docker history} lists it.
     *
     * @throws ImageNotFoundException when no local image has that reference
     */
    List<ImageHistory> history(ImageReference reference);

    /**
     * {@link #history} of the local image with id {@code id} (in full or a unique prefix), a dangling one's too, as
     * {@code docker history ID}.
     *
     * @throws ImageNotFoundException when no local image has that id
     */
    default List<ImageHistory> historyById(String id) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " lists the history of images by reference only");
    }

    /**
     * Removes {@code reference} from the local store; the image's content goes too once no other
     * reference uses it, unless an image was made from it (it stays then, dangling, as dockerd keeps a parent). The
     * dangling parents the removal leaves go along, as {@code docker rmi} prunes them.
     *
     * @throws ImageNotFoundException when no local image has that reference
     */
    void removeImage(ImageReference reference);

    /**
     * Removes the local image with id {@code id} (in full or a unique prefix) and every reference of it, as
     * {@code docker rmi ID}.
     *
     * @throws ImageConflictException when an image was made from it or a running container was (even with
     *                                {@code force}), or without {@code force} when a stopped container was made from
     *                                it or it is tagged in more than one repository
     * @throws ImageNotFoundException when no local image has that id
     */
    default void removeImageById(String id, boolean force) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " removes images by reference only");
    }

    /**
     * Removes the {@link Image#dangling() dangling} images no container was made from, or with {@code all} every image
     * no container was made from, as {@code docker image prune [-a]} (dockerd's {@code POST /images/prune}); with
     * {@code labels} ({@code KEY} or {@code KEY=VALUE}, docker's {@code label} filter) only images that have them all.
     */
    default ImagesPruned pruneImages(boolean all, List<String> labels) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot prune images");
    }

    /** {@link #pruneImages(boolean, List)} of images with any labels. */
    default ImagesPruned pruneImages(boolean all) {
        return pruneImages(all, List.of());
    }

    /**
     * Loads images from a {@code docker save} archive or an OCI image layout (a directory or a tar of
     * one), verified as a pull would be, and files them under the references the archive names. Returns each image
     * once, with the references the archive filed it under (not other names it already had here), as {@code docker
     * load} reports them; an image the archive names by nothing has none.
     */
    List<Image> load(Path archive);

    /**
     * Files the local image {@code source} names under {@code target} as well, as {@code docker tag} does:
     * {@code target} then names the same image (same manifest, same id), and replaces what it named before.
     * Removing one of the references later keeps the image while another still names it.
     *
     * @param target a reference with a tag (a digest names content and cannot be assigned)
     * @throws ImageNotFoundException when no local image has reference {@code source}
     * @throws IllegalArgumentException when {@code target} carries a digest
     */
    void tag(ImageReference source, ImageReference target);

    /** {@link #tag} of the local image with id {@code id} (in full or a unique prefix): a dangling one is named then. */
    default void tagById(String id, ImageReference target) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " tags images by reference only");
    }

    /**
     * Writes the local images {@code images} name to {@code out} as a tar archive that {@code docker load} and
     * {@link #load} read: a {@code docker save} {@code manifest.json} beside an OCI image layout
     * ({@code oci-layout}, {@code index.json}, {@code blobs/sha256/...}), as Docker 25 and newer write it.
     * Each image is written once, under every reference given for it. {@code out} is not closed.
     *
     * @throws ImageNotFoundException when one of {@code images} is not in the local store (nothing is written then)
     */
    void save(List<ImageReference> images, OutputStream out);

    /**
     * {@link #save(List, OutputStream)} of the images {@code images} name and, under no name, of the local images with
     * ids {@code ids} (in full or a unique prefix), as {@code docker save ID} writes them ({@code RepoTags} null): so a
     * dangling image is saved.
     *
     * @throws ImageNotFoundException when one of them is not in the local store (nothing is written then)
     */
    default void save(List<ImageReference> images, List<String> ids, OutputStream out) {
        if (!ids.isEmpty()) {
            throw new UnsupportedOperationException(getClass().getSimpleName() + " saves images by reference only");
        }
        save(images, out);
    }

    /**
     * Uploads the local image {@code reference} names to the registry it names, under its tag (or its digest):
     * blobs the repository has already are skipped, blobs another repository of the same registry has are
     * mounted instead of uploaded, every upload is checked against its digest and size, and the manifest goes
     * last, so a push that fails leaves the repository's tags as they were. Credentials come as for a pull.
     *
     * @return the digest of the manifest the registry now holds ({@code sha256:...})
     * @throws ImageNotFoundException          when no local image has that reference
     * @throws RegistryAuthenticationException when the registry wants credentials (with push access) it did not get
     * @throws RegistryException               when the registry refused or failed an upload
     */
    String push(ImageReference reference, PushOptions options);

    /** {@link #push(ImageReference, PushOptions)} without a listener. */
    default String push(String reference) {
        return push(ImageReference.parse(reference), PushOptions.defaults());
    }

    /**
     * Builds an image from a Dockerfile and a context, as {@code docker build} does, and tags it with the spec's
     * tags (none: it is kept {@link Image#dangling() dangling}, by its id). Steps whose parent, instruction (with the build args it uses) and, for COPY and ADD, source files are
     * unchanged come from the cache unless {@link BuildSpec#noCache()}. Interrupting the calling thread cancels the build
     * (embedded engine): the running step's container is killed and removed, and nothing of that step is cached.
     *
     * @return the image built
     * @throws BuildException when the Dockerfile is wrong, a source is missing, or a step fails (nothing is tagged)
     */
    Image build(BuildSpec spec, BuildListener listener);

    /**
     * Frees the build cache. The rule: a cached step is kept while every layer it has belongs to an image with a tag
     * (one a user pulled, loaded, built or tagged), so rebuilding what is tagged stays fast; the others are removed,
     * then the blobs and snapshots nothing reaches any more. {@link BuildCachePrune#all()} removes the kept ones too,
     * {@link BuildCachePrune#unusedFor()} spares the steps a build made or reused more recently, and
     * {@link BuildCachePrune#keepStorage()} removes the least recently used first and stops once the cache is that
     * small. Builds running on the same state directory (any JVM) finish first, and new ones wait until the prune is
     * done. {@code RUN --mount=type=cache} directories are not touched. On the Docker backend this is dockerd's
     * {@code POST /build/prune} with the same options.
     *
     * @return what was removed and the bytes freed
     */
    default BuildCachePruned pruneBuildCache(BuildCachePrune options) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " keeps no build cache to prune");
    }

    /** {@link #pruneBuildCache(BuildCachePrune)} with {@link BuildCachePrune#defaults()}; returns the bytes freed. */
    default long pruneBuildCache() {
        return pruneBuildCache(BuildCachePrune.defaults()).spaceReclaimed();
    }

    /**
     * What the engine's images, containers, volumes and build cache take on disk, as dockerd's {@code GET /system/df}
     * (see {@link DiskUsage} for how each is measured). On the Docker backend this is dockerd's own answer.
     */
    default DiskUsage diskUsage() {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " does not measure its disk use");
    }

    // ---- containers -------------------------------------------------------------------------------

    /**
     * Creates a container (pulling its image as {@link ContainerSpec#pullPolicy()} says) without starting
     * it: its file system exists, so files can be copied in before {@link #startContainer}.
     *
     * @return the container as created
     */
    ContainerInfo createContainer(ContainerSpec spec);

    /**
     * Starts a created (or exited) container and returns once its process runs.
     *
     * @throws ContainerStartException when its process cannot be executed (entrypoint missing, not executable)
     *                                 or its set-up fails; the message says which
     */
    void startContainer(String container);

    /** Creates and starts a container: {@link #createContainer} then {@link #startContainer}. */
    default ContainerInfo runContainer(ContainerSpec spec) {
        ContainerInfo created = createContainer(spec);
        startContainer(created.id());
        return inspectContainer(created.id()).withWarnings(created.warnings());
    }

    /**
     * The container with this id, unique id prefix or name.
     *
     * @throws ContainerNotFoundException when none matches
     */
    ContainerInfo inspectContainer(String container);

    /**
     * Containers of this engine, newest first.
     *
     * @param all    include containers that are not running
     * @param labels only containers carrying all of these labels ({@code value} empty: any value)
     */
    List<ContainerInfo> containers(boolean all, Map<String, String> labels);

    /**
     * Waits until the container exits.
     *
     * @return its state after exit; still running if {@code timeout} passed first
     */
    ContainerState waitContainer(String container, Duration timeout);

    /**
     * Sends the container's stop signal, waits {@code grace} (null: its stop timeout), then kills it.
     * Stopping a container that is not running does nothing.
     */
    void stopContainer(String container, Duration grace);

    /** Sends {@code signal} ({@code KILL}, {@code SIGTERM}, {@code 9}) to the container's first process. */
    void killContainer(String container, String signal);

    /**
     * Stops the container as {@link #stopContainer} does when it runs, then starts it, as {@code docker restart}:
     * its events end with a {@code RESTART}.
     */
    default void restartContainer(String container, Duration grace) {
        stopContainer(container, grace);
        startContainer(container);
    }

    /** {@link #removeContainer(String, boolean, boolean)} with its anonymous volumes: a test's container leaves nothing. */
    default void removeContainer(String container, boolean force) {
        removeContainer(container, force, true);
    }

    /**
     * Removes a container, its writable layer and logs, as {@code docker rm}.
     *
     * @param force         kill it first if it runs; without force a running container is an error
     * @param removeVolumes remove its anonymous volumes too ({@code docker rm -v}), but one another container still
     *                      mounts ({@link ContainerSpec#volumesFrom()}); without it they stay, listed, until removed.
     *                      Named volumes always stay
     */
    void removeContainer(String container, boolean force, boolean removeVolumes);

    /** The container's logs. */
    ContainerLogs logs(String container, LogOptions options);

    /**
     * The standard input of a running container created with {@link ContainerSpec#openStdin()}, as {@code docker
     * attach} with stdin gives it: bytes written reach the container's first process as they come. A write blocks
     * while the engine already holds a bounded amount the container has not read (a container that never reads its
     * stdin makes the writer wait, not the engine). Closing the stream ends the container's stdin (its process reads
     * end of file) when the spec says {@link ContainerSpec#stdinOnce()}; otherwise it only lets go, and stdin stays
     * open for a later attach. Writing after the container ended fails with an {@link java.io.IOException}.
     *
     * <p>The embedded engine reaches a container's stdin only from the JVM (the engine) that started it.
     *
     * @throws ContainerEngineException when the container does not run, was created without an open stdin, or (embedded)
     *                                  was started by another process
     */
    java.io.OutputStream attachStdin(String container);

    /**
     * Records that a client attached to the container's streams ({@code docker attach}, {@code docker run} without
     * {@code -d}, the Docker API's attach endpoint), as dockerd does for each attach: an {@link EngineEvent.Action#ATTACH}
     * event of the container with its name, image and labels. A client that attaches calls it once, before it reads
     * the streams ({@link #logs}, {@link #attachStdin}); nothing else changes. On the Docker backend dockerd records it,
     * through an attach that takes no stream.
     *
     * @throws ContainerNotFoundException when no container has that name or id
     */
    void recordAttach(String container);

    /**
     * The container's output from now until it exits, as {@code docker attach} and {@code docker run} without {@code -d}
     * take it: its stdout and stderr as the bytes it writes, a {@link LogLine} per line (per chunk as it came with a
     * {@link ContainerSpec#tty()}). Taken before {@link #startContainer}, it misses nothing the container writes; read
     * the lines after the start. Records the attach as {@link #recordAttach} does. Close it to let go early.
     *
     * <p>As dockerd's attach stream, it does not depend on the log driver: output arrives as written (bytes that are not
     * UTF-8 included) whatever the driver, {@code none} too, whose {@link #logs} fail (the embedded engine keeps such a
     * container's output for attaches only, in files it rotates at a small size). The default follows {@link #logs}.
     *
     * @throws ContainerNotFoundException when no container has that name or id
     */
    default ContainerLogs attach(String container) {
        recordAttach(container);
        return new LogsFromNow(this, container);
    }

    /**
     * Sets the window size of the terminal of a running container created with {@link ContainerSpec#tty()}, as
     * {@code docker} does on start and on every change of the user's window: its foreground program gets SIGWINCH.
     * The embedded engine reaches a container's terminal only from the JVM that started it.
     *
     * @throws ContainerEngineException when the container does not run, has no tty, or (embedded) was started by another
     *                                  process
     * @throws IllegalArgumentException when rows or columns are not between 1 and 65535
     */
    void resizeContainer(String container, int rows, int columns);

    /** Runs a command in a running container and waits for it (up to the spec's timeout, then kills it). */
    ExecResult exec(String container, ExecSpec spec);

    /**
     * Extracts a tar stream into the container's file system under {@code directory} (created if missing),
     * before start or while running.
     */
    void copyToContainer(String container, String directory, InputStream tar);

    /**
     * A tar stream of {@code path} in the container: a file as one entry named by its base name, a
     * directory as its base name and everything below. The caller closes it.
     */
    InputStream copyFromContainer(String container, String path);

    /**
     * The attributes of {@code path} in the container (running, stopped or not yet started), as {@code docker cp} reads
     * them before it copies, or empty when nothing is at that path. Links on the way are followed within the container's
     * file system; a link at the end is described itself.
     *
     * @throws ContainerNotFoundException when there is no such container
     */
    Optional<ContainerPathStat> statContainerPath(String container, String path);

    /**
     * Checks {@code username} and {@code password} against the registry {@code serverAddress} names
     * ({@code host[:port]}, a URL, or {@code https://index.docker.io/v1/} for Docker Hub), as dockerd's {@code POST /auth}
     * does: the registry's {@code /v2/} with Basic credentials, or its token server for a Bearer challenge. Stores nothing.
     *
     * @throws RegistryAuthenticationException when the registry refuses the credentials (its message is in the exception)
     * @throws RegistryException               when the registry cannot be reached
     */
    default RegistryLoginResult login(String serverAddress, String username, String password) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot log in to registries");
    }

    // ---- diff, export, commit (both engines implement them; the defaults are for test doubles) ----------------------

    /**
     * What the container changed in its file system against its image, as {@code docker diff} lists it: paths added,
     * modified (a directory is listed as modified when something below it was added or deleted) and deleted, in
     * dockerd's order. Volumes, binds and the engine's own files ({@code /etc/hosts} and the like) are not changes.
     *
     * @throws ContainerNotFoundException when no container matches
     */
    default List<FileChange> changes(String container) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot list a container's changes");
    }

    /**
     * The container's root file system as a tar stream, as {@code docker export} writes it: members named from the
     * root ({@code bin/sh}, no leading {@code ./}), without the content of volumes and binds mounted on it. The
     * caller closes the stream.
     *
     * @throws ContainerNotFoundException when no container matches
     */
    default InputStream export(String container) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot export containers");
    }

    /**
     * Makes an image of the container, as {@code docker commit} does: its image with what the container changed (its
     * writable layer) as one more layer, its config (command, entrypoint, environment, labels, working directory,
     * user) as the new image's with {@link CommitSpec#changes()} applied on top, and a history entry that names the
     * container's command; then files it under {@link CommitSpec#reference()} (none: it is kept dangling, by its id).
     * Volumes are not part of it.
     *
     * @return the new image
     * @throws ContainerNotFoundException when no container matches
     * @throws IllegalArgumentException   when a change is not one of the instructions {@link CommitSpec} lists
     */
    default Image commit(String container, CommitSpec spec) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot commit containers");
    }

    // ---- rename, pause, stats, update (both engines implement them; the defaults are for test doubles) -----------

    /**
     * Gives a container, in any state, a new name, as {@code docker rename}: the old name is free at once.
     *
     * @throws ContainerNotFoundException when no container matches {@code container}
     * @throws ContainerEngineException   when another container has {@code newName}, or it is not a valid name
     */
    default void renameContainer(String container, String newName) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot rename containers");
    }

    /**
     * Freezes every process of a running container (the cgroup freezer), as {@code docker pause}; its state reads
     * {@link ContainerState.Status#PAUSED} until {@link #unpauseContainer}. Returns once the processes are frozen.
     *
     * @throws ContainerEngineException when it is not running, is paused already, or the host has no cgroup freezer
     */
    default void pauseContainer(String container) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot pause containers");
    }

    /**
     * Thaws a container {@link #pauseContainer} froze.
     *
     * @throws ContainerEngineException when it is not paused
     */
    default void unpauseContainer(String container) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot pause containers");
    }

    /**
     * One sample of a running container's resource use.
     *
     * @throws ContainerEngineException when it is not running
     */
    default ContainerStats stats(String container) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " keeps no container statistics");
    }

    /**
     * A running container's processes, as {@code docker top CONTAINER [ps OPTIONS]}: the host's {@code ps} run with
     * {@code psArgs} ({@code null} or blank: {@value ContainerTop#DEFAULT_PS_ARGS}), its rows narrowed to the processes of
     * the container. The arguments must keep a {@code PID} column.
     *
     * @throws ContainerEngineException when it is not running, or ps fails or prints no PID column (the message says)
     */
    default ContainerTop top(String container, String psArgs) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot list container processes");
    }

    /**
     * Changes a container's limits, at once when it runs and for every later start, as {@code docker update}.
     *
     * @return the container as it is afterwards
     * @throws ContainerEngineException when a limit cannot be applied (the message says which and why)
     */
    default ContainerInfo updateContainer(String container, ContainerUpdate update) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot change a container's limits");
    }

    // ---- networks ---------------------------------------------------------------------------------

    /** Creates a network. A name already taken is an error. */
    NetworkInfo createNetwork(NetworkSpec spec);

    /** The network with this id, unique id prefix or name; a {@link ContainerEngineException} when none. */
    NetworkInfo inspectNetwork(String network);

    /** Every network, including the default one and the {@code host} and {@code none} pseudo-networks. */
    List<NetworkInfo> networks();

    /** Removes a network; one that still has containers on it is an error naming them. */
    void removeNetwork(String network);

    /** Connects a container (created or running) to a network under its name and {@code aliases}. */
    default void connectNetwork(String network, String container, List<String> aliases) {
        connectNetwork(network, container, aliases, null);
    }

    /**
     * Connects a container (created or running) to a network under its name and {@code aliases}, at the static address
     * {@code ipv4Address} ({@code docker network connect --ip}; {@code null} for the next free one). The address must be
     * in the subnet of a network a user made and not held by another container: the connect fails when it is not, or,
     * for a created container, its next start.
     */
    void connectNetwork(String network, String container, List<String> aliases, String ipv4Address);

    /** Disconnects a container from a network. */
    void disconnectNetwork(String network, String container);

    // ---- volumes ----------------------------------------------------------------------------------

    /**
     * Creates a named volume, as {@code docker volume create}: a volume by that name that exists already is
     * returned as it is (its labels unchanged). The Docker backend labels the volumes it creates with its
     * session, so closing the engine removes them as it removes its containers; the embedded engine keeps a
     * volume until {@link #removeVolume} (the state directory outlives engines).
     */
    VolumeInfo createVolume(VolumeSpec spec);

    /**
     * The volume with this name.
     *
     * @throws VolumeNotFoundException when there is none
     */
    VolumeInfo inspectVolume(String name);

    /**
     * The volumes of this engine, sorted by name: those of {@link #createVolume}, of a mount of a name that did not
     * exist yet, and anonymous ones under their generated names (see {@link VolumeSpec#ANONYMOUS_LABEL}).
     *
     * @param labels only volumes carrying all of these labels ({@code value} empty: any value)
     */
    List<VolumeInfo> volumes(Map<String, String> labels);

    /** Every volume: {@link #volumes(Map)} without a label filter. */
    default List<VolumeInfo> volumes() {
        return volumes(Map.of());
    }

    /**
     * Removes a volume and its data.
     *
     * @param force a volume that does not exist is no error (Docker's {@code volume rm -f}); a volume in use is
     *              refused all the same, as Docker refuses it
     * @throws VolumeInUseException    when a container, running or not, mounts it: remove the container first
     * @throws VolumeNotFoundException when there is none and {@code force} is false
     */
    void removeVolume(String name, boolean force);

    // ---- events -----------------------------------------------------------------------------------

    /**
     * Subscribes {@code listener} to this engine's events: every event that happens after this method returns is
     * delivered, in the order the engine saw them, on a thread of the subscription (one at a time, so the listener
     * need not be thread-safe; a slow listener delays only its own subscription). A listener that throws is logged
     * and keeps its subscription.
     *
     * <p>What counts as this engine: the Docker backend delivers the daemon's events (of every client); the embedded
     * engine delivers those of its state directory, whichever JVM's engine caused them.
     *
     * @return the subscription; close it to stop the deliveries
     */
    EventSubscription events(java.util.function.Consumer<EngineEvent> listener);

    /**
     * The events this engine recorded from {@code since} up to {@code until} ({@code null}: now), oldest first: what
     * {@code docker events --since} replays before it follows. The record is bounded: the embedded engine keeps the
     * last one to two megabytes of events of each engine on its state directory (older ones are gone), a Docker daemon
     * its own last events (dockerd: 256).
     */
    default List<EngineEvent> pastEvents(java.time.Instant since, java.time.Instant until) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " keeps no record of its events");
    }

    /** What a caller may rely on about where this engine runs its containers; {@link EngineCapabilities#NONE} unless it says more. */
    default EngineCapabilities capabilities() {
        return EngineCapabilities.NONE;
    }

    /**
     * Builds ahead, on the caller's thread, what the first image lookup and container create would otherwise build on
     * their way (JSON mappings, parsers), writing nothing: for a caller that opens the engine ahead of use on a thread
     * of its own. Optional; does nothing unless the engine has something to prepare.
     */
    default void prepare() {
    }

    /** Releases what this engine holds in this JVM. */
    @Override
    void close();

    /** Which engine this is, where it keeps its state or reaches its daemon, and why it was chosen. */
    default EngineInfo info() {
        return new EngineInfo(getClass().getSimpleName(), "unknown", "unknown", "opened directly", false);
    }

    /**
     * The engine this process should use: {@code STEVEDORE_ENGINE} ({@code embedded} or {@code docker}; or the
     * system property {@code stevedore.engine}) when set; else Docker when {@code DOCKER_HOST} is set or a docker
     * context is selected; else the embedded engine where it can run (Linux, root, overlayfs, CAP_SYS_ADMIN);
     * else a Docker or Podman socket that answers.
     *
     * @throws ContainerEngineException saying what was tried at each step when no engine is usable
     */
    static ContainerEngine detect(EngineSettings settings) {
        return InstalledEngineProvider.get().detect(settings, Map.of());
    }

    /**
     * {@link #detect(EngineSettings)} with some of its variables given by the caller, as a command line's
     * {@code --engine} and {@code --host} options give them: {@code overrides} ({@code STEVEDORE_ENGINE},
     * {@code DOCKER_HOST}, {@code DOCKER_CONTEXT}, {@code DOCKER_TLS_VERIFY}, {@code DOCKER_CERT_PATH}) win over
     * system properties and the environment; an empty value counts as unset.
     */
    static ContainerEngine detect(EngineSettings settings, Map<String, String> overrides) {
        return InstalledEngineProvider.get().detect(settings, overrides);
    }

    /** The embedded, daemonless engine on the given settings. */
    static ContainerEngine embedded(EngineSettings settings) {
        return InstalledEngineProvider.get().embedded(settings);
    }

    /**
     * A client of the Docker Engine API endpoint this process is configured for: {@code DOCKER_HOST} (with
     * {@code DOCKER_TLS_VERIFY} and {@code DOCKER_CERT_PATH}), else the current docker context, else the
     * first of the well-known Docker and Podman sockets that answers. Registry credentials come from
     * {@code settings}' docker config directory; the state directory is not used.
     *
     * @throws ContainerEngineException listing every endpoint tried when none answers with API 1.40 or newer
     */
    static ContainerEngine docker(EngineSettings settings) {
        return InstalledEngineProvider.get().docker(settings);
    }
}
