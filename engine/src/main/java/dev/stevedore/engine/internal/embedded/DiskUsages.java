package dev.stevedore.engine.internal.embedded;

import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.DiskUsage;
import dev.stevedore.engine.Image;
import dev.stevedore.engine.Mount;
import dev.stevedore.engine.VolumeInfo;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * {@code ContainerEngine#diskUsage} on the embedded engine: images by their stored blobs (a layer two images have is
 * their shared size, and counted once in the whole; each image's config once), containers by their upper directories, volumes by their data
 * directories, walked as dockerd's {@code directory.Size} does (regular files' sizes, a hard-linked file once).
 */
final class DiskUsages {
    private DiskUsages() {
    }

    /**
     * @param layers the content size of each of an image's layers, by digest
     * @param upper  a container's upper (writable) directory, by id
     */
    static DiskUsage measure(List<Image> images, Function<Image, Map<String, Long>> layers, List<ContainerInfo> containers,
                             Function<String, Path> upper, List<VolumeInfo> volumes, List<DiskUsage.BuildCacheUsage> cache) {
        Map<String, Long> layerSizes = new HashMap<>();
        Map<String, Integer> imagesWithLayer = new HashMap<>();
        Map<Image, Map<String, Long>> byImage = new HashMap<>();
        for (Image image : images) {
            Map<String, Long> own = layers.apply(image);
            byImage.put(image, own);
            own.forEach((digest, size) -> {
                layerSizes.put(digest, size);
                imagesWithLayer.merge(digest, 1, Integer::sum);
            });
        }
        Map<String, Integer> containersOfImage = new HashMap<>();
        Map<String, Long> imageSizes = new HashMap<>();
        containers.forEach(c -> containersOfImage.merge(c.imageId(), 1, Integer::sum));
        List<DiskUsage.ImageUsage> imageUsage = new ArrayList<>();
        for (Image image : images) {
            long shared = byImage.get(image).entrySet().stream().filter(l -> imagesWithLayer.get(l.getKey()) > 1)
                    .mapToLong(Map.Entry::getValue).sum();
            imageSizes.put(image.id(), image.size());
            imageUsage.add(new DiskUsage.ImageUsage(image, image.size(), shared, containersOfImage.getOrDefault(image.id(), 0)));
        }
        List<DiskUsage.ContainerUsage> containerUsage = new ArrayList<>();
        for (ContainerInfo container : containers) {
            long written = Math.max(0, size(upper.apply(container.id())));
            containerUsage.add(new DiskUsage.ContainerUsage(container, written,
                    written + imageSizes.getOrDefault(container.imageId(), 0L)));
        }
        List<DiskUsage.VolumeUsage> volumeUsage = new ArrayList<>();
        for (VolumeInfo volume : volumes) {
            int users = (int) containers.stream().filter(c -> c.mounts().stream()
                    .anyMatch(m -> m.type() == Mount.Type.VOLUME && volume.name().equals(m.source()))).count();
            volumeUsage.add(new DiskUsage.VolumeUsage(volume, volume.mountpoint().isEmpty() ? -1 : size(Path.of(volume.mountpoint())),
                    users));
        }
        long layersSize = layerSizes.values().stream().mapToLong(Long::longValue).sum();
        return new DiskUsage(layersSize, imageUsage, containerUsage, volumeUsage, cache);
    }

    /**
     * The bytes of the regular files under {@code directory}, a hard-linked file once; what cannot be read (a rootless
     * engine's view of a directory a container made private) is left out. -1 when there is no such directory.
     */
    static long size(Path directory) {
        if (directory == null || !Files.isDirectory(directory)) {
            return -1;
        }
        long[] total = {0};
        Set<Object> linked = new HashSet<>();
        try {
            Files.walkFileTree(directory, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                    if (attributes.isRegularFile()) {
                        Object nlink = Files.getAttribute(file, "unix:nlink", java.nio.file.LinkOption.NOFOLLOW_LINKS);
                        if (!(nlink instanceof Integer n && n > 1) || linked.add(attributes.fileKey())) {
                            total[0] += attributes.size();
                        }
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException unreadable) {
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException unreadable) {
            // what was counted before the failure stands
        }
        return total[0];
    }
}
