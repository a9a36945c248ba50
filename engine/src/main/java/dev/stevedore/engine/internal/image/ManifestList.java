package dev.stevedore.engine.internal.image;

import dev.stevedore.engine.Platform;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A Docker manifest list or OCI image index: one manifest per platform (plus, from BuildKit, attestation
 * entries for the platform {@code unknown/unknown}). Named so to keep it apart from the store's
 * reference index.
 *
 * @param schemaVersion always 2
 * @param mediaType     {@link MediaTypes#DOCKER_MANIFEST_LIST} or {@link MediaTypes#OCI_INDEX}
 * @param manifests     the entries, in the order the index lists them
 * @param annotations   annotations; usually empty
 */
public record ManifestList(int schemaVersion, String mediaType, List<Descriptor> manifests,
                           Map<String, String> annotations) implements ManifestDocument {

    public ManifestList {
        manifests = List.copyOf(manifests);
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    }

    /**
     * Parses a document that must be an index (not a manifest).
     *
     * @throws ImageFormatException as {@link ManifestDocument#parse}, or when the document is a manifest
     */
    public static ManifestList parse(byte[] body, String contentType) {
        return ManifestDocument.parse(body, contentType, ManifestList.class);
    }

    /** The entry to pull for {@code wanted}, as {@link PlatformMatcher#select} chooses it. */
    public Optional<Descriptor> select(Platform wanted) {
        return PlatformMatcher.select(manifests, wanted);
    }

    /** The platforms this index offers runnable images for (attestations left out), in index order. */
    public List<Platform> platforms() {
        return PlatformMatcher.offered(manifests);
    }
}
