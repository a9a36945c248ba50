package dev.stevedore.engine.internal.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Map;

/**
 * A document a registry serves from its manifest endpoint: an {@link ImageManifest} for one platform or
 * a {@link ManifestList} (Docker manifest list, OCI image index) pointing at several.
 *
 * <p>{@link #parse} applies the checks that keep a pull safe: schema 1 is refused, the body's
 * {@code mediaType} must agree with the type it was served as, a document with both {@code manifests}
 * and {@code config}/{@code layers} is refused (CVE-2021-41190), and nothing over
 * {@link #MAX_SIZE} bytes is read.
 */
public sealed interface ManifestDocument permits ImageManifest, ManifestList {

    /** The largest manifest or index accepted, as containerd caps it: 4 MiB. */
    int MAX_SIZE = 4 * 1024 * 1024;

    /** The document's media type: from its body, else the type it was served as, else inferred from its fields. */
    String mediaType();

    /** The document's annotations; usually empty. */
    Map<String, String> annotations();

    /**
     * Parses and validates a manifest or index.
     *
     * @param body        the document's bytes (already verified against their digest by the caller)
     * @param contentType the {@code Content-Type} it was served with, or the media type its descriptor
     *                    declares; {@code null} when unknown
     * @throws ImageFormatException saying which rule the document breaks
     */
    static ManifestDocument parse(byte[] body, String contentType) {
        if (body.length > MAX_SIZE) {
            throw new ImageFormatException("the manifest has " + body.length + " bytes, more than the "
                    + MAX_SIZE + " bytes accepted");
        }
        String served = MediaTypes.baseType(contentType);
        if (served != null && MediaTypes.SCHEMA1.contains(served)) {
            throw schema1(served);
        }
        ObjectNode json = ImageJson.object(body, "the manifest");
        JsonNode schemaVersion = json.get("schemaVersion");
        String declared = ImageJson.optionalText(json, "mediaType", "the manifest");
        if (declared != null && MediaTypes.SCHEMA1.contains(declared)) {
            throw schema1(declared);
        }
        if (schemaVersion == null || !schemaVersion.isInt()) {
            throw new ImageFormatException("the manifest has no integer \"schemaVersion\"");
        }
        if (schemaVersion.intValue() == 1) {
            throw schema1("schemaVersion 1");
        }
        if (schemaVersion.intValue() != 2) {
            throw new ImageFormatException("the manifest has schemaVersion " + schemaVersion.intValue() + "; only 2 is supported");
        }
        boolean hasManifests = json.has("manifests");
        boolean hasImageFields = json.has("config") || json.has("layers");
        if (hasManifests && hasImageFields) {
            throw new ImageFormatException("the document has both \"manifests\" and \"config\"/\"layers\", so it could be "
                    + "read as an index or as a manifest; such ambiguous documents are refused (CVE-2021-41190)");
        }
        boolean servedAsKnownType = served != null && (MediaTypes.INDEXES.contains(served) || MediaTypes.MANIFESTS.contains(served));
        if (declared != null && servedAsKnownType && !declared.equals(served)) {
            throw new ImageFormatException("the document says its mediaType is " + declared + " but it was served as "
                    + served + "; a mismatch like this is refused");
        }
        String type = declared != null ? declared : servedAsKnownType ? served
                : hasManifests ? MediaTypes.OCI_INDEX : MediaTypes.OCI_MANIFEST;
        if (MediaTypes.INDEXES.contains(type)) {
            if (hasImageFields || !hasManifests) {
                throw new ImageFormatException("the index (" + type + ") has no \"manifests\"");
            }
            return new ManifestList(2, type, ImageJson.descriptors(json.get("manifests"), "manifests"),
                    ImageJson.stringMap(json, "annotations", "the index"));
        }
        if (!MediaTypes.MANIFESTS.contains(type)) {
            throw new ImageFormatException("the document's media type " + type + " is neither an image manifest nor an index");
        }
        if (hasManifests || !json.has("config") || !json.has("layers")) {
            throw new ImageFormatException("the manifest (" + type + ") needs both \"config\" and \"layers\"");
        }
        return new ImageManifest(2, type, ImageJson.descriptor(json.get("config"), "config"),
                ImageJson.descriptors(json.get("layers"), "layers"),
                ImageJson.stringMap(json, "annotations", "the manifest"));
    }

    /**
     * Parses a document that must be of the given kind ({@link ImageManifest} or {@link ManifestList}).
     *
     * @throws ImageFormatException as {@link #parse(byte[], String)}, or when the document is of the other kind
     */
    static <T extends ManifestDocument> T parse(byte[] body, String contentType, Class<T> kind) {
        ManifestDocument document = parse(body, contentType);
        if (kind.isInstance(document)) {
            return kind.cast(document);
        }
        throw new ImageFormatException("expected " + (kind == ImageManifest.class ? "an image manifest" : "an index")
                + " but found " + (document instanceof ImageManifest ? "an image manifest" : "an index")
                + " (" + document.mediaType() + ")");
    }

    private static ImageFormatException schema1(String what) {
        return new ImageFormatException("the image has a Docker schema 1 manifest (" + what + "); schema 1 is deprecated "
                + "and cannot be verified, so it is not supported: push the image again with a current Docker, "
                + "buildah or skopeo to get a schema 2 or OCI manifest");
    }
}
