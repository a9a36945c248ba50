package dev.stevedore.cli;

import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.DiskUsage;
import dev.stevedore.engine.ImageReference;
import dev.stevedore.engine.Mount;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/**
 * {@code system df -v}: docker's four tables (images, containers, local volumes, build cache) with its titles, columns
 * and cells, each object on a line of its own.
 */
final class DiskUsageTables {
    private DiskUsageTables() {
    }

    static void print(PrintWriter out, DiskUsage usage, Instant now) {
        out.print("Images space usage:\n\n");
        Table images = new Table("REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE", "SHARED SIZE", "UNIQUE SIZE", "CONTAINERS");
        for (DiskUsage.ImageUsage image : usage.images()) {
            // as docker: the first tag only, <none> for an image without one
            ImageReference tagged = image.image().references().stream().filter(r -> r.tag() != null).findFirst().orElse(null);
            images.row(tagged == null ? "<none>" : ImagesCommand.familiarName(tagged), tagged == null ? "<none>" : tagged.tag(),
                    Ids.shortId(image.image().id()), Durations.ago(image.image().created(), now), Sizes.human(image.size()),
                    // docker's SIZE has three significant digits, SHARED and UNIQUE four
                    image.sharedSize() < 0 ? "N/A" : Sizes.human(image.sharedSize(), 4),
                    image.sharedSize() < 0 ? "N/A" : Sizes.human(image.size() - image.sharedSize(), 4),
                    image.containers() < 0 ? "N/A" : Integer.toString(image.containers()));
        }
        images.print(out);

        out.print("\nContainers space usage:\n\n");
        Table containers = new Table("CONTAINER ID", "IMAGE", "COMMAND", "LOCAL VOLUMES", "SIZE", "CREATED", "STATUS", "NAMES");
        for (DiskUsage.ContainerUsage usageOfOne : usage.containers()) {
            ContainerInfo container = usageOfOne.container();
            containers.row(container.shortId(), container.image(), Containers.command(container.command(), false),
                    Long.toString(container.mounts().stream().filter(m -> m.type() == Mount.Type.VOLUME).count()),
                    Sizes.human(usageOfOne.sizeRw()), Durations.ago(container.created(), now),
                    Containers.status(container.state(), now), container.name());
        }
        containers.print(out);

        out.print("\nLocal Volumes space usage:\n\n");
        Table volumes = new Table("VOLUME NAME", "LINKS", "SIZE");
        for (DiskUsage.VolumeUsage volume : usage.volumes()) {
            volumes.row(volume.volume().name(), volume.refCount() < 0 ? "N/A" : Integer.toString(volume.refCount()),
                    volume.size() < 0 ? "N/A" : Sizes.human(volume.size(), 4));
        }
        volumes.print(out);

        long cacheSize = usage.buildCache().stream().filter(b -> !b.shared()).mapToLong(DiskUsage.BuildCacheUsage::size).sum();
        out.print("\nBuild cache usage: " + Sizes.human(cacheSize, 4) + "\n\n");
        Table cache = new Table("CACHE ID", "CACHE TYPE", "SIZE", "CREATED", "LAST USED", "USAGE", "SHARED");
        // as docker orders them: least recently used first (never used first of all), then by id
        List<DiskUsage.BuildCacheUsage> entries = usage.buildCache().stream()
                .sorted(Comparator.comparing(DiskUsage.BuildCacheUsage::lastUsedAt, Comparator.nullsFirst(Comparator.naturalOrder()))
                        .thenComparing(DiskUsage.BuildCacheUsage::id))
                .toList();
        for (DiskUsage.BuildCacheUsage entry : entries) {
            String id = entry.id().length() > 12 ? entry.id().substring(0, 12) : entry.id();
            cache.row(entry.inUse() ? id + "*" : id, entry.type(), Sizes.human(entry.size()), Durations.ago(entry.createdAt(), now),
                    entry.lastUsedAt() == null ? "" : Durations.ago(entry.lastUsedAt(), now), Integer.toString(entry.usageCount()),
                    Boolean.toString(entry.shared()));
        }
        cache.print(out);
    }
}
