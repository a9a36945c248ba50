package dev.stevedore.cli;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerState;
import dev.stevedore.engine.DiskUsage;
import dev.stevedore.engine.Image;
import dev.stevedore.engine.ImageReference;
import dev.stevedore.engine.NetworkInfo;
import dev.stevedore.engine.VolumeInfo;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
    /**
     * {@code system df}: docker's four rows (images, containers, local volumes, build cache) in its columns, or one JSON
     * object per row with {@code --format json}, from the engine's {@link DiskUsage} (dockerd's {@code /system/df} on
     * the Docker backend), by the docker CLI's rules.
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

        @Option(names = {"-v", "--verbose"}, description = "Show each image, container, volume and build cache entry.")
        boolean verbose;

        private Listing listing;

        @Override
        void validate() {
            listing = listing(format);
            if (verbose && listing.custom()) {
                throw usageError("--format with --verbose is not supported here: use --verbose alone for docker's tables,"
                        + " or --format without it for the summary rows");
            }
        }

        @Override
        int run(ContainerEngine engine) {
            DiskUsage usage = engine.diskUsage();
            if (verbose) {
                DiskUsageTables.print(out(), usage, root().clock().instant());
                return 0;
            }
            List<String[]> rows = rows(usage);
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

        /** docker's four rows, by the docker CLI's rules over dockerd's {@code /system/df} answer. */
        static List<String[]> rows(DiskUsage usage) {
            long usedByImages = usage.images().stream().filter(i -> i.containers() > 0 && i.size() >= 0 && i.sharedSize() >= 0)
                    .mapToLong(i -> i.size() - i.sharedSize()).sum();
            long layers = usage.layersSize();
            long written = usage.containers().stream().mapToLong(DiskUsage.ContainerUsage::sizeRw).sum();
            long writtenByStopped = usage.containers().stream().filter(c -> !active(c.container().state()))
                    .mapToLong(DiskUsage.ContainerUsage::sizeRw).sum();
            long volumes = usage.volumes().stream().filter(v -> v.size() >= 0).mapToLong(DiskUsage.VolumeUsage::size).sum();
            long unusedVolumes = usage.volumes().stream().filter(v -> v.size() >= 0 && v.refCount() == 0)
                    .mapToLong(DiskUsage.VolumeUsage::size).sum();
            long cache = usage.buildCache().stream().filter(b -> !b.shared()).mapToLong(DiskUsage.BuildCacheUsage::size).sum();
            long cacheInUse = usage.buildCache().stream().filter(b -> b.inUse() && !b.shared())
                    .mapToLong(DiskUsage.BuildCacheUsage::size).sum();
            return List.of(
                    row("Images", usage.images().size(), usage.images().stream().filter(i -> i.containers() > 0).count(),
                            layers, share(layers - usedByImages, layers)),
                    row("Containers", usage.containers().size(),
                            usage.containers().stream().filter(c -> active(c.container().state())).count(), written,
                            share(writtenByStopped, written)),
                    row("Local Volumes", usage.volumes().size(), usage.volumes().stream().filter(v -> v.refCount() > 0).count(),
                            volumes, share(unusedVolumes, volumes)),
                    row("Build Cache", usage.buildCache().size(), usage.buildCache().stream().filter(DiskUsage.BuildCacheUsage::inUse).count(),
                            cache, size(cache - cacheInUse)));
        }

        /** As the docker CLI counts a container active: running, paused or restarting. */
        private static boolean active(ContainerState state) {
            return state.running() || state.paused() || state.status() == ContainerState.Status.RESTARTING;
        }

        /** Docker's reclaimable cell: the size with its share of the whole, when there is a whole. */
        private static String share(long reclaimable, long total) {
            return total > 0 ? size(reclaimable) + " (" + reclaimable * 100 / total + "%)" : size(reclaimable);
        }

        private static String[] row(String type, long total, long active, long size, String reclaimable) {
            return new String[] {type, Long.toString(total), Long.toString(active), size(size), reclaimable};
        }

        /** As go-units' {@code HumanSize}, which docker's df rows use: four significant digits ({@code docker images}: three). */
        private static String size(long bytes) {
            return Sizes.human(bytes, 4);
        }
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
            Prunes.Pruned containers = Prunes.containers(engine);
            Prunes.Pruned networks = Prunes.networks(engine, err());
            // as dockerd 20.10 prunes them (API 1.41): every volume no container uses, named ones too
            Prunes.Pruned volumes = this.volumes ? Prunes.volumes(engine, true) : new Prunes.Pruned(List.of(), 0);
            Prunes.Pruned images = Prunes.images(engine, all, List.of()); // dangling ones without -a, as docker
            long cache = 0;
            try {
                cache = engine.pruneBuildCache();
            } catch (UnsupportedOperationException noCache) {
                // an engine without a build cache of its own has none to free
            }
            Prunes.section(out(), "Deleted Containers:", containers.deleted());
            Prunes.section(out(), "Deleted Networks:", networks.deleted());
            Prunes.section(out(), "Deleted Volumes:", volumes.deleted());
            Prunes.section(out(), "Deleted Images:", images.deleted());
            if (cache > 0) {
                out().println("Deleted build cache objects: " + Sizes.human(cache));
                out().println();
            }
            out().println("Total reclaimed space: " + Sizes.human(images.reclaimed() + cache));
            return 0;
        }

        /** Docker's warning and question; anything but y or yes (or the end of input) declines. */
        private boolean confirmed() {
            List<String> removes = new ArrayList<>(List.of("all stopped containers", "all networks not used by at least one container"));
            if (volumes) {
                removes.add("all volumes not used by at least one container");
            }
            removes.add(all ? "all images without at least one container associated to them" : "all dangling images");
            removes.add("unused build cache");
            return Prunes.confirmed(out(), root().stdin(), removes);
        }
    }
}
