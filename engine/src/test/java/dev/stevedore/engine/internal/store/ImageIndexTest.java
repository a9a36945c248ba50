package dev.stevedore.engine.internal.store;

import dev.stevedore.engine.ImageReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ImageIndexTest {
    private static final Digest ONE = Digest.of("manifest one".getBytes(StandardCharsets.UTF_8));
    private static final Digest TWO = Digest.of("manifest two".getBytes(StandardCharsets.UTF_8));

    @TempDir
    Path state;

    @Test
    void mapsReferencesToManifestDigests() throws IOException {
        ImageIndex index = new ImageIndex(state);
        ImageReference postgres = ImageReference.parse("postgres:16");

        index.put(postgres, ONE);

        assertThat(index.get(ImageReference.parse("docker.io/library/postgres:16"))).contains(ONE);
        assertThat(index.get(ImageReference.parse("postgres:15"))).isEmpty();
        index.put(postgres, TWO);
        assertThat(index.get(postgres)).contains(TWO);
    }

    @Test
    void survivesANewInstanceAsAnotherJvmWouldSeeIt() throws IOException {
        new ImageIndex(state).put(ImageReference.parse("localhost:5000/team/app:1.4"), ONE);
        new ImageIndex(state).put(ImageReference.parse("redis@sha256:" + TWO.hex()), TWO);

        assertThat(new ImageIndex(state).all()).containsExactly(
                java.util.Map.entry(ImageReference.parse("localhost:5000/team/app:1.4"), ONE),
                java.util.Map.entry(ImageReference.parse("redis@sha256:" + TWO.hex()), TWO));
    }

    @Test
    void removesReferences() throws IOException {
        ImageIndex index = new ImageIndex(state);
        index.put(ImageReference.parse("alpine"), ONE);

        assertThat(index.remove(ImageReference.parse("alpine:latest"))).isTrue();
        assertThat(index.remove(ImageReference.parse("alpine:latest"))).isFalse();
        assertThat(index.all()).isEmpty();
    }

    @Test
    void anImageWhoseLastTagMovesOnIsKeptDangling() throws IOException {
        ImageIndex index = new ImageIndex(state);
        ImageReference app = ImageReference.parse("app:1");
        index.put(app, ONE);
        index.put(ImageReference.parse("app:2"), ONE);

        index.put(app, TWO); // app:2 still names ONE: nothing dangles
        assertThat(index.all()).doesNotContainKey(ImageIndex.untagged(ONE));

        index.put(ImageReference.parse("app:2"), TWO); // ONE's last tag went
        assertThat(index.all()).containsEntry(ImageIndex.untagged(ONE), ONE).hasSize(3);
    }

    @Test
    void aTagNamesADanglingImageAndRemovalTakesItAll() throws IOException {
        ImageIndex index = new ImageIndex(state);
        index.putUntagged(ONE);
        assertThat(ImageIndex.isUntagged(ImageIndex.untagged(ONE))).isTrue();
        assertThat(index.all()).containsOnlyKeys(ImageIndex.untagged(ONE));

        index.put(ImageReference.parse("app:1"), ONE);
        index.putUntagged(ONE); // named already: stays named only
        assertThat(index.all()).containsOnlyKeys(ImageReference.parse("app:1"));

        ImageReference step = new ImageReference(ImageIndex.INTERNAL_REGISTRY, "build-cache", "k", null);
        index.put(step, ONE);
        assertThat(index.removeImage(ONE, true)).containsExactly(ImageReference.parse("app:1"));
        assertThat(index.all()).containsOnlyKeys(step, ImageIndex.untagged(ONE));
        assertThat(index.removeImage(ONE, false)).isEmpty();
        assertThat(index.all()).containsOnlyKeys(step); // the build cache's entry is the cache's to prune
    }

    @Test
    void concurrentWritersLoseNoEntry() throws Exception {
        ImageIndex index = new ImageIndex(state);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<Void>> tasks = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                tasks.add(() -> {
                    ImageIndex own = new ImageIndex(state); // as separate JVMs would: no shared object
                    for (int i = 0; i < 25; i++) {
                        own.put(ImageReference.parse("app" + thread + ":" + i), i % 2 == 0 ? ONE : TWO);
                    }
                    return null;
                });
            }
            for (Future<Void> f : pool.invokeAll(tasks, 60, TimeUnit.SECONDS)) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(index.all()).hasSize(100);
        try (Stream<Path> files = Files.list(state.resolve("images"))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("index.json", "index.lock");
        }
    }

    @Test
    void aDamagedIndexSaysWhatToDo() throws IOException {
        ImageIndex index = new ImageIndex(state);
        Files.writeString(state.resolve("images/index.json"), "{\"images\": {\"alpine\": \"sha256:nothex\"}}");

        assertThatThrownBy(index::all).isInstanceOf(IOException.class).hasMessageContaining("damaged")
                .hasMessageContaining("pull the images again");
    }
}
