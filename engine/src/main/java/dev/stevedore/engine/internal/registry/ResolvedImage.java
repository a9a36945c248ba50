package dev.stevedore.engine.internal.registry;

import dev.stevedore.engine.ImageReference;
import dev.stevedore.engine.internal.image.ImageManifest;
import dev.stevedore.engine.internal.store.Digest;

/**
 * What {@link RegistryClient#resolve} found for a reference: the verified index (when the reference
 * names a multi-platform image) and the verified manifest for the wanted platform, plus where they
 * came from so that {@link RegistryClient#fetchBlob} asks the same registry for the blobs.
 *
 * @param requested         the reference as asked for
 * @param registryUsed      the registry actually asked ({@code host[:port]}): a mirror or the origin
 *                          ({@code registry-1.docker.io} for Docker Hub)
 * @param indexDigest       the index's digest, or {@code null} when the reference names a single manifest
 * @param indexBytes        the index as served, or {@code null}
 * @param indexMediaType    the index's media type, or {@code null}
 * @param manifestDigest    the platform manifest's digest
 * @param manifestBytes     the platform manifest as served (its digest is {@code manifestDigest})
 * @param manifestMediaType the manifest's media type
 * @param manifest          the parsed manifest; already checked to be a runnable image
 */
public record ResolvedImage(ImageReference requested, String registryUsed,
                            Digest indexDigest, byte[] indexBytes, String indexMediaType,
                            Digest manifestDigest, byte[] manifestBytes, String manifestMediaType,
                            ImageManifest manifest) {

    /** The digest a tag resolved to: the index's when there is one, else the manifest's (what Docker shows as RepoDigest). */
    public Digest topDigest() {
        return indexDigest != null ? indexDigest : manifestDigest;
    }
}
