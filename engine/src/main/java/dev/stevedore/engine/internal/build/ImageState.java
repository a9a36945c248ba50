package dev.stevedore.engine.internal.build;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stevedore.engine.Platform;
import dev.stevedore.engine.internal.image.Descriptor;
import dev.stevedore.engine.internal.image.ImageManifest;
import dev.stevedore.engine.internal.image.MediaTypes;
import dev.stevedore.engine.internal.store.ContentStore;
import dev.stevedore.engine.internal.store.Digest;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A stage's image as the build goes: its config document (all of it, so fields this engine does not model, such
 * as {@code Shell} or {@code OnBuild}, survive), its layers and its history. {@link #commit} writes config and
 * manifest into the content store, like a pulled image's.
 */
final class ImageState {
    static final ObjectMapper JSON = new ObjectMapper();

    private final ObjectNode config;
    private final List<Descriptor> layers;

    private ImageState(ObjectNode config, List<Descriptor> layers) {
        this.config = config;
        this.layers = new ArrayList<>(layers);
    }

    /** The empty image of {@code FROM scratch}. */
    static ImageState scratch(Platform platform) {
        ObjectNode config = JSON.createObjectNode();
        config.put("architecture", platform.architecture());
        config.put("os", platform.os());
        if (platform.variant() != null && !platform.variant().isEmpty()) {
            config.put("variant", platform.variant());
        }
        config.putObject("config");
        ObjectNode rootfs = config.putObject("rootfs");
        rootfs.put("type", "layers");
        rootfs.putArray("diff_ids");
        config.putArray("history");
        return new ImageState(config, List.of());
    }

    /** The image stored under {@code manifestDigest}. */
    static ImageState load(ContentStore store, Digest manifestDigest) throws IOException {
        ImageManifest manifest = ImageManifest.parse(store.readBlob(manifestDigest), null);
        ObjectNode config = (ObjectNode) JSON.readTree(store.readBlob(manifest.config().digest()));
        config.remove("container");
        config.remove("container_config");
        config.remove("docker_version");
        config.remove("parent"); // a build's or commit's image names its own parent, not its base's
        if (!config.path("config").isObject()) {
            config.putObject("config");
        }
        if (!config.path("history").isArray()) {
            config.putArray("history");
        }
        return new ImageState(config, manifest.layers());
    }

    ImageState copy() {
        return new ImageState(config.deepCopy(), layers);
    }

    /** The runnable part ({@code config} of the document), to change. */
    ObjectNode runConfig() {
        return (ObjectNode) config.get("config");
    }

    List<String> env() {
        List<String> env = new ArrayList<>();
        runConfig().path("Env").forEach(e -> env.add(e.asText()));
        return env;
    }

    /** Sets {@code KEY=value} in Env, replacing the variable if it is there. */
    void setEnv(String key, String value) {
        ArrayNode env = runConfig().has("Env") && runConfig().get("Env").isArray()
                ? (ArrayNode) runConfig().get("Env") : runConfig().putArray("Env");
        for (int i = 0; i < env.size(); i++) {
            if (env.get(i).asText().startsWith(key + "=")) {
                env.set(i, env.textNode(key + "=" + value));
                return;
            }
        }
        env.add(key + "=" + value);
    }

    String text(String field) {
        JsonNode node = runConfig().get(field);
        return node == null || node.isNull() ? "" : node.asText();
    }

    List<String> list(String field) {
        List<String> values = new ArrayList<>();
        runConfig().path(field).forEach(e -> values.add(e.asText()));
        return values;
    }

    void setList(String field, List<String> values) {
        ArrayNode array = runConfig().putArray(field);
        values.forEach(array::add);
    }

    ObjectNode object(String field) {
        JsonNode node = runConfig().get(field);
        return node instanceof ObjectNode o ? o : runConfig().putObject(field);
    }

    Platform platform() {
        return new Platform(config.path("os").asText("linux"), config.path("architecture").asText(),
                config.path("variant").asText(null));
    }

    List<Descriptor> layers() {
        return List.copyOf(layers);
    }

    List<Digest> diffIds() {
        List<Digest> ids = new ArrayList<>();
        config.path("rootfs").path("diff_ids").forEach(d -> ids.add(Digest.parse(d.asText())));
        return ids;
    }

    /** Records a step: its layer ({@code null} for a metadata step) and its history entry. */
    void addStep(Descriptor layer, String createdBy, Instant created, String comment) {
        ObjectNode history = ((ArrayNode) config.get("history")).addObject();
        history.put("created", created.toString());
        history.put("created_by", createdBy);
        if (comment != null) {
            history.put("comment", comment);
        }
        if (layer == null) {
            history.put("empty_layer", true);
        } else {
            layers.add(layer);
            ((ArrayNode) config.path("rootfs").get("diff_ids")).add(layer.digest().toString());
        }
        config.put("created", created.toString());
    }

    /** Records {@code imageId} as the image this one was committed from: the config's {@code parent}, as dockerd's. */
    void parent(Digest imageId) {
        config.put("parent", imageId.toString());
    }

    /** Sets the image's {@code author}, as {@code docker commit -a} does. */
    void author(String author) {
        config.put("author", author);
    }

    /** Writes config and manifest into {@code store}; returns the manifest's digest. */
    Digest commit(ContentStore store) throws IOException {
        byte[] configBytes = JSON.writeValueAsBytes(config);
        Digest configDigest = Digest.of(configBytes);
        store.ingest(configDigest, configBytes.length, out -> out.write(configBytes));
        ObjectNode manifest = JSON.createObjectNode();
        manifest.put("schemaVersion", 2);
        manifest.put("mediaType", MediaTypes.OCI_MANIFEST);
        ObjectNode configDescriptor = manifest.putObject("config");
        configDescriptor.put("mediaType", MediaTypes.OCI_CONFIG);
        configDescriptor.put("digest", configDigest.toString());
        configDescriptor.put("size", configBytes.length);
        ArrayNode layerArray = manifest.putArray("layers");
        for (Descriptor layer : layers) {
            ObjectNode d = layerArray.addObject();
            d.put("mediaType", ociMediaType(layer.mediaType()));
            d.put("digest", layer.digest().toString());
            d.put("size", layer.size());
        }
        byte[] manifestBytes = JSON.writeValueAsBytes(manifest);
        Digest manifestDigest = Digest.of(manifestBytes);
        store.ingest(manifestDigest, manifestBytes.length, out -> out.write(manifestBytes));
        return manifestDigest;
    }

    /** Docker's layer media types name the same bytes as OCI's; an OCI manifest lists them by the OCI names. */
    private static String ociMediaType(String mediaType) {
        return switch (mediaType) {
            case MediaTypes.DOCKER_LAYER_GZIP -> MediaTypes.OCI_LAYER_GZIP;
            case MediaTypes.DOCKER_LAYER_TAR -> MediaTypes.OCI_LAYER_TAR;
            default -> mediaType;
        };
    }
}
