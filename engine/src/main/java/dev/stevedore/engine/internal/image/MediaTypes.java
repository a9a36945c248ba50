package dev.stevedore.engine.internal.image;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/** The media types of manifests, indexes, configs and layers that the engine understands. */
public final class MediaTypes {
    public static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    public static final String DOCKER_MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    public static final String DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";
    public static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
    public static final String DOCKER_LAYER_GZIP = "application/vnd.docker.image.rootfs.diff.tar.gzip";
    public static final String DOCKER_LAYER_TAR = "application/vnd.docker.image.rootfs.diff.tar";
    public static final String DOCKER_FOREIGN_LAYER_GZIP = "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";
    public static final String OCI_LAYER_TAR = "application/vnd.oci.image.layer.v1.tar";
    public static final String OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";
    public static final String OCI_LAYER_ZSTD = "application/vnd.oci.image.layer.v1.tar+zstd";
    public static final String OCI_LAYER_ND_TAR = "application/vnd.oci.image.layer.nondistributable.v1.tar";
    public static final String OCI_LAYER_ND_GZIP = "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip";
    public static final String OCI_LAYER_ND_ZSTD = "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd";

    /** Docker's deprecated, unverifiable schema 1 manifests: recognised only to be refused with a clear message. */
    public static final String DOCKER_MANIFEST_V1 = "application/vnd.docker.distribution.manifest.v1+json";
    public static final String DOCKER_MANIFEST_V1_SIGNED = "application/vnd.docker.distribution.manifest.v1+prettyjws";

    /** What a client accepts when it asks a registry for a manifest, most specific first. */
    public static final List<String> MANIFEST_ACCEPT = List.of(DOCKER_MANIFEST, DOCKER_MANIFEST_LIST, OCI_MANIFEST, OCI_INDEX);

    public static final Set<String> INDEXES = Set.of(DOCKER_MANIFEST_LIST, OCI_INDEX);
    public static final Set<String> SCHEMA1 = Set.of(DOCKER_MANIFEST_V1, DOCKER_MANIFEST_V1_SIGNED);
    public static final Set<String> MANIFESTS = Set.of(DOCKER_MANIFEST, OCI_MANIFEST);
    public static final Set<String> CONFIGS = Set.of(DOCKER_CONFIG, OCI_CONFIG);
    public static final Set<String> LAYERS = Set.of(DOCKER_LAYER_TAR, OCI_LAYER_TAR, OCI_LAYER_ND_TAR,
            DOCKER_LAYER_GZIP, DOCKER_FOREIGN_LAYER_GZIP, OCI_LAYER_GZIP, OCI_LAYER_ND_GZIP, OCI_LAYER_ZSTD, OCI_LAYER_ND_ZSTD);

    /** How a layer blob is compressed. */
    public enum Compression { NONE, GZIP, ZSTD }

    private MediaTypes() {
    }

    /** A {@code Content-Type} value without parameters and in lower case; {@code null} stays {@code null}. */
    public static String baseType(String contentType) {
        if (contentType == null) {
            return null;
        }
        int semicolon = contentType.indexOf(';');
        String base = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
        return base.isEmpty() ? null : base;
    }

    /** Whether the engine can unpack a layer of this media type. */
    public static boolean isLayer(String mediaType) {
        return LAYERS.contains(mediaType);
    }

    /** The compression of a layer media type, or an {@link IllegalArgumentException} for a type that is no layer. */
    public static Compression layerCompression(String mediaType) {
        return switch (mediaType) {
            case DOCKER_LAYER_TAR, OCI_LAYER_TAR, OCI_LAYER_ND_TAR -> Compression.NONE;
            case DOCKER_LAYER_GZIP, DOCKER_FOREIGN_LAYER_GZIP, OCI_LAYER_GZIP, OCI_LAYER_ND_GZIP -> Compression.GZIP;
            case OCI_LAYER_ZSTD, OCI_LAYER_ND_ZSTD -> Compression.ZSTD;
            default -> throw new IllegalArgumentException("\"" + mediaType + "\" is not a layer media type this engine can unpack");
        };
    }
}
