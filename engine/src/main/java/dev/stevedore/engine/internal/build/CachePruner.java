package dev.stevedore.engine.internal.build;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stevedore.engine.BuildCachePrune;
import dev.stevedore.engine.BuildCachePruned;
import dev.stevedore.engine.DiskUsage;
import dev.stevedore.engine.ImageReference;
import dev.stevedore.engine.internal.store.Digest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The embedded build cache's bookkeeping: its prune (see {@code ContainerEngine#pruneBuildCache}), its entries as
 * {@code system df} lists them, and the record of when each step was last used that the prune's age and size rules
 * read: a file per cache key under {@code build-cache-used/}, whose modification time a build sets when it makes or
 * reuses the step and whose text counts the times. A step recorded before that file existed counts
 * as used when its manifest was stored. The caller holds the build lock exclusively: no build runs meanwhile.
 */
final class CachePruner {
    private final ImageBuilder builder;

    CachePruner(ImageBuilder builder) {
        this.builder = builder;
    }

    /**
     * Records that a build made or reused the step with cache key {@code key} now: the file's time, and its text the
     * number of times (the caller holds the step's lock, so two builds do not count at once).
     */
    static void touch(Path stateDirectory, String key) throws IOException {
        Path file = usageDirectory(stateDirectory).resolve(key);
        Files.createDirectories(file.getParent());
        Path next = file.resolveSibling(key + ".tmp");
        Files.writeString(next, Integer.toString(usageCount(file) + 1));
        Files.move(next, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** The times a step was made or reused; 1 for a step recorded before counts were kept (an empty file), 0 for none. */
    private static int usageCount(Path file) throws IOException {
        try {
            String text = Files.readString(file).trim();
            return text.isEmpty() ? 1 : Integer.parseInt(text);
        } catch (NoSuchFileException e) {
            return 0;
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    private static Path usageDirectory(Path stateDirectory) {
        return stateDirectory.resolve("build-cache-used");
    }

    /** One cached step: its reference, its manifest, when it was last used, and the blobs it holds. */
    private record Entry(ImageReference reference, Digest manifest, Instant lastUsed, Set<Digest> blobs, Set<Digest> layers) {
        String key() {
            return reference.tag();
        }
    }

    BuildCachePruned prune(BuildCachePrune options) throws IOException {
        Set<Digest> tagged = new HashSet<>();
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<ImageReference, Digest> indexed : builder.index.all().entrySet()) {
            if (!ImageBuilder.isCacheReference(indexed.getKey())) {
                blobs(indexed.getValue(), tagged, new HashSet<>());
            }
        }
        for (Map.Entry<ImageReference, Digest> indexed : builder.index.all().entrySet()) {
            if (ImageBuilder.isCacheReference(indexed.getKey())) {
                Set<Digest> blobs = new HashSet<>();
                Set<Digest> layers = new HashSet<>();
                blobs(indexed.getValue(), blobs, layers);
                entries.add(new Entry(indexed.getKey(), indexed.getValue(), lastUsed(indexed.getKey().tag(), indexed.getValue()),
                        blobs, layers));
            }
        }
        Instant usedBefore = options.unusedFor() == null ? null : Instant.now().minus(options.unusedFor());
        List<Entry> candidates = entries.stream()
                .filter(e -> options.all() || !tagged.containsAll(e.layers()))
                .filter(e -> usedBefore == null || e.lastUsed().isBefore(usedBefore))
                .sorted(Comparator.comparing(Entry::lastUsed))
                .toList();
        List<Entry> removed = options.keepStorage() > 0 ? leastRecentlyUsedBeyond(options.keepStorage(), entries, candidates, tagged)
                : candidates;
        List<String> deleted = new ArrayList<>();
        for (Entry entry : removed) {
            builder.index.remove(entry.reference());
            deleted.add(entry.key());
        }
        forgetUsageOfRemovedSteps();
        return new BuildCachePruned(deleted, builder.collector.collect().bytesFreed());
    }

    /**
     * Drops the steps of the image {@code manifest} that nothing else stands on, as dockerd's image prune deletes a
     * built image's intermediate images with it (the classic builder's cache is those images): the cache entries whose
     * history and layers begin the image's (its last step is the image itself), except those that begin another image
     * or another step too, as dockerd keeps a parent while it has another child. Returns their keys; the caller
     * collects what they held.
     */
    List<String> dropStepsOf(Digest manifest) throws IOException {
        Lineage image = Lineage.of(builder, manifest);
        if (image == null) {
            return List.of();
        }
        Map<ImageReference, Lineage> steps = new HashMap<>();
        List<Lineage> others = new ArrayList<>();
        for (Map.Entry<ImageReference, Digest> indexed : builder.index.all().entrySet()) {
            Lineage lineage = Lineage.of(builder, indexed.getValue());
            if (lineage == null || indexed.getValue().equals(manifest) && !ImageBuilder.isCacheReference(indexed.getKey())) {
                continue; // the image itself goes, under every name
            }
            if (ImageBuilder.isCacheReference(indexed.getKey()) && image.startsWith(lineage)) {
                steps.put(indexed.getKey(), lineage);
            } else {
                others.add(lineage);
            }
        }
        List<String> dropped = new ArrayList<>();
        for (Map.Entry<ImageReference, Lineage> step : steps.entrySet()) {
            if (others.stream().noneMatch(other -> other.startsWith(step.getValue()))) {
                builder.index.remove(step.getKey());
                Files.deleteIfExists(usageDirectory(builder.stateDirectory).resolve(step.getKey().tag()));
                dropped.add(step.getKey().tag());
            }
        }
        return dropped;
    }

    /** An image's history and layers, which the images built on it begin with. */
    private record Lineage(List<JsonNode> history, List<String> diffIds) {
        static Lineage of(ImageBuilder builder, Digest manifest) throws IOException {
            if (!builder.store.hasBlob(manifest)) {
                return null;
            }
            String config = ImageState.JSON.readTree(builder.store.readBlob(manifest)).path("config").path("digest").asText("");
            if (config.isEmpty() || !builder.store.hasBlob(Digest.parse(config))) {
                return null; // an index of several platforms: never a step's, nor built on one
            }
            JsonNode document = ImageState.JSON.readTree(builder.store.readBlob(Digest.parse(config)));
            List<JsonNode> history = new ArrayList<>();
            document.path("history").forEach(history::add);
            List<String> diffIds = new ArrayList<>();
            document.path("rootfs").path("diff_ids").forEach(d -> diffIds.add(d.asText()));
            return new Lineage(history, diffIds);
        }

        boolean startsWith(Lineage prefix) {
            return prefix.history.size() <= history.size() && prefix.diffIds.size() <= diffIds.size()
                    && history.subList(0, prefix.history.size()).equals(prefix.history)
                    && diffIds.subList(0, prefix.diffIds.size()).equals(prefix.diffIds);
        }
    }

    /**
     * The cache's entries as {@code GET /system/df} lists them: each step's bytes that no tagged image holds (a blob
     * several steps share is counted in each), shared when some of its layers belong to a tagged image too.
     */
    List<DiskUsage.BuildCacheUsage> usage() throws IOException {
        Set<Digest> tagged = new HashSet<>();
        for (Map.Entry<ImageReference, Digest> indexed : builder.index.all().entrySet()) {
            if (!ImageBuilder.isCacheReference(indexed.getKey())) {
                blobs(indexed.getValue(), tagged, new HashSet<>());
            }
        }
        List<DiskUsage.BuildCacheUsage> usage = new ArrayList<>();
        for (Map.Entry<ImageReference, Digest> indexed : builder.index.all().entrySet()) {
            if (!ImageBuilder.isCacheReference(indexed.getKey()) || !builder.store.hasBlob(indexed.getValue())) {
                continue;
            }
            String key = indexed.getKey().tag();
            Set<Digest> blobs = new HashSet<>();
            Set<Digest> layers = new HashSet<>();
            blobs(indexed.getValue(), blobs, layers);
            long size = 0;
            for (Digest blob : blobs) {
                size += tagged.contains(blob) ? 0 : blobSize(blob);
            }
            boolean shared = layers.stream().anyMatch(tagged::contains);
            Path manifest = builder.store.blobPath(indexed.getValue());
            Instant created = Files.getLastModifiedTime(manifest).toInstant();
            usage.add(new DiskUsage.BuildCacheUsage(key, "regular", madeBy(indexed.getValue()), false, shared, size, created,
                    lastUsed(key, indexed.getValue()), Math.max(1, usageCount(usageDirectory(builder.stateDirectory).resolve(key)))));
        }
        return usage;
    }

    /** The step's line of its image's history ({@code /bin/sh -c make}), or empty. */
    private String madeBy(Digest manifest) throws IOException {
        JsonNode document = ImageState.JSON.readTree(builder.store.readBlob(manifest));
        String config = document.path("config").path("digest").asText("");
        if (config.isEmpty() || !builder.store.hasBlob(Digest.parse(config))) {
            return "";
        }
        JsonNode history = ImageState.JSON.readTree(builder.store.readBlob(Digest.parse(config))).path("history");
        return history.size() == 0 ? "" : history.get(history.size() - 1).path("created_by").asText("");
    }

    /**
     * The candidates to remove, least recently used first, until what the cache holds beyond the tagged images'
     * blobs (each blob counted once, however many steps share it) is at most {@code keep} bytes.
     */
    private List<Entry> leastRecentlyUsedBeyond(long keep, List<Entry> entries, List<Entry> candidates, Set<Digest> tagged)
            throws IOException {
        Map<Digest, Integer> users = new HashMap<>();
        long size = 0;
        for (Entry entry : entries) {
            for (Digest blob : entry.blobs()) {
                if (!tagged.contains(blob) && users.merge(blob, 1, Integer::sum) == 1) {
                    size += blobSize(blob);
                }
            }
        }
        List<Entry> removed = new ArrayList<>();
        for (Entry candidate : candidates) {
            if (size <= keep) {
                break;
            }
            removed.add(candidate);
            for (Digest blob : candidate.blobs()) {
                if (!tagged.contains(blob) && users.merge(blob, -1, Integer::sum) == 0) {
                    size -= blobSize(blob);
                }
            }
        }
        return removed;
    }

    private long blobSize(Digest blob) throws IOException {
        Path path = builder.store.blobPath(blob);
        return Files.exists(path) ? Files.size(path) : 0;
    }

    private Instant lastUsed(String key, Digest manifest) throws IOException {
        for (Path file : List.of(usageDirectory(builder.stateDirectory).resolve(key), builder.store.blobPath(manifest))) {
            if (Files.exists(file)) {
                return Files.getLastModifiedTime(file).toInstant();
            }
        }
        return Instant.EPOCH;
    }

    private void forgetUsageOfRemovedSteps() throws IOException {
        Path directory = usageDirectory(builder.stateDirectory);
        if (!Files.isDirectory(directory)) {
            return;
        }
        Set<String> keys = new HashSet<>();
        builder.index.all().keySet().stream().filter(ImageBuilder::isCacheReference).forEach(r -> keys.add(r.tag()));
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.toList()) {
                if (!keys.contains(file.getFileName().toString())) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    /** Adds the blobs (manifests, configs, layers) of the manifest or index {@code digest} names; its layers to {@code layers}. */
    private void blobs(Digest digest, Set<Digest> into, Set<Digest> layers) throws IOException {
        if (!builder.store.hasBlob(digest)) {
            return;
        }
        into.add(digest);
        JsonNode document = ImageState.JSON.readTree(builder.store.readBlob(digest));
        for (JsonNode manifest : document.path("manifests")) {
            blobs(Digest.parse(manifest.path("digest").asText()), into, layers);
        }
        if (document.has("config")) {
            into.add(Digest.parse(document.path("config").path("digest").asText()));
        }
        for (JsonNode layer : document.path("layers")) {
            Digest d = Digest.parse(layer.path("digest").asText());
            into.add(d);
            layers.add(d);
        }
    }
}
