package dev.stevedore.engine.internal.image;

import java.util.List;
import java.util.Map;

/**
 * The manifest of one image for one platform: its config blob and its layers, bottom first.
 *
 * @param schemaVersion always 2
 * @param mediaType     {@link MediaTypes#DOCKER_MANIFEST} or {@link MediaTypes#OCI_MANIFEST}
 * @param config        the image config blob
 * @param layers        the layer blobs, bottom first
 * @param annotations   annotations; usually empty
 */
public record ImageManifest(int schemaVersion, String mediaType, Descriptor config, List<Descriptor> layers,
                            Map<String, String> annotations) implements ManifestDocument {

    public ImageManifest {
        layers = List.copyOf(layers);
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    }

    /**
     * Parses a document that must be an image manifest (not an index).
     *
     * @throws ImageFormatException as {@link ManifestDocument#parse}, or when the document is an index
     */
    public static ImageManifest parse(byte[] body, String contentType) {
        return ManifestDocument.parse(body, contentType, ImageManifest.class);
    }

    /**
     * Checks that this is a container image the engine can run rather than an artifact (a Helm chart, a
     * signature, an SBOM) stored in a registry: its config must be an image config and its layers tars.
     *
     * @throws ImageFormatException naming the offending media type
     */
    public ImageManifest requireRunnable() {
        if (!MediaTypes.CONFIGS.contains(config.mediaType())) {
            throw new ImageFormatException("it is not a runnable container image: its config has media type "
                    + config.mediaType() + " (an artifact such as a chart, signature or SBOM?), not "
                    + MediaTypes.OCI_CONFIG + " or " + MediaTypes.DOCKER_CONFIG);
        }
        for (int i = 0; i < layers.size(); i++) {
            String type = layers.get(i).mediaType();
            if (!MediaTypes.isLayer(type)) {
                throw new ImageFormatException("it is not a runnable container image: layer " + i + " has media type "
                        + type + ", which is no tar layer (plain, gzip or zstd)");
            }
        }
        return this;
    }

    /** The bytes of config and layers together, as a registry stores them (compressed). */
    public long totalSize() {
        return config.size() + layers.stream().mapToLong(Descriptor::size).sum();
    }
}
