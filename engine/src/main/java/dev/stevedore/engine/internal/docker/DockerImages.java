package dev.stevedore.engine.internal.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.EngineSettings;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.Image;
import dev.stevedore.engine.ImageNotFoundException;
import dev.stevedore.engine.ImageReference;
import dev.stevedore.engine.InvalidImageReferenceException;
import dev.stevedore.engine.PullOptions;
import dev.stevedore.engine.PullProgress;
import dev.stevedore.engine.PushOptions;
import dev.stevedore.engine.PushProgress;
import dev.stevedore.engine.RegistryException;
import dev.stevedore.engine.internal.registry.DockerCredentials;
import okhttp3.Response;
import okhttp3.ResponseBody;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static dev.stevedore.engine.internal.docker.DockerEngine.STREAM_IDLE_TIMEOUT;

/**
 * The Docker backend's images: pull, build, inspect, list, history, remove, load, tag, save, push and registry
 * login, each through the daemon's API with the registry credentials of this process's {@code config.json} in
 * {@code X-Registry-Auth}, and each failure said in the daemon's words plus what to do.
 */
final class DockerImages implements DockerContainers.Images {
    /** An image id in full, which dockerd reads as an id, never as a name to pull; and what may be a prefix of one. */
    private static final java.util.regex.Pattern FULL_ID = java.util.regex.Pattern.compile("(sha256:)?[0-9a-f]{64}");
    private static final java.util.regex.Pattern ID_PREFIX = java.util.regex.Pattern.compile("[0-9a-f]{4,63}");
    private final DockerApi api;
    private final EngineSettings settings;
    private final DockerCredentials credentials;

    DockerImages(DockerApi api, EngineSettings settings, DockerCredentials credentials) {
        this.api = api;
        this.settings = settings;
        this.credentials = credentials;
    }

