package dev.stevedore.cli;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.Image;
import dev.stevedore.engine.ImageReference;
import dev.stevedore.engine.NetworkInfo;
import dev.stevedore.engine.VolumeInfo;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code stevedore system}: the engine's disk use ({@code df}) and removing what nothing uses ({@code prune}). */
@Command(name = "system", description = "Manage the engine's resources.",
        subcommands = {
            SystemCommand.Df.class,
            SystemCommand.Prune.class,
        })
final class SystemCommand extends CommandGroup {
    /** Names docker gives networks that always exist; never pruned. */
    private static final Set<String> PREDEFINED_NETWORKS = Set.of("bridge", "host", "none");

    /** The image IDs some container (running or not) was created from. */
    static Set<String> imagesInUse(List<ContainerInfo> containers) {
        Set<String> used = new HashSet<>();
        containers.forEach(c -> used.add(c.imageId()));
        return used;
    }

    /**
     * {@code system df}: docker's four rows (images, containers, local volumes, build cache) in its columns, or one JSON
     * object per row with {@code --format json}. What the engine does not measure is shown as 0B: the containers'
     * writable layers and the build cache; image sizes are the stored (compressed) sizes.
     */
    @Command(name = "df", description = "Show the engine's disk use.")
    static final class Df extends EngineCommand {
        @Mixin
        HelpOption help;

        /** docker's column titles of the fields, for {@code --format "table ..."}. */
        private static final Map<String, String> HEADERS = Map.of("Type", "TYPE", "TotalCount", "TOTAL",
                "Active", "ACTIVE", "Size", "SIZE", "Reclaimable", "RECLAIMABLE");

        @Option(names = "--format", paramLabel = "FORMAT", description = "table (default), json (one object per line), "
                + "'table TEMPLATE' or a Go TEMPLATE per row (fields: .Type .TotalCount .Active .Size .Reclaimable).")
        String format = "table";

        private Listing listing;

        @Override
        void validate() {
            listing = listing(format);
        }

        @Override
        int run(ContainerEngine engine) {
            List<ContainerInfo> containers = engine.containers(true, Map.of());
            Set<String> usedImages = imagesInUse(containers);
            List<Image> images = engine.images();
            long imageSize = images.stream().mapToLong(Image::size).sum();
            long unusedImageSize = images.stream().filter(i -> !usedImages.contains(i.id())).mapToLong(Image::size).sum();
            List<VolumeInfo> volumes = engine.volumes();
            Set<String> usedVolumes = volumesInUse(containers);
            long volumeSize = 0;
            long unusedVolumeSize = 0;
            for (VolumeInfo volume : volumes) {
                long size = directorySize(volume.mountpoint());
                volumeSize += size;
                unusedVolumeSize += usedVolumes.contains(volume.name()) ? 0 : size;
            }
            List<String[]> rows = List.of(
                    row("Images", images.size(), images.stream().filter(i -> usedImages.contains(i.id())).count(), imageSize, unusedImageSize),
                    row("Containers", containers.size(), containers.stream().filter(c -> c.state().running()).count(), 0, 0),
                    row("Local Volumes", volumes.size(), volumes.stream().filter(v -> usedVolumes.contains(v.name())).count(),
                            volumeSize, unusedVolumeSize),
                    row("Build Cache", 0, 0, 0, 0));
            if (listing.custom()) {
                List<Map<String, Object>> documents = new ArrayList<>();
                for (String[] row : rows) {
                    // in the order Go's json writes docker's fields: by name
                    Map<String, Object> fields = new LinkedHashMap<>();
                    fields.put("Active", row[2]);
                    fields.put("Reclaimable", row[4]);
                    fields.put("Size", row[3]);
                    fields.put("TotalCount", row[1]);
                    fields.put("Type", row[0]);
                    documents.add(fields);
                }
                listing.print(out(), HEADERS, documents);
                return 0;
            }
            Table table = new Table("TYPE", "TOTAL", "ACTIVE", "SIZE", "RECLAIMABLE");
            rows.forEach(table::row);
            table.print(out());
            return 0;
        }

        /** Docker's cells: the reclaimable size with its share of the whole, except when there is nothing to reclaim. */
        private static String[] row(String type, long total, long active, long size, long reclaimable) {
            String share = reclaimable == 0 ? "" : " (" + (size == 0 ? 0 : reclaimable * 100 / size) + "%)";
            return new String[] {type, Long.toString(total), Long.toString(active), Sizes.human(size), Sizes.human(reclaimable) + share};
        }

        /** The bytes under {@code directory}, where it can be read from here (a remote daemon's cannot: 0). */
        private static long directorySize(String directory) {
            if (directory.isEmpty() || !Files.isDirectory(Path.of(directory))) {
                return 0;
            }
            try (Stream<Path> files = Files.walk(Path.of(directory))) {
                return files.filter(Files::isRegularFile).mapToLong(file -> {
                    try {
                        return Files.size(file);
                    } catch (IOException vanished) {
                        return 0;
                    }
                }).sum();
            } catch (IOException | UncheckedIOException unreadable) {
                return 0;
            }
        }
    }

