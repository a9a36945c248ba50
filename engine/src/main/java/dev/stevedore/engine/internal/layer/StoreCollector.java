package dev.stevedore.engine.internal.layer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stevedore.engine.internal.json.JsonTrees;
import dev.stevedore.engine.internal.store.ContentStore;
import dev.stevedore.engine.internal.store.CrossProcessLock;
import dev.stevedore.engine.internal.store.Digest;
import dev.stevedore.engine.internal.store.ImageIndex;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Frees what no indexed image needs any more: blobs no manifest reaches and snapshots no image config's
 * layer stack names. Called after an image is removed from the {@link ImageIndex}.
 *
 * <p>What is kept is found by walking from every manifest in the index: an index blob leads to its
 * manifests (those stored), a manifest to its config and layers, a config's {@code rootfs.diff_ids} to the
 * ChainIDs of its snapshots.
 *
 * <p>A pull stores blobs and snapshots before it records its image in the index; between the two they
 * look unused. So a pull holds a {@link #protect() lease} from before its first blob until after
 * {@link ImageIndex#put}, and {@link #collect()} waits until no lease is held, in any JVM. Running
 * containers are not tracked here: the caller must not remove images (and so snapshots) that containers
 * still use.
 */
public final class StoreCollector {
    private static final long MAX_DOCUMENT = 4L << 20;

    private final ImageIndex index;
    private final ContentStore content;
    private final SnapshotStore snapshots;
    private final Path lockFile;

    /**
     * What one collection freed.
     *
     * @param bytesFreed the blob bytes deleted from the content store
     * @param sizeFreed  what the removed layers counted for in the images' sizes, as dockerd reports a prune's space
     *                   reclaimed: each layer's unpacked size ({@link LayerSizes}); manifests and configs nothing;
     *                   0 unless {@link #collect(boolean)} was asked to measure
     */
    public record Result(int blobsRemoved, long bytesFreed, int snapshotsRemoved, long sizeFreed) {
    }

    /**
     * @param stateDirectory where the lease lock lives ({@code STATE/gc.lock})
     */
    public StoreCollector(Path stateDirectory, ImageIndex index, ContentStore content, SnapshotStore snapshots) {
        this.index = index;
        this.content = content;
        this.snapshots = snapshots;
        this.lockFile = stateDirectory.resolve("gc.lock");
    }

    /**
     * A lease that keeps {@link #collect()} away while a pull stores content it has not indexed yet. Many
     * pulls may hold one at once; close it when the image is indexed (or the pull failed).
     */
    public CrossProcessLock protect() throws IOException {
        return CrossProcessLock.acquireShared(lockFile);
    }

    /** Deletes every blob and snapshot that no image in the index reaches; waits for running pulls first. */
    public Result collect() throws IOException {
        return collect(false);
    }

    /**
     * {@link #collect()}, and with {@code measure} the {@link Result#sizeFreed} a prune reports: that may read a removed
     * layer never counted, so only a caller that reports the figure asks for it (an untag or a cache prune does not).
     */
    public Result collect(boolean measure) throws IOException {
        try (CrossProcessLock ignored = CrossProcessLock.acquire(lockFile)) {
            Set<Digest> keepBlobs = new HashSet<>();
            Set<Digest> keepChains = new HashSet<>();
            Deque<Digest> pending = new ArrayDeque<>(index.all().values());
            while (!pending.isEmpty()) {
                Digest digest = pending.pop();
                if (!keepBlobs.add(digest) || !content.hasBlob(digest)) {
                    continue;
                }
                JsonNode document = parse(digest);
                if (document == null) {
                    continue;
                }
                for (JsonNode child : document.path("manifests")) {
                    digestOf(child).ifPresent(pending::push);
                }
                for (JsonNode layer : document.path("layers")) {
                    digestOf(layer).ifPresent(keepBlobs::add);
                }
                JsonNode config = document.path("config");
                if (config.isObject() && digestOf(config).isPresent()) {
                    Digest configDigest = digestOf(config).get();
                    keepBlobs.add(configDigest);
                    JsonNode image = content.hasBlob(configDigest) ? parse(configDigest) : null;
                    if (image != null) {
                        List<Digest> diffIds = new ArrayList<>();
                        for (JsonNode diffId : image.path("rootfs").path("diff_ids")) {
                            diffIds.add(Digest.parse(diffId.asText()));
                        }
                        keepChains.addAll(SnapshotStore.chainIds(diffIds));
                    }
                }
            }
            int blobsBefore = content.blobs().size();
            long sizeFreed = 0;
            for (Digest blob : measure ? content.blobs() : List.<Digest>of()) {
                if (!keepBlobs.contains(blob)) {
                    sizeFreed += layerSize(blob);
                }
            }
            long freed = content.deleteUnreferenced(keepBlobs);
            int blobsRemoved = blobsBefore - content.blobs().size();
            int snapshotsRemoved = snapshots.removeUnused(keepChains);
            snapshots.sizes().removeUnused(keepBlobs);
            return new Result(blobsRemoved, freed, snapshotsRemoved, sizeFreed);
        }
    }

    /** A blob's part of the images' sizes: a layer's unpacked size (counted now if it never was), 0 for a document. */
    private long layerSize(Digest blob) {
        java.util.OptionalLong recorded = snapshots.sizes().recorded(blob);
        if (recorded.isPresent()) {
            return recorded.getAsLong();
        }
        try {
            return snapshots.sizes().size(blob, () -> java.nio.file.Files.newInputStream(content.blobPath(blob)));
        } catch (IOException | RuntimeException notALayer) {
            return 0; // a manifest or config (no tar), or gone meanwhile
        }
    }

    private JsonNode parse(Digest digest) {
        try {
            if (java.nio.file.Files.size(content.blobPath(digest)) > MAX_DOCUMENT) {
                return null; // no manifest or config is this big
            }
            byte[] bytes = content.readBlob(digest);
            if (bytes.length == 0 || bytes[0] != '{') {
                return null; // a layer or some other non-JSON blob
            }
            return JsonTrees.read(bytes);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static Optional<Digest> digestOf(JsonNode descriptor) {
        try {
            return Optional.of(Digest.parse(descriptor.path("digest").asText()));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