    Image pull(ImageReference reference, PullOptions options) {
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

    Image build(dev.stevedore.engine.BuildSpec spec, dev.stevedore.engine.BuildListener listener) {
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

    dev.stevedore.engine.BuildCachePruned pruneBuildCache(dev.stevedore.engine.BuildCachePrune options) {
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

    Optional<Image> image(ImageReference reference) {
        return inspect(lookupName(reference), reference);
    }

    @Override
    public Optional<Image> local(ImageReference reference) {
        return image(reference);
    }

    @Override
    public Image pull(ImageReference reference) {
        return pull(reference, PullOptions.defaults());
    }

    @Override
    public Optional<Image> byId(String image, ContainerSpec.PullPolicy policy) {
        if (FULL_ID.matcher(image).matches()) { // never a name: dockerd finds it by id, or nothing
            return Optional.of(imageById(image).orElseThrow(() -> new ImageNotFoundException("Creating a container from "
                    + image + " failed: the Docker daemon at " + api.endpoint().uri() + " has no image with that id",
                    null, null, 0)));
        }
        // as dockerd: a name first, then an id prefix, then a pull
        boolean prefix = policy != ContainerSpec.PullPolicy.ALWAYS && ID_PREFIX.matcher(image).matches();
        return prefix && local(ImageReference.parse(image)).isEmpty() ? imageById(image) : Optional.empty();
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

    List<Image> images() {
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

    List<dev.stevedore.engine.ImageHistory> history(ImageReference reference) {
        return history(lookupName(reference), reference.familiar(), reference);
    }

    /** The history of the image with id {@code id} (or a unique prefix): dockerd's image paths take ids too. */
    List<dev.stevedore.engine.ImageHistory> historyById(String id) {
        return history(idPath(id), id, null);
    }

    private List<dev.stevedore.engine.ImageHistory> history(String path, String shown, ImageReference reference) {
        JsonNode list;
        try {
            list = api.call("GET", "/images/" + path + "/history").json();
        } catch (DockerApiException e) {
            if (e.status() == 404) {
                throw new ImageNotFoundException("no history for " + shown + ": the Docker daemon at "
                        + api.endpoint().uri() + " has no such image" + (reference == null ? "" : " — pull it first"),
                        reference == null ? null : reference.registry(), reference, 404);
            }
            throw e;
        }
        return list == null ? List.of() : ImageMapper.history(list);
    }

    void removeImage(ImageReference reference) {
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

    List<Image> load(Path archive) {
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
        // each image once, with the names the archive gave it (not the others it has on the daemon), as docker load says
        Map<String, Image> images = new LinkedHashMap<>();
        Map<String, List<ImageReference>> names = new LinkedHashMap<>();
        for (String name : loaded) {
            ImageReference asked = name.startsWith("sha256:") ? null : parseOrNull(name);
            inspect(name, asked).ifPresent(image -> {
                images.putIfAbsent(image.id(), image);
                List<ImageReference> its = names.computeIfAbsent(image.id(), id -> new ArrayList<>());
                if (asked != null && !its.contains(asked)) {
                    its.add(asked);
                }
            });
        }
        return images.values().stream().map(i -> new Image(names.get(i.id()), i.id(), i.manifestDigest(), i.platform(),
                i.layers(), i.size(), i.created(), i.config(), i.author(), i.parent())).toList();
    }

    void tag(ImageReference source, ImageReference target) {
        tag(lookupName(source), source.toString(), target, source);
    }

    /** The image with id {@code id} (or a prefix), dangling or not. */
    Optional<Image> imageById(String id) {
        return inspect(idPath(id), null);
    }

    /** {@code POST /images/{id}/tag}: dockerd finds the image by id or prefix, dangling or not. */
    void tagById(String id, ImageReference target) {
        tag(idPath(id), id, target, null);
    }

    private void tag(String path, String source, ImageReference target, ImageReference asked) {
        if (target.digest() != null) {
            throw new IllegalArgumentException("cannot tag " + source + " as " + target.familiar()
                    + ": a digest names content and cannot be assigned; give a tag");
        }
        try {
            api.call("POST", "/images/" + path + "/tag").query("repo", target.name()).query("tag", target.tag()).discard();
        } catch (DockerApiException e) {
            if (e.status() == 404) {
                throw new ImageNotFoundException("Tagging " + source + " as " + target + " in the Docker daemon at "
                        + api.endpoint().uri() + " failed: there is no such local image (" + e.daemonMessage()
                        + "); pull it first", asked == null ? null : asked.registry(), asked, 0);
            }
            throw e;
        }
    }

    /** {@code DELETE /images/{id}}: dockerd's own conflict rules, its 409 an {@link dev.stevedore.engine.ImageConflictException}. */
    void removeImageById(String id, boolean force) {
        try {
            api.call("DELETE", "/images/" + idPath(id)).query("force", force ? "1" : null).discard();
        } catch (DockerApiException e) {
            String what = "Removing image " + id + " from the Docker daemon at " + api.endpoint().uri() + " failed: ";
            if (e.status() == 404) {
                throw new ImageNotFoundException(what + "there is no such local image (" + e.daemonMessage()
                        + "); list the images with 'docker images'", null, null, 0);
            }
            if (e.status() == 409) {
                boolean forceable = e.daemonMessage().contains("must be forced");
                String advice = forceable ? "; force it or remove the containers that use it first"
                        : e.daemonMessage().contains("child images") ? "; remove the images made from it first"
                        : "; stop and remove the container first";
                throw new dev.stevedore.engine.ImageConflictException(what + e.daemonMessage() + advice,
                        id.startsWith("sha256:") ? id : "sha256:" + id, forceable);
            }
            throw e;
        }
    }

    /** {@code POST /images/prune}: dangling images, or with {@code all} ({@code dangling=false}) every unused one. */
    dev.stevedore.engine.ImagesPruned pruneImages(boolean all, List<String> labels) {
        com.fasterxml.jackson.databind.node.ObjectNode filters = DockerApi.MAPPER.createObjectNode();
        filters.putArray("dangling").add(String.valueOf(!all));
        if (!labels.isEmpty()) {
            labels.forEach(filters.putArray("label")::add);
        }
        JsonNode answer = api.call("POST", "/images/prune").query("filters", filters.toString()).json();
        List<dev.stevedore.engine.ImagesPruned.Removal> removals = new ArrayList<>();
        for (JsonNode item : answer.path("ImagesDeleted")) {
            if (item.hasNonNull("Untagged")) {
                removals.add(dev.stevedore.engine.ImagesPruned.Removal.untagged(item.path("Untagged").asText()));
            }
            if (item.hasNonNull("Deleted")) {
                removals.add(dev.stevedore.engine.ImagesPruned.Removal.deleted(item.path("Deleted").asText()));
            }
        }
        return new dev.stevedore.engine.ImagesPruned(removals, answer.path("SpaceReclaimed").asLong());
    }

    /** An id as dockerd's image paths take it; refused when it cannot be one, so it never reads as a name. */
    private static String idPath(String id) {
        if (id == null || !id.matches("(sha256:)?[0-9a-f]{1,64}")) {
            throw new IllegalArgumentException("\"" + id + "\" is not an image id (sha256:<hex>, or hex digits)");
        }
        return id;
    }

    /** {@code docker save}: of the images {@code references} name, and of those with ids {@code ids} (dockerd takes both). */
    void save(List<ImageReference> references, List<String> ids, OutputStream out) {
        String what = "Saving " + java.util.stream.Stream.concat(references.stream().map(ImageReference::familiar), ids.stream())
                .toList() + " from the Docker daemon at " + api.endpoint().uri() + " failed: ";
        DockerApi.Call call = api.call("GET", "/images/get").readTimeout(STREAM_IDLE_TIMEOUT);
        for (ImageReference reference : references) {
            if (image(reference).isEmpty()) {
                throw new ImageNotFoundException(what + "there is no local image " + reference.familiar()
                        + "; list the images with 'docker images'", reference.registry(), reference, 0);
            }
            call.query("names", lookupName(reference));
        }
        for (String id : ids) {
            if (inspect(idPath(id), null).isEmpty()) {
                throw new ImageNotFoundException(what + "there is no local image with id " + id
                        + "; list the images with 'docker images'", null, null, 0);
            }
            call.query("names", idPath(id));
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

    dev.stevedore.engine.RegistryLoginResult login(String serverAddress, String username, String password) {
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

    String push(ImageReference reference, PushOptions options) {
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
}
