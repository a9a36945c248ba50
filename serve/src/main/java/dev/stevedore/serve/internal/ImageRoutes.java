package dev.stevedore.serve.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stevedore.engine.Image;
import dev.stevedore.engine.ImageConfig;
import dev.stevedore.engine.ImageHistory;
import dev.stevedore.engine.ImageReference;
import dev.stevedore.engine.ImagesPruned;
import dev.stevedore.engine.InvalidImageReferenceException;
import dev.stevedore.engine.Platform;
import dev.stevedore.engine.PullOptions;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Images: pull ({@code POST /images/create}, streaming Docker's progress lines), list, inspect, tag, save
 * ({@code docker save}: a tar), load, push (streaming progress lines like a pull's), remove.
 * Names come fully qualified from the docker CLI ({@code docker.io/library/busybox}) and short from
 * docker-java ({@code busybox}); both parse to the same reference. An image is also found by its id or a
 * unique prefix of it.
 */
final class ImageRoutes {
    private static final Pattern ID = Pattern.compile("(sha256:)?[0-9a-f]{4,64}");
    private static final String NONE_TAG = "<none>:<none>";
    private static final String NONE_DIGEST = "<none>@<none>";

    private final ServeState state;

    ImageRoutes(ServeState state) {
        this.state = state;
    }

    void register(Router router) {
        router.add("POST", "/images/create", this::create)
                .add("POST", "/images/load", this::load)
                .add("GET", "/images/json", this::list)
                .add("GET", "/images/get", this::saveAll)
                .add("POST", "/images/prune", this::prune)
                .add("GET", "/images/(?<name>.+)/json", this::inspect)
                .add("GET", "/images/(?<name>.+)/history", this::history)
                .add("POST", "/images/(?<name>.+)/tag", this::tag)
                .add("GET", "/images/(?<name>.+)/get", this::saveOne)
                .add("POST", "/images/(?<name>.+)/push", this::push)
                .add("DELETE", "/images/(?<name>.+)", this::remove);
    }

    /** The reference {@code fromImage} and {@code tag} name together: the tag may be a digest, or part of the name. */
    static ImageReference reference(String fromImage, String tag) {
        if (fromImage == null || fromImage.isBlank()) {
            throw ApiException.badRequest("fromImage is required (importing with fromSrc is not supported by stevedore serve)");
        }
        String name = fromImage;
        if (tag != null && !tag.isEmpty()) {
            name = tag.startsWith("sha256:") ? fromImage + "@" + tag : fromImage + ":" + tag;
        }
        try {
            return ImageReference.parse(name);
        } catch (InvalidImageReferenceException e) {
            throw ApiException.badRequest("invalid reference format: " + e.getMessage());
        }
    }

    private void create(Exchange x) throws IOException {
        HttpRequest request = x.request();
        ImageReference reference = reference(request.query("fromImage"), request.query("tag"));
        Platform platform = null;
        String platformText = request.query("platform");
        if (platformText != null && !platformText.isBlank()) {
            try {
                platform = Platform.parse(platformText);
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest(e.getMessage());
            }
        }
        String before = state.engine.image(reference).map(Image::id).orElse(null);
        PullProgressStream progress = new PullProgressStream(x.response(), reference);
        Image image;
        try {
            image = state.engine.pull(reference, new PullOptions(platform, progress));
        } catch (RuntimeException e) {
            if (!progress.started()) {
                throw e;
            }
            progress.error(Errors.of(e).getMessage());
            return;
        }
        progress.done(image, image.id().equals(before));
    }

    private void list(Exchange x) throws IOException {
        Filters filters = Filters.parse(x.request().query("filters"));
        ArrayNode list = Json.array();
        List<Image> images = state.engine.images().stream().sorted(Image.NEWEST_FIRST).toList();
        java.util.Set<String> parents = new java.util.HashSet<>();
        images.forEach(image -> parents.add(image.parent()));
        boolean danglingOnly = filters.has("dangling") && filters.values("dangling").contains("true");
        for (Image image : images) {
            if (!filters.matchesAny("reference", image.references().stream().map(ImageReference::familiar).toList(), Filters::glob)
                    || !filters.labels(image.config().labels())) {
                continue;
            }
            if (filters.has("dangling") && danglingOnly != image.dangling()) {
                continue;
            }
            // dockerd's: an unnamed parent is an intermediate image, listed with all only and never as dangling
            if (parents.contains(image.id()) && image.dangling() && (danglingOnly || !x.request().flag("all"))) {
                continue;
            }
            list.add(summary(image, -1, -1));
        }
        x.response().json(200, list);
    }

    /**
     * The list entry of {@code GET /images/json}; {@code GET /system/df} lists the same with the shared size and the
     * number of containers, which the image list leaves at -1 as dockerd does.
     */
    static ObjectNode summary(Image image, long sharedSize, int containers) {
        ObjectNode summary = Json.object();
        summary.put("Id", image.id());
        summary.put("ParentId", image.parent());
        // dockerd 20.10 lists an image named by nothing as <none>; inspect answers it with empty lists
        boolean unnamed = image.references().isEmpty();
        summary.set("RepoTags", Json.strings(unnamed ? List.of(NONE_TAG) : tags(image)));
        summary.set("RepoDigests", Json.strings(unnamed ? List.of(NONE_DIGEST) : digests(image)));
        summary.put("Created", image.created() == null ? 0 : image.created().getEpochSecond());
        summary.put("Size", image.size());
        summary.put("SharedSize", sharedSize);
        summary.put("VirtualSize", image.size());
        summary.set("Labels", Json.stringMap(image.config().labels()));
        summary.put("Containers", containers);
        return summary;
    }

    private static List<String> tags(Image image) {
        return tags(image.references());
    }

    private static List<String> tags(List<ImageReference> references) {
        List<String> tags = new ArrayList<>();
        for (ImageReference ref : references) {
            if (ref.tag() != null) {
                String tag = new ImageReference(ref.registry(), ref.repository(), ref.tag(), null).familiar();
                if (!tags.contains(tag)) {
                    tags.add(tag);
                }
            }
        }
        return tags;
    }

    private static List<String> digests(Image image) {
        List<String> digests = new ArrayList<>();
        for (ImageReference ref : image.references()) {
            String digest = ref.digest() != null ? ref.digest() : image.manifestDigest();
            String name = new ImageReference(ref.registry(), ref.repository(), null, digest).familiar();
            if (digest != null && !digests.contains(name)) {
                digests.add(name);
            }
        }
        return digests;
    }

    private void inspect(Exchange x) throws IOException {
        String name = x.param("name");
        Image image = find(name).orElseThrow(() -> ApiException.notFound("No such image: " + name));
        x.response().json(200, document(image));
    }

    private void history(Exchange x) throws IOException {
        String name = x.param("name");
        Image image = find(name).orElseThrow(() -> ApiException.notFound("No such image: " + name));
        ArrayNode steps = Json.array();
        for (ImageHistory step : image.references().isEmpty() ? state.engine.historyById(image.id())
                : state.engine.history(image.references().get(0))) {
            ObjectNode item = steps.addObject();
            item.put("Id", step.id() == null ? "<missing>" : step.id());
            item.put("Created", step.created() == null ? 0 : step.created().getEpochSecond());
            item.put("CreatedBy", step.createdBy());
            List<String> tags = tags(step.tags());
            // dockerd answers null, not [], for a step without tags
            if (tags.isEmpty()) {
                item.putNull("Tags");
            } else {
                item.set("Tags", Json.strings(tags));
            }
            item.put("Size", step.size());
            item.put("Comment", step.comment());
        }
        x.response().json(200, steps);
    }

    /** The image a client names: by reference first, then by id or id prefix, as the daemon looks. */
    Optional<Image> find(String name) {
        Optional<Image> byReference = Optional.empty();
        try {
            byReference = state.engine.image(ImageReference.parse(name));
        } catch (InvalidImageReferenceException e) {
            if (!ID.matcher(name).matches()) {
                throw ApiException.badRequest("invalid reference format: " + e.getMessage());
            }
        }
        if (byReference.isPresent() || !ID.matcher(name).matches()) {
            return byReference;
        }
        String id = name.startsWith("sha256:") ? name : "sha256:" + name;
        List<Image> matches = state.engine.images().stream().filter(i -> i.id().startsWith(id)).toList();
        if (matches.size() > 1 && matches.stream().map(Image::id).distinct().count() > 1) {
            throw ApiException.badRequest("image id prefix " + name + " is ambiguous: it matches " + matches.size() + " images");
        }
        return matches.stream().findFirst();
    }

    static ObjectNode document(Image image) {
        ObjectNode doc = Json.object();
        doc.put("Id", image.id());
        doc.set("RepoTags", Json.strings(tags(image)));
        doc.set("RepoDigests", Json.strings(digests(image)));
        doc.put("Parent", image.parent());
        doc.put("Comment", "");
        doc.put("Created", image.created() == null ? "" : Json.time(image.created()));
        doc.put("Container", "");
        doc.put("DockerVersion", "");
        doc.put("Author", image.author());
        ImageConfig c = image.config();
        ObjectNode config = doc.putObject("Config");
        config.put("Hostname", "").put("Domainname", "").put("User", c.user()).put("AttachStdin", false)
                .put("AttachStdout", false).put("AttachStderr", false);
        ObjectNode exposed = Json.object();
        c.exposedPorts().forEach(p -> exposed.set(CreateRequest.portKey(p), Json.object()));
        if (!exposed.isEmpty()) {
            config.set("ExposedPorts", exposed); // dockerd leaves it out when there are none (omitempty)
        }
        config.put("Tty", false).put("OpenStdin", false).put("StdinOnce", false);
        config.set("Env", Json.strings(c.env()));
        config.set("Cmd", c.cmd().isEmpty() ? null : Json.strings(c.cmd()));
        if (c.healthcheck() != null) {
            ImageConfig.Healthcheck check = c.healthcheck();
            config.set("Healthcheck", ContainerDocuments.healthcheck(check.test(), check.interval(), check.timeout(),
                    check.startPeriod(), java.time.Duration.ZERO, check.retries()));
        }
        config.put("Image", "");
        ObjectNode volumes = Json.object();
        c.volumes().forEach(v -> volumes.set(v, Json.object()));
        config.set("Volumes", volumes.isEmpty() ? null : volumes);
        config.put("WorkingDir", c.workingDir());
        config.set("Entrypoint", c.entrypoint().isEmpty() ? null : Json.strings(c.entrypoint()));
        config.putNull("OnBuild");
        config.set("Labels", c.labels().isEmpty() ? null : Json.stringMap(c.labels())); // dockerd: null for none
        if (!c.stopSignal().isEmpty()) {
            config.put("StopSignal", c.stopSignal());
        }
        doc.put("Architecture", image.platform() == null ? "" : image.platform().architecture());
        if (image.platform() != null && !image.platform().variant().isEmpty()) {
            doc.put("Variant", image.platform().variant());
        }
        doc.put("Os", image.platform() == null ? "linux" : image.platform().os());
        doc.put("Size", image.size());
        doc.put("VirtualSize", image.size());
        doc.set("GraphDriver", Json.object().put("Name", "overlay2").set("Data", Json.object()));
        doc.set("RootFS", Json.object().put("Type", "layers").set("Layers", Json.strings(image.layers())));
        doc.set("Metadata", Json.object().put("LastTagTime", Json.NEVER));
        return doc;
    }

    /** {@code docker tag}: {@code repo} and {@code tag} name the new reference; 201 without a body, as moby answers. */
    private void tag(Exchange x) throws IOException {
        String name = x.param("name");
        Image image = find(name).orElseThrow(() -> ApiException.notFound("No such image: " + name));
        String repo = x.request().query("repo");
        String tag = x.request().query("tag");
        if (tag != null && tag.startsWith("sha256:")) {
            throw ApiException.badRequest("refusing to create a tag with a digest reference");
        }
        ImageReference target = reference(repo, tag);
        ImageReference source = asked(name, image);
        if (source == null) {
            state.engine.tagById(image.id(), target); // by id: a dangling image is named so
        } else {
            state.engine.tag(source, target);
        }
        x.response().empty(201);
    }

    /** The reference a client named {@code image} by, or {@code null} when it named it by id. */
    private static ImageReference asked(String name, Image image) {
        try {
            ImageReference asked = ImageReference.parse(name);
            if (image.references().contains(asked) || asked.digest() != null) {
                return asked;
            }
        } catch (InvalidImageReferenceException e) {
            // an id
        }
        return null;
    }

    /** {@code docker save IMAGE}. */
    private void saveOne(Exchange x) throws IOException {
        save(x, List.of(x.param("name")));
    }

    /** {@code docker save IMAGE...}: every {@code names} value; none is an archive of no image, as dockerd answers. */
    private void saveAll(Exchange x) throws IOException {
        save(x, x.request().query().getOrDefault("names", List.of()));
    }

    /** A name is saved under itself; an id, as dockerd saves it, under no name (so a dangling image is saved too). */
    private void save(Exchange x, List<String> names) throws IOException {
        List<ImageReference> references = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (String name : names) {
            Image image = find(name).orElseThrow(() -> ApiException.notFound("No such image: " + name));
            ImageReference asked = asked(name, image);
            if (asked == null) {
                ids.add(image.id());
            } else {
                references.add(asked);
            }
        }
        java.io.OutputStream out = x.response().stream(200, "application/x-tar");
        state.engine.save(references, ids, out);
        out.flush();
    }

    /** {@code docker push NAME[:TAG]}: the image must exist before the progress lines start. */
    private void push(Exchange x) throws IOException {
        String name = x.param("name");
        String tag = x.request().query("tag");
        ImageReference reference = reference(name, tag);
        Image image = state.engine.image(reference).orElseThrow(() -> ApiException.notFound(
                "An image does not exist locally with the tag: " + reference.familiar()));
        PushProgressStream progress = new PushProgressStream(x.response(), reference, java.util.Set.copyOf(image.layers()));
        progress.begin();
        String digest;
        try {
            digest = state.engine.push(reference, new dev.stevedore.engine.PushOptions(progress));
        } catch (RuntimeException e) {
            progress.error(Errors.of(e).getMessage());
            return;
        }
        progress.done(digest);
    }

    private void remove(Exchange x) throws IOException {
        String name = x.param("name");
        Image image = find(name).orElseThrow(() -> ApiException.notFound("No such image: " + name));
        List<ImageReference> references = new ArrayList<>();
        try {
            ImageReference asked = ImageReference.parse(name);
            if (image.references().contains(asked)) {
                references.add(asked);
            }
        } catch (InvalidImageReferenceException e) {
            // an id: every reference of the image goes
        }
        List<String> parents = parents(image);
        ArrayNode answer = Json.array();
        if (references.isEmpty()) {
            // by id: the engine applies dockerd's conflict rules (containers, many repositories) and takes every reference
            state.engine.removeImageById(image.id(), x.request().flag("force"));
            references.addAll(image.references());
        } else {
            state.engine.removeImage(references.get(0));
        }
        for (ImageReference reference : references) {
            answer.addObject().put("Untagged", reference.familiar());
        }
        if (find(image.id()).isEmpty()) {
            answer.addObject().put("Deleted", image.id());
            // the dangling parents the engine pruned along, nearest first, as dockerd lists them
            for (String parent : parents) {
                if (find(parent).isPresent()) {
                    break;
                }
                answer.addObject().put("Deleted", parent);
            }
        }
        x.response().json(200, answer);
    }

    /** The ids of the image's parents, nearest first, as far as they are local images. */
    private List<String> parents(Image image) {
        List<String> parents = new ArrayList<>();
        Optional<Image> parent = image.parent().isEmpty() ? Optional.empty() : find(image.parent());
        while (parent.isPresent() && !parents.contains(parent.get().id())) {
            parents.add(parent.get().id());
            parent = parent.get().parent().isEmpty() ? Optional.empty() : find(parent.get().parent());
        }
        return parents;
    }

    /** {@code docker load}: the archive (docker save or OCI layout tar) is spooled to a file, then loaded. */
    private void load(Exchange x) throws IOException {
        java.nio.file.Path archive = java.nio.file.Files.createTempFile("stevedore-serve-load-", ".tar");
        List<Image> loaded;
        try {
            try (java.io.OutputStream out = java.nio.file.Files.newOutputStream(archive)) {
                x.request().body().transferTo(out);
            }
            loaded = state.engine.load(archive);
        } finally {
            java.nio.file.Files.deleteIfExists(archive);
        }
        java.io.ByteArrayOutputStream lines = new java.io.ByteArrayOutputStream();
        for (Image image : loaded) {
            List<String> tags = tags(image);
            for (String line : tags.isEmpty() ? List.of("Loaded image ID: " + image.id()) : tags.stream().map(t -> "Loaded image: " + t).toList()) {
                lines.writeBytes(Json.bytes(Json.object().put("stream", line + "\n")));
                lines.write('\n');
            }
        }
        x.response().send(200, HttpResponse.JSON, lines.toByteArray());
    }

    /**
     * {@code docker image prune [-a]}: the {@code dangling} filter ({@code true} unless given) picks which, the
     * {@code label} filter narrows it.
     */
    private void prune(Exchange x) throws IOException {
        Filters filters = Filters.parse(x.request().query("filters"));
        for (String name : List.of("until", "label!")) {
            if (filters.has(name)) {
                throw ApiException.badRequest("image prune: the " + name + " filter is not supported by stevedore serve;"
                        + " dangling and label are");
            }
        }
        boolean all = filters.has("dangling") && !filters.values("dangling").contains("true")
                && !filters.values("dangling").contains("1");
        ImagesPruned pruned = state.engine.pruneImages(all, filters.values("label"));
        ArrayNode deleted = Json.array();
        pruned.removals().forEach(removal -> deleted.addObject().put(
                removal.kind() == ImagesPruned.Removal.Kind.UNTAGGED ? "Untagged" : "Deleted", removal.name()));
        // dockerd answers null, not [], when nothing went
        ObjectNode answer = Json.object();
        if (deleted.isEmpty()) {
            answer.putNull("ImagesDeleted");
        } else {
            answer.set("ImagesDeleted", deleted);
        }
        x.response().json(200, answer.put("SpaceReclaimed", pruned.spaceReclaimed()));
    }

    static String shortId(String id) {
        String hex = id.startsWith("sha256:") ? id.substring(7) : id;
        return hex.substring(0, Math.min(12, hex.length())).toLowerCase(Locale.ROOT);
    }
}
