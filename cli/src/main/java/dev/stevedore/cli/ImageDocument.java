package dev.stevedore.cli;

import dev.stevedore.engine.Image;
import dev.stevedore.engine.ImageConfig;
import dev.stevedore.engine.ImageReference;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * An image as {@code docker image inspect} shows it: docker's field names and nesting for what the store knows; what it
 * does not keep (the build's comment, the layers' uncompressed digests) is left out rather than made up.
 */
final class ImageDocument {
    private ImageDocument() {
    }

    static Map<String, Object> of(Image image) {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("Id", image.id());
        document.put("RepoTags", image.references().stream().filter(r -> r.tag() != null).map(ImageReference::familiar).toList());
        document.put("RepoDigests", image.references().stream()
                .map(r -> ImagesCommand.familiarName(r) + "@" + (r.digest() != null ? r.digest() : image.manifestDigest()))
                .distinct().toList());
        document.put("Parent", "");
        document.put("Comment", "");
        document.put("Created", image.created() == null ? "0001-01-01T00:00:00Z" : image.created().toString());
        document.put("Author", image.author());
        document.put("Config", config(image.config()));
        document.put("Architecture", image.platform().architecture());
        if (image.platform().variant() != null && !image.platform().variant().isEmpty()) {
            document.put("Variant", image.platform().variant());
        }
        document.put("Os", image.platform().os());
        document.put("Size", image.size());
        return document;
    }

    private static Map<String, Object> config(ImageConfig config) {
        Map<String, Object> exposed = new TreeMap<>();
        config.exposedPorts().forEach(port -> exposed.put(port, Map.of()));
        Map<String, Object> volumes = new TreeMap<>();
        config.volumes().forEach(volume -> volumes.put(volume, Map.of()));
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("User", config.user());
        if (!exposed.isEmpty()) {
            fields.put("ExposedPorts", exposed);
        }
        fields.put("Env", config.env());
        fields.put("Cmd", config.cmd().isEmpty() ? null : config.cmd());
        fields.put("Volumes", volumes.isEmpty() ? null : volumes);
        fields.put("WorkingDir", config.workingDir());
        fields.put("Entrypoint", config.entrypoint().isEmpty() ? null : config.entrypoint());
        fields.put("Labels", config.labels().isEmpty() ? null : new TreeMap<>(config.labels()));
        if (!config.stopSignal().isEmpty()) {
            fields.put("StopSignal", config.stopSignal());
        }
        return fields;
    }
}
