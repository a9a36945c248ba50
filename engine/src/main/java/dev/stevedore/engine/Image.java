package dev.stevedore.engine;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/**
 * An image in the local store: what it was pulled or loaded as, its content addresses and its config.
 *
 * @param references     the references that point at this image locally ({@code docker.io/library/postgres:15});
 *                       none for an image kept by its id alone (see {@link #dangling()})
 * @param id             the image id: the digest of its config blob ({@code sha256:...})
 * @param manifestDigest the digest of the platform-specific manifest
 * @param platform       the platform the image was built for
 * @param layers         the layer blobs' digests, bottom first
 * @param size           the size of its layers unpacked, in bytes, as Docker counts it (regular files' bytes and
 *                       symlinks' targets; what {@code docker images} shows), not the compressed size of the blobs
 * @param created        when the image was built, or {@code null} when the config does not say
 * @param config         the runnable configuration
 * @param author         who made the image, as its config says ({@code docker commit -a}, a Dockerfile's
 *                       {@code MAINTAINER}); empty for none
 * @param parent         the id of the image this one was committed from ({@code docker commit}), as dockerd's
 *                       {@code Parent}; empty for a pulled, loaded or built image
 */
public record Image(
        List<ImageReference> references,
        String id,
        String manifestDigest,
        Platform platform,
        List<String> layers,
        long size,
        Instant created,
        ImageConfig config,
        String author,
        String parent) {

    /**
     * Newest first, as dockerd lists images ({@code GET /images/json}, {@code docker images}); an image whose creation
     * time is unknown last. dockerd leaves the order of equal times to chance; this orders them by id.
     */
    public static final Comparator<Image> NEWEST_FIRST = Comparator.comparing(Image::created,
            Comparator.nullsLast(Comparator.reverseOrder())).thenComparing(Image::id);

    public Image {
        references = List.copyOf(references);
        layers = List.copyOf(layers);
        author = author == null ? "" : author;
        parent = parent == null ? "" : parent;
    }

    /** An image with no parent: pulled, loaded or built. */
    public Image(List<ImageReference> references, String id, String manifestDigest, Platform platform, List<String> layers,
                 long size, Instant created, ImageConfig config, String author) {
        this(references, id, manifestDigest, platform, layers, size, created, config, author, "");
    }

    /**
     * Whether no tag names this image, as dockerd's {@code dangling=true}: built without a tag, committed without a
     * repository, or left when its last tag went to another image. It is kept, found by its id, until removed or pruned.
     */
    public boolean dangling() {
        return references.stream().allMatch(r -> r.tag() == null);
    }

    /** An image whose config names no author. */
    public Image(List<ImageReference> references, String id, String manifestDigest, Platform platform, List<String> layers,
                 long size, Instant created, ImageConfig config) {
        this(references, id, manifestDigest, platform, layers, size, created, config, "", "");
    }
}
