package dev.stevedore.engine.internal.image;

import dev.stevedore.engine.ImageReference;
import dev.stevedore.engine.internal.store.Digest;

/**
 * One image an archive held, now in the content store with all its blobs verified.
 *
 * @param reference      the reference the archive names it by, or {@code null} when it names none that is a
 *                       full reference (an OCI layout usually names only a tag, see {@code name})
 * @param name           the name exactly as the archive gives it ({@code RepoTags} entry, the
 *                       {@code io.containerd.image.name} or {@code org.opencontainers.image.ref.name}
 *                       annotation), or {@code null}
 * @param indexDigest    the digest of the index the manifest was chosen from, or {@code null}
 * @param manifestDigest the digest of the image's manifest (stored as a blob)
 * @param manifest       the manifest; its config and layers are stored
 */
public record ImportedImage(ImageReference reference, String name, Digest indexDigest, Digest manifestDigest,
                            ImageManifest manifest) {
}
