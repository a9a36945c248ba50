package dev.stevedore.engine.internal.docker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.DiskUsage;
import dev.stevedore.engine.Image;
import dev.stevedore.engine.VolumeInfo;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * {@code ContainerEngine#diskUsage} on the Docker backend: dockerd's {@code GET /system/df}, its sizes joined with
 * the images, containers and volumes this backend lists (an object made or removed between the two reads is left out).
 */
final class DockerDiskUsage {
    private DockerDiskUsage() {
    }

    static DiskUsage read(DockerApi api, List<Image> images, List<ContainerInfo> containers, List<VolumeInfo> volumes) {
        JsonNode df = api.call("GET", "/system/df").json();
        Map<String, Image> imagesById = images.stream().collect(Collectors.toMap(Image::id, Function.identity(), (a, b) -> a));
        Map<String, ContainerInfo> containersById = containers.stream()
                .collect(Collectors.toMap(ContainerInfo::id, Function.identity(), (a, b) -> a));
        Map<String, VolumeInfo> volumesByName = volumes.stream()
                .collect(Collectors.toMap(VolumeInfo::name, Function.identity(), (a, b) -> a));
        List<DiskUsage.ImageUsage> imageUsage = new ArrayList<>();
        for (JsonNode image : df.path("Images")) {
            Image known = imagesById.get(image.path("Id").asText());
            if (known != null) {
                imageUsage.add(new DiskUsage.ImageUsage(known, image.path("Size").asLong(), image.path("SharedSize").asLong(),
                        image.path("Containers").asInt()));
            }
        }
        List<DiskUsage.ContainerUsage> containerUsage = new ArrayList<>();
        for (JsonNode container : df.path("Containers")) {
            ContainerInfo known = containersById.get(container.path("Id").asText());
            if (known != null) {
                containerUsage.add(new DiskUsage.ContainerUsage(known, container.path("SizeRw").asLong(),
                        container.path("SizeRootFs").asLong()));
            }
        }
        List<DiskUsage.VolumeUsage> volumeUsage = new ArrayList<>();
        for (JsonNode volume : df.path("Volumes")) {
            VolumeInfo known = volumesByName.get(volume.path("Name").asText());
            if (known != null) {
                JsonNode usage = volume.path("UsageData");
                volumeUsage.add(new DiskUsage.VolumeUsage(known, usage.path("Size").asLong(-1), usage.path("RefCount").asInt()));
            }
        }
        List<DiskUsage.BuildCacheUsage> cache = new ArrayList<>();
        for (JsonNode entry : df.path("BuildCache")) {
            cache.add(new DiskUsage.BuildCacheUsage(entry.path("ID").asText(), entry.path("Type").asText(""),
                    entry.path("Description").asText(""), entry.path("InUse").asBoolean(), entry.path("Shared").asBoolean(),
                    entry.path("Size").asLong(), ImageMapper.instant(entry.path("CreatedAt").asText("")),
                    ImageMapper.instant(entry.path("LastUsedAt").asText("")), entry.path("UsageCount").asInt()));
        }
        return new DiskUsage(df.path("LayersSize").asLong(), imageUsage, containerUsage, volumeUsage, cache);
    }
}
