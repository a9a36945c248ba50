package dev.stevedore.engine.internal.layer;

import dev.stevedore.engine.ImageReference;
import dev.stevedore.engine.internal.image.Descriptor;
import dev.stevedore.engine.internal.image.MediaTypes;
import dev.stevedore.engine.internal.store.ContentStore;
import dev.stevedore.engine.internal.store.CrossProcessLock;
import dev.stevedore.engine.internal.store.Digest;
import dev.stevedore.engine.internal.store.ImageIndex;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static dev.stevedore.engine.internal.layer.LayerBuilder.layer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class StoreCollectorTest {
    @TempDir
    Path state;

    private ContentStore content;
    private SnapshotStore snapshots;
    private ImageIndex index;
    private StoreCollector collector;

    /** An image as a pull leaves it: layers, config, manifest stored; snapshots prepared; indexed. */
    record Pulled(Digest manifest, Digest config, TestImages.Stack stack) {
    }

    @BeforeEach
    void stores() {
        content = new ContentStore(state.resolve("content"));
        snapshots = new SnapshotStore(state);
        index = new ImageIndex(state);
        collector = new StoreCollector(state, index, content, snapshots);
    }

    private Pulled pull(String reference, LayerBuilder... layers) throws IOException {
        TestImages.Stack stack = TestImages.store(content, layers);
        String diffIds = stack.diffIds().stream().map(d -> "\"" + d + "\"").collect(Collectors.joining(","));
        Digest config = store("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":["
                + diffIds + "]}}");
        String layerDescriptors = stack.layers().stream()
                .map(l -> "{\"mediaType\":\"" + l.mediaType() + "\",\"digest\":\"" + l.digest() + "\",\"size\":" + l.size() + "}")
                .collect(Collectors.joining(","));
        Digest manifest = store("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"config\":{\"mediaType\":\""
                + MediaTypes.OCI_CONFIG + "\",\"digest\":\"" + config + "\",\"size\":1},\"layers\":[" + layerDescriptors + "]}");
        snapshots.prepare(content, stack.layers(), stack.diffIds(), LayerListener.NONE);
        index.put(ImageReference.parse(reference), manifest);
        return new Pulled(manifest, config, stack);
    }

    private Digest store(String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        Digest digest = Digest.of(bytes);
        content.ingest(digest, bytes.length, out -> out.write(bytes));
        return digest;
    }

    @Test
    void keepsEverythingAnIndexedImageReaches() throws IOException {
        Pulled app = pull("app:1", layer().file("a", "a"), layer().file("b", "b"));

        StoreCollector.Result result = collector.collect();

        assertThat(result).isEqualTo(new StoreCollector.Result(0, 0, 0, 0));
        assertThat(content.blobs()).hasSize(4);
        assertThat(snapshots.isPrepared(app.stack().diffIds())).isTrue();
    }

    @Test
    void freesWhatOnlyARemovedImageUsedAndKeepsWhatImagesShare() throws IOException {
        LayerBuilder base = layer().file("base", "shared base");
        Pulled kept = pull("kept:1", base, layer().file("k", "k"));
        Pulled removed = pull("removed:1", layer().file("base", "shared base"), layer().file("r", "r"));
        index.remove(ImageReference.parse("removed:1"));

        StoreCollector.Result result = collector.collect();

        assertThat(result.blobsRemoved()).isEqualTo(3); // manifest, config, the unshared layer
        assertThat(result.snapshotsRemoved()).isEqualTo(1);
        assertThat(result.bytesFreed()).isPositive();
        assertThat(content.hasBlob(removed.manifest())).isFalse();
        assertThat(content.hasBlob(removed.stack().layers().get(0).digest())).isTrue(); // the shared base
        assertThat(snapshots.isPrepared(kept.stack().diffIds())).isTrue();
        assertThat(snapshots.isPrepared(removed.stack().diffIds())).isFalse();
        assertThat(snapshots.isPrepared(removed.stack().diffIds().subList(0, 1))).isTrue();
    }

    @Test
    void followsImageIndexesToTheirStoredManifests() throws IOException {
        Pulled platform = pull("multi:1", layer().file("m", "m"));
        Digest list = store("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_INDEX + "\",\"manifests\":["
                + "{\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"digest\":\"" + platform.manifest() + "\",\"size\":1},"
                + "{\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"digest\":\"sha256:" + "0".repeat(64) + "\",\"size\":1}]}");
        index.remove(ImageReference.parse("multi:1"));
        index.put(ImageReference.parse("multi:1"), list);

        StoreCollector.Result result = collector.collect();

        assertThat(result.blobsRemoved()).isZero();
        assertThat(snapshots.isPrepared(platform.stack().diffIds())).isTrue();
    }

    @Test
    void waitsForPullsThatHoldALease() throws Exception {
        TestImages.Stack inFlight;
        CompletableFuture<StoreCollector.Result> collection;
        try (CrossProcessLock lease = collector.protect()) {
            inFlight = TestImages.store(content, layer().file("new", "n"));
            java.util.concurrent.CountDownLatch called = new java.util.concurrent.CountDownLatch(1);
            collection = CompletableFuture.supplyAsync(() -> {
                try {
                    called.countDown();
                    return collector.collect();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            // collect() runs while the lease is held and the blob is not indexed yet: it must wait.
            assertThat(called.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(collection).isNotDone();
            Descriptor layer = inFlight.layers().get(0);
            assertThat(content.hasBlob(layer.digest())).isTrue();
            pullFinishes(inFlight);
        }
        await().atMost(10, TimeUnit.SECONDS).until(collection::isDone);

        assertThat(collection.get().blobsRemoved()).isZero();
        assertThat(content.hasBlob(inFlight.layers().get(0).digest())).isTrue();
    }

    private void pullFinishes(TestImages.Stack stack) throws IOException {
        String diffIds = "\"" + stack.diffIds().get(0) + "\"";
        Digest config = store("{\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[" + diffIds + "]}}");
        Descriptor l = stack.layers().get(0);
        Digest manifest = store("{\"schemaVersion\":2,\"config\":{\"digest\":\"" + config + "\"},\"layers\":[{\"digest\":\""
                + l.digest() + "\"}]}");
        snapshots.prepare(content, stack.layers(), stack.diffIds(), LayerListener.NONE);
        index.put(ImageReference.parse("late:1"), manifest);
        assertThat(List.of(manifest, config)).allMatch(content::hasBlob);
    }
}
