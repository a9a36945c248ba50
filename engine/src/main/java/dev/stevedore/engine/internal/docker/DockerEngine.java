package dev.stevedore.engine.internal.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
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
import dev.stevedore.engine.ImageNotFoundException;
import dev.stevedore.engine.ImageReference;
import dev.stevedore.engine.InvalidImageReferenceException;
import dev.stevedore.engine.LogOptions;
import dev.stevedore.engine.NetworkInfo;
import dev.stevedore.engine.NetworkSpec;
import dev.stevedore.engine.PullOptions;
import dev.stevedore.engine.PushOptions;
import dev.stevedore.engine.PushProgress;
import dev.stevedore.engine.VolumeInfo;
import dev.stevedore.engine.VolumeSpec;
import dev.stevedore.engine.PullProgress;
import dev.stevedore.engine.RegistryException;
import dev.stevedore.engine.internal.registry.DockerCredentials;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
 * <p>Past 500 lines but one job: the façade that implements the whole {@link ContainerEngine} interface, each
 * method a few lines of argument checks and delegation to the class per resource (containers, exec, logs,
 * networks, volumes, images, builds, events); splitting it would only split the interface's list.
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
    private final DockerContainers containers;
    private final DockerControls controls;
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
        this.controls = new DockerControls(api);
        this.containers = new DockerContainers(api, session, new DockerContainers.Images() {
            @Override
            public Optional<Image> local(ImageReference reference) {
                return image(reference);
            }

            @Override
            public Image pull(ImageReference reference) {
                return DockerEngine.this.pull(reference, PullOptions.defaults());
            }
        });
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
        PullStream stream = new PullStream(reference, options.listener(), api.endpoint().uri());
        DockerApi.Call call = api.call("POST", "/images/create")
                .query("fromImage", reference.name())
                .query("tag", reference.digest() != null ? reference.digest() : reference.tag())
                .query("platform", options.platform() == null ? null : options.platform().toString())
                .header(RegistryAuthHeader.NAME, RegistryAuthHeader.forImage(credentials, reference).orElse(null))
                .readTimeout(STREAM_IDLE_TIMEOUT);
        try (Response response = open(call, reference); ResponseBody body = response.body()) {
            if (body != null) {
                stream.read(body.byteStream());
            }
        } catch (IOException e) {
            throw new RegistryException("Pull of " + reference + " through the Docker daemon at " + api.endpoint().uri()
                    + " failed: the progress stream broke off (" + DockerConnector.reason(e) + "); check that the daemon"
                    + " is still running and try again", reference.apiHost(), reference, 0, e);
        }
        if (reference.digest() != null && reference.tag() != null) {
            // pulled by digest; file it under the tag as well, as the embedded engine does
            api.call("POST", "/images/" + lookupName(reference) + "/tag")
                    .query("repo", reference.name()).query("tag", reference.tag()).discard();
        }
        Image image = image(reference).orElseThrow(() -> new ContainerEngineException("Pull of " + reference
                + " through the Docker daemon at " + api.endpoint().uri() + " ended with \"" + stream.lastStatus()
                + "\", but the daemon then had no such image; check the daemon's log"));
        String manifest = stream.manifestDigest() != null ? stream.manifestDigest() : image.manifestDigest();
        try {
            options.listener().onProgress(new PullProgress(reference, manifest, PullProgress.Phase.COMPLETE, 0, 0));
        } catch (RuntimeException listenerFailure) {
            // a listener must not throw; one that does must not fail a pull that worked
        }
        return image;
    }

    private Response open(DockerApi.Call call, ImageReference reference) {
        try {
            return call.open();
        } catch (DockerApiException e) {
            throw PullStream.failure(reference, e.daemonMessage(), e.status(), api.endpoint().uri());
        }
    }

    @Override
    public Image build(dev.stevedore.engine.BuildSpec spec, dev.stevedore.engine.BuildListener listener) {
        checkOpen();
        String labels;
        try {
            labels = spec.labels().isEmpty() ? null : DockerApi.MAPPER.writeValueAsString(spec.labels());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        String id = new DockerBuild(api, listener).build(spec, labels);
        return inspect(id, spec.tags().isEmpty() ? null : spec.tags().get(0)).orElseThrow(() -> new ContainerEngineException(
                "the Docker daemon at " + api.endpoint().uri() + " built image " + id + " but then had no such image"));
    }

    @Override
    public dev.stevedore.engine.BuildCachePruned pruneBuildCache(dev.stevedore.engine.BuildCachePrune options) {
        checkOpen();
        DockerApi.Call call = api.call("POST", "/build/prune")
                .query("all", options.all() ? "true" : null)
                .query("keep-storage", options.keepStorage() > 0 ? Long.toString(options.keepStorage()) : null)
                // dockerd reads the filter as a Go duration
                .query("filters", options.unusedFor() == null ? null
                        : "{\"until\":[\"" + options.unusedFor().toMillis() + "ms\"]}");
        JsonNode answer = call.json();
        List<String> deleted = new java.util.ArrayList<>();
        answer.path("CachesDeleted").forEach(id -> deleted.add(id.asText()));
        return new dev.stevedore.engine.BuildCachePruned(deleted, answer.path("SpaceReclaimed").asLong());
    }

    @Override
    public Optional<Image> image(ImageReference reference) {
        checkOpen();
        return inspect(lookupName(reference), reference);
    }

    private Optional<Image> inspect(String name, ImageReference asked) {
        try {
            JsonNode json = api.call("GET", "/images/" + name + "/json").json();
            return Optional.ofNullable(json).map(j -> ImageMapper.image(j, asked));
        } catch (DockerApiException e) {
            if (e.status() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public List<Image> images() {
        checkOpen();
        JsonNode list = api.call("GET", "/images/json").json();
        List<Image> images = new ArrayList<>();
        if (list != null) {
            for (JsonNode summary : list) {
                // the list holds summaries only; the config needs one inspect per image
                inspect(summary.path("Id").asText(), null).ifPresent(images::add);
            }
        }
        return images;
    }

    @Override
    public List<dev.stevedore.engine.ImageHistory> history(ImageReference reference) {
        checkOpen();
        JsonNode list;
        try {
            list = api.call("GET", "/images/" + lookupName(reference) + "/history").json();
        } catch (DockerApiException e) {
            if (e.status() == 404) {
                throw new ImageNotFoundException("no history for " + reference.familiar() + ": the Docker daemon at "
                        + api.endpoint().uri() + " has no such image — pull it first", reference.registry(), reference, 404);
            }
            throw e;
        }
        return list == null ? List.of() : ImageMapper.history(list);
    }

    @Override
    public void removeImage(ImageReference reference) {
        checkOpen();
        try {
            api.call("DELETE", "/images/" + lookupName(reference)).discard();
        } catch (DockerApiException e) {
            if (e.status() == 404) {
                throw new ImageNotFoundException("Removing image " + reference + " from the Docker daemon at "
                        + api.endpoint().uri() + " failed: there is no such local image (" + e.daemonMessage()
                        + "); list the images with 'docker images'", reference.registry(), reference, 0);
            }
            if (e.status() == 409) {
                throw new ContainerEngineException("Removing image " + reference + " from the Docker daemon at "
                        + api.endpoint().uri() + " failed: " + e.daemonMessage()
                        + "; remove the containers that use it first", e);
            }
            throw e;
        }
    }

    @Override
    public List<Image> load(Path archive) {
        checkOpen();
        DockerApi.Call call = api.call("POST", "/images/load").query("quiet", "1")
                .body(LoadArchive.body(archive, settings.platform()))
                .readTimeout(STREAM_IDLE_TIMEOUT);
        Set<String> loaded = new LinkedHashSet<>();
        String where = "Loading images from " + archive + " into the Docker daemon at " + api.endpoint().uri() + " failed: ";
        try (Response response = call.open(); ResponseBody body = response.body();
             MappingIterator<JsonNode> events = DockerApi.MAPPER.readerFor(JsonNode.class).readValues(body.byteStream())) {
            while (events.hasNextValue()) {
                JsonNode event = events.nextValue();
                if (event.hasNonNull("errorDetail") || event.hasNonNull("error")) {
                    String message = event.path("errorDetail").path("message").asText(event.path("error").asText(""));
                    throw new ContainerEngineException(where + message + ociHint(message));
                }
                String line = event.path("stream").asText("").strip();
                if (line.startsWith("Loaded image ID: ")) {
                    loaded.add(line.substring("Loaded image ID: ".length()).strip());
                } else if (line.startsWith("Loaded image: ")) {
                    loaded.add(line.substring("Loaded image: ".length()).strip());
                }
            }
        } catch (DockerApiException e) {
            throw new ContainerEngineException(where + e.daemonMessage() + ociHint(e.daemonMessage()), e);
        } catch (IOException e) {
            throw new ContainerEngineException(where + DockerConnector.reason(e) + "; check that the daemon is still running", e);
        }
        List<Image> images = new ArrayList<>();
        for (String name : loaded) {
            ImageReference asked = name.startsWith("sha256:") ? null : parseOrNull(name);
            inspect(name, asked).filter(i -> images.stream().noneMatch(seen -> seen.id().equals(i.id()))).ifPresent(images::add);
        }
        return images;
    }

    @Override
    public void tag(ImageReference source, ImageReference target) {
        checkOpen();
        if (target.digest() != null) {
            throw new IllegalArgumentException("cannot tag " + source.familiar() + " as " + target.familiar()
                    + ": a digest names content and cannot be assigned; give a tag");
        }
        try {
            api.call("POST", "/images/" + lookupName(source) + "/tag")
                    .query("repo", target.name()).query("tag", target.tag()).discard();
        } catch (DockerApiException e) {
            if (e.status() == 404) {
                throw new ImageNotFoundException("Tagging " + source + " as " + target + " in the Docker daemon at "
                        + api.endpoint().uri() + " failed: there is no such local image (" + e.daemonMessage()
                        + "); pull it first", source.registry(), source, 0);
            }
            throw e;
        }
    }

    @Override
    public void save(List<ImageReference> references, OutputStream out) {
        checkOpen();
        String what = "Saving " + references.stream().map(ImageReference::familiar).toList() + " from the Docker daemon at "
                + api.endpoint().uri() + " failed: ";
        DockerApi.Call call = api.call("GET", "/images/get").readTimeout(STREAM_IDLE_TIMEOUT);
        for (ImageReference reference : references) {
            if (image(reference).isEmpty()) {
                throw new ImageNotFoundException(what + "there is no local image " + reference.familiar()
                        + "; list the images with 'docker images'", reference.registry(), reference, 0);
            }
            call.query("names", lookupName(reference));
        }
        try (Response response = call.open(); ResponseBody body = response.body()) {
            if (body != null) {
                body.byteStream().transferTo(out);
            }
            out.flush();
        } catch (DockerApiException e) {
            throw new ContainerEngineException(what + e.daemonMessage(), e);
        } catch (IOException e) {
            throw new ContainerEngineException(what + DockerConnector.reason(e) + "; check that the daemon is still running"
                    + " and that the output can be written", e);
        }
    }

    @Override
    public dev.stevedore.engine.RegistryLoginResult login(String serverAddress, String username, String password) {
        checkOpen();
        java.util.Map<String, String> body = new java.util.LinkedHashMap<>();
        body.put("username", username);
        body.put("password", password);
        body.put("serveraddress", serverAddress);
        JsonNode answer;
        try {
            answer = api.call("POST", "/auth").jsonBody(body).json();
        } catch (DockerApiException e) {
            String registry = serverAddress;
            String message = "Login to " + serverAddress + " through the Docker daemon at " + api.endpoint().uri() + " failed: "
                    + e.daemonMessage();
            // dockerd answers a registry's refusal with 500 and the registry's status or error code in the message
            boolean refused = e.status() == 401 || e.status() == 403 || e.daemonMessage().contains("401 Unauthorized")
                    || e.daemonMessage().contains("403 Forbidden") || e.daemonMessage().contains("unauthorized: ");
            if (refused) {
                throw new dev.stevedore.engine.RegistryAuthenticationException(message + "; check the user name and password",
                        registry, null, e.status() == 403 || e.daemonMessage().contains("403 Forbidden") ? 403 : 401);
            }
            throw new RegistryException(message, registry, null, e.status(), e);
        }
        String status = answer == null ? dev.stevedore.engine.RegistryLoginResult.SUCCEEDED
                : answer.path("Status").asText(dev.stevedore.engine.RegistryLoginResult.SUCCEEDED);
        String token = answer == null ? "" : answer.path("IdentityToken").asText("");
        return new dev.stevedore.engine.RegistryLoginResult(status, token.isEmpty() ? null : token);
    }

    @Override
    public String push(ImageReference reference, PushOptions options) {
        checkOpen();
        String daemon = api.endpoint().uri().toString();
        PushStream stream = new PushStream(reference, options.listener(), daemon);
        // the daemon wants the header even for an anonymous push
        String auth = RegistryAuthHeader.forImage(credentials, reference)
                .orElseGet(() -> java.util.Base64.getUrlEncoder().encodeToString("{}".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        DockerApi.Call call = api.call("POST", "/images/" + reference.name() + "/push")
                .query("tag", reference.digest() != null ? reference.digest() : reference.tag())
                .header(RegistryAuthHeader.NAME, auth)
                .readTimeout(STREAM_IDLE_TIMEOUT);
        Response response;
        try {
            response = call.open();
        } catch (DockerApiException e) {
            throw PushStream.failure(reference, e.daemonMessage(), e.status(), daemon);
        }
        try (response; ResponseBody body = response.body()) {
            if (body != null) {
                stream.read(body.byteStream());
            }
        } catch (IOException e) {
            throw new RegistryException("Push of " + reference + " through the Docker daemon at " + daemon
                    + " failed: the progress stream broke off (" + DockerConnector.reason(e) + "); check that the daemon"
                    + " is still running and try again", reference.apiHost(), reference, 0, e);
        }
        if (stream.digest() == null) {
            throw new RegistryException("Push of " + reference + " through the Docker daemon at " + daemon
                    + " ended without the digest of the manifest pushed; check the daemon's log", reference.apiHost(), reference, 0);
        }
        stream.emit(stream.digest(), PushProgress.Phase.COMPLETE, 0, stream.size());
        return stream.digest();
    }

    private static String ociHint(String daemonMessage) {
        return daemonMessage.contains("manifest.json") ? "; is the archive a docker save archive or an OCI layout?" : "";
    }

    private static ImageReference parseOrNull(String name) {
        try {
            return ImageReference.parse(name);
        } catch (InvalidImageReferenceException e) {
            return null;
        }
    }

    /** The name the daemon files a reference under: by digest when there is one, else by tag. */
    static String lookupName(ImageReference reference) {
        return reference.digest() != null ? reference.name() + "@" + reference.digest() : reference.name() + ":" + reference.tag();
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
    public void killContainer(String container, String signal) {
        checkOpen();
        containers.kill(container, signal);
    }

    @Override
    public void removeContainer(String container, boolean force) {
        checkOpen();
        containers.remove(container, force);
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
    public void connectNetwork(String network, String container, List<String> aliases) {
        checkOpen();
        networks.connect(network, container, aliases);
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
        String server = api.server().isEmpty() ? "a Docker Engine API server" : api.server();
        return new EngineInfo("docker", api.endpoint().uri(), server + ", API " + api.version(), selectedBecause);
    }

    @Override
    public String toString() {
        return "DockerEngine[" + api.endpoint().uri() + ", API " + api.version() + "]";
    }
}