    /** The named volumes some container (running or not) mounts. */
    static Set<String> volumesInUse(List<ContainerInfo> containers) {
        Set<String> used = new HashSet<>();
        for (ContainerInfo container : containers) {
            if (container.spec() == null) {
                continue;
            }
            container.spec().mounts().stream()
                    .filter(m -> m.type() == dev.stevedore.engine.Mount.Type.VOLUME)
                    .forEach(m -> used.add(m.source()));
        }
        return used;
    }

    /**
     * {@code system prune}: stopped containers, networks no container uses, unused images (with {@code -a}; the
     * embedded store keeps no dangling ones) and with {@code --volumes} volumes no container uses; asks first, as docker
     * does, unless {@code -f}. Reports what it removed in docker's sections and the space freed.
     */
    @Command(name = "prune", description = "Remove stopped containers, unused networks, and (with -a) unused images.")
    static final class Prune extends EngineCommand {
        @Mixin
        HelpOption help;

        @Option(names = {"-a", "--all"}, description = "Remove all images no container uses, not only dangling ones.")
        boolean all;

        @Option(names = "--volumes", description = "Remove volumes no container uses too.")
        boolean volumes;

        @Option(names = {"-f", "--force"}, description = "Do not ask for confirmation.")
        boolean force;

        @Override
        int run(ContainerEngine engine) {
            if (!force && !confirmed()) {
                return 0;
            }
            List<String> deletedContainers = new ArrayList<>();
            for (ContainerInfo container : engine.containers(true, Map.of())) {
                if (!container.state().running()) {
                    engine.removeContainer(container.id(), false);
                    deletedContainers.add(container.id());
                }
            }
            List<ContainerInfo> remaining = engine.containers(true, Map.of());
            List<String> deletedNetworks = new ArrayList<>();
            for (NetworkInfo network : engine.networks()) {
                boolean used = remaining.stream().anyMatch(c -> c.networks().containsKey(network.name()));
                if (!used && network.containers().isEmpty() && !PREDEFINED_NETWORKS.contains(network.name())) {
                    try {
                        engine.removeNetwork(network.id());
                        deletedNetworks.add(network.name());
                    } catch (ContainerEngineException e) {
                        err().println("stevedore: keeping network " + network.name() + ": " + e.getMessage());
                    }
                }
            }
            List<String> deletedVolumes = new ArrayList<>();
            long reclaimed = 0;
            if (volumes) {
                Set<String> used = volumesInUse(remaining);
                for (VolumeInfo volume : engine.volumes()) {
                    if (!used.contains(volume.name())) {
                        engine.removeVolume(volume.name(), false);
                        deletedVolumes.add(volume.name());
                    }
                }
            }
            List<String> deletedImages = new ArrayList<>();
            if (all) {
                Set<String> used = imagesInUse(remaining);
                for (Image image : engine.images()) {
                    if (used.contains(image.id())) {
                        continue;
                    }
                    for (ImageReference reference : image.references()) {
                        engine.removeImage(reference);
                        deletedImages.add("untagged: " + reference.familiar());
                    }
                    deletedImages.add("deleted: " + image.id());
                    reclaimed += image.size();
                }
            }
            long cache = 0;
            try {
                cache = engine.pruneBuildCache();
            } catch (UnsupportedOperationException noCache) {
                // an engine without a build cache of its own has none to free
            }
            section("Deleted Containers:", deletedContainers);
            section("Deleted Networks:", deletedNetworks);
            section("Deleted Volumes:", deletedVolumes);
            section("Deleted Images:", deletedImages);
            if (cache > 0) {
                out().println("Deleted build cache objects: " + Sizes.human(cache));
                out().println();
            }
            out().println("Total reclaimed space: " + Sizes.human(reclaimed + cache));
            return 0;
        }

        private void section(String heading, List<String> lines) {
            if (!lines.isEmpty()) {
                out().println(heading);
                lines.forEach(out()::println);
                out().println();
            }
        }

        /** Docker's warning and question; anything but y or yes (or the end of input) declines. */
        private boolean confirmed() {
            List<String> removes = new ArrayList<>(List.of("all stopped containers", "all networks not used by at least one container"));
            if (volumes) {
                removes.add("all volumes not used by at least one container");
            }
            removes.add(all ? "all images without at least one container associated to them" : "all dangling images");
            removes.add("unused build cache");
            out().println("WARNING! This will remove:");
            removes.forEach(line -> out().println("  - " + line));
            out().println();
            out().print("Are you sure you want to continue? [y/N] ");
            out().flush();
            try {
                String answer = new BufferedReader(new InputStreamReader(root().stdin(), StandardCharsets.UTF_8)).readLine();
                return answer != null && (answer.trim().equalsIgnoreCase("y") || answer.trim().equalsIgnoreCase("yes"));
            } catch (IOException e) {
                return false;
            }
        }
    }
}
