package dev.stevedore.serve.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stevedore.engine.DiskUsage;
import dev.stevedore.engine.NetworkInfo;

import java.io.IOException;
import java.time.Instant;
import java.util.function.Function;

/**
 * {@code GET /system/df} ({@code docker system df}) from the engine's {@link DiskUsage}: the image, container and
 * volume documents of their own list routes with the sizes dockerd adds, and the build cache's entries.
 */
final class DiskUsageRoutes {
    private final ServeState state;
    private final ContainerRoutes containers;

    DiskUsageRoutes(ServeState state, ContainerRoutes containers) {
        this.state = state;
        this.containers = containers;
    }

    void register(Router router) {
        router.add("GET", "/system/df", this::diskUsage);
    }

    private void diskUsage(Exchange x) throws IOException {
        DiskUsage usage = state.engine.diskUsage();
        ObjectNode doc = Json.object();
        doc.put("LayersSize", usage.layersSize());
        ArrayNode images = doc.putArray("Images");
        for (DiskUsage.ImageUsage image : usage.images()) {
            images.add(ImageRoutes.summary(image.image(), image.sharedSize(), image.containers()).put("Size", image.size()));
        }
        ArrayNode list = doc.putArray("Containers");
        Function<String, NetworkInfo> networks = containers.networks();
        var mounted = MountDocuments.volumes(state.engine);
        Instant now = Instant.now();
        for (DiskUsage.ContainerUsage container : usage.containers()) {
            list.add(ContainerSizes.summary(containers.summary(container.container(), networks, mounted, now), container));
        }
        ArrayNode volumes = doc.putArray("Volumes");
        for (DiskUsage.VolumeUsage volume : usage.volumes()) {
            ObjectNode document = VolumeRoutes.document(volume.volume());
            document.set("UsageData", Json.object().put("Size", volume.size()).put("RefCount", volume.refCount()));
            volumes.add(document);
        }
        ArrayNode cache = doc.putArray("BuildCache");
        long builderSize = 0;
        for (DiskUsage.BuildCacheUsage entry : usage.buildCache()) {
            builderSize += entry.size();
            ObjectNode document = cache.addObject().put("ID", entry.id()).put("Parent", "").put("Type", entry.type())
                    .put("Description", entry.description()).put("InUse", entry.inUse()).put("Shared", entry.shared())
                    .put("Size", entry.size());
            document.put("CreatedAt", entry.createdAt() == null ? "0001-01-01T00:00:00Z" : Json.time(entry.createdAt()));
            document.put("LastUsedAt", entry.lastUsedAt() == null ? null : Json.time(entry.lastUsedAt()));
            document.put("UsageCount", entry.usageCount());
        }
        doc.put("BuilderSize", builderSize);
        x.response().json(200, doc);
    }
}
