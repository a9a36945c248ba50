package dev.stevedore.engine;

import java.time.Instant;
import java.util.List;

/**
 * What an engine's objects take on disk, as dockerd's {@code GET /system/df} answers it and {@code docker system df}
 * shows it: the images with the space they share, the containers' writable layers, the volumes with the containers
 * that use them, and the build cache.
 *
 * <p>Image sizes are the layers' unpacked sizes as dockerd counts them, on both engines, as {@link Image#size()} and
 * {@code stevedore images} give them; on the embedded engine a container's writable layer and a volume are
 * measured by walking them (files a rootless engine cannot read in a container's layer are not counted).
 *
 * @param layersSize the bytes of all images, each layer counted once however many images share it (so the images'
 *                   sizes less what they share)
 * @param images     every image, with its share of layers
 * @param containers every container (running or not), with its writable layer
 * @param volumes    every volume, with its size and how many containers mount it
 * @param buildCache the build cache's entries (none on an engine that keeps no build cache)
 */
public record DiskUsage(long layersSize, List<ImageUsage> images, List<ContainerUsage> containers,
                        List<VolumeUsage> volumes, List<BuildCacheUsage> buildCache) {

    /** Copies the lists. */
    public DiskUsage {
        images = List.copyOf(images);
        containers = List.copyOf(containers);
        volumes = List.copyOf(volumes);
        buildCache = List.copyOf(buildCache);
    }

    /**
     * An image's disk use.
     *
     * @param image      the image
     * @param size       its bytes, layers it shares with other images included
     * @param sharedSize the bytes of its layers that other images have too
     * @param containers how many containers (running or not) were made from it
     */
    public record ImageUsage(Image image, long size, long sharedSize, int containers) {
    }

    /**
     * A container's disk use.
     *
     * @param container  the container
     * @param sizeRw     the bytes it wrote (its writable layer)
     * @param sizeRootFs the bytes of its whole file system: its image's and its own
     */
    public record ContainerUsage(ContainerInfo container, long sizeRw, long sizeRootFs) {
    }

    /**
     * A volume's disk use.
     *
     * @param volume   the volume
     * @param size     its bytes, or -1 when the engine cannot measure it
     * @param refCount how many containers (running or not) mount it
     */
    public record VolumeUsage(VolumeInfo volume, long size, int refCount) {
    }

    /**
     * One entry of the build cache: on the embedded engine a cached build step.
     *
     * @param id          its id (the embedded engine: the step's cache key)
     * @param type        its kind, as BuildKit names them ({@code regular}, {@code source.local}, …)
     * @param description what made it, where known; empty otherwise
     * @param inUse       whether a running build uses it
     * @param shared      whether some of its content belongs to an image with a tag too (pruning it frees less)
     * @param size        the bytes it holds that no tagged image holds
     * @param createdAt   when it was made
     * @param lastUsedAt  when a build last made or reused it
     * @param usageCount  how many times a build made or reused it
     */
    public record BuildCacheUsage(String id, String type, String description, boolean inUse, boolean shared, long size,
                                  Instant createdAt, Instant lastUsedAt, int usageCount) {
        /** Normalises a missing description to empty. */
        public BuildCacheUsage {
            description = description == null ? "" : description;
        }
    }
}
