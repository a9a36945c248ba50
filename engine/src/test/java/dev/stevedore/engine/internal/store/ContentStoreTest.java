package dev.stevedore.engine.internal.store;

import dev.stevedore.engine.ContentVerificationException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ContentStoreTest {
    private static final byte[] BLOB = "a blob of some content".getBytes(StandardCharsets.UTF_8);
    private static final Digest DIGEST = Digest.of(BLOB);

    @TempDir
    Path root;

    private ContentStore store;

    @BeforeEach
    void store() {
        store = new ContentStore(root);
    }

    @Test
    void storesVerifiedContentUnderItsDigest() throws IOException {
        assertThat(store.ingest(DIGEST, BLOB.length, out -> out.write(BLOB))).isTrue();

        assertThat(store.hasBlob(DIGEST)).isTrue();
        assertThat(store.readBlob(DIGEST)).isEqualTo(BLOB);
        assertThat(store.blobPath(DIGEST)).isEqualTo(root.resolve("blobs/sha256").resolve(DIGEST.hex()));
        assertThat(store.ingest(DIGEST, BLOB.length, out -> out.write(BLOB))).isFalse();
        assertThat(ingestDirectory()).isEmpty();
    }

    @Test
    void contentWithAnotherDigestStoresNothing() {
        Digest other = Digest.of("something else".getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> store.ingest(other, BLOB.length, out -> out.write(BLOB)))
                .isInstanceOfSatisfying(ContentVerificationException.class, e -> {
                    assertThat(e.expectedDigest()).isEqualTo(other.toString());
                    assertThat(e.actualDigest()).isEqualTo(DIGEST.toString());
                });

        assertThat(store.hasBlob(other)).isFalse();
        assertThat(store.hasBlob(DIGEST)).isFalse();
        assertThat(ingestDirectory()).isEmpty();
    }

    @Test
    void contentShorterOrLongerThanDeclaredStoresNothing() {
        assertThatThrownBy(() -> store.ingest(DIGEST, BLOB.length + 1, out -> out.write(BLOB)))
                .isInstanceOf(ContentVerificationException.class).hasMessageContaining("should have");
        assertThatThrownBy(() -> store.ingest(DIGEST, BLOB.length - 1, out -> out.write(BLOB)))
                .isInstanceOf(ContentVerificationException.class).hasMessageContaining("larger than");

        assertThat(store.hasBlob(DIGEST)).isFalse();
        assertThat(ingestDirectory()).isEmpty();
    }

    @Test
    void aFailingSourceStoresNothing() {
        assertThatThrownBy(() -> store.ingest(DIGEST, BLOB.length, out -> {
            out.write(BLOB, 0, 5);
            throw new IOException("connection reset");
        })).isInstanceOf(IOException.class).hasMessage("connection reset");

        assertThat(store.hasBlob(DIGEST)).isFalse();
        assertThat(ingestDirectory()).isEmpty();
    }

    @Test
    void fourThreadsIngestingOneBlobWriteItOnce() throws Exception {
        byte[] big = new byte[8 << 20];
        new java.util.Random(7).nextBytes(big);
        Digest digest = Digest.of(big);
        CyclicBarrier start = new CyclicBarrier(4);
        AtomicInteger writes = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<Boolean>> tasks = Collections.nCopies(4, () -> {
                start.await(10, TimeUnit.SECONDS);
                return store.ingest(digest, big.length, out -> {
                    writes.incrementAndGet();
                    for (int off = 0; off < big.length; off += 65536) {
                        out.write(big, off, 65536);
                    }
                });
            });
            List<Boolean> written = new ArrayList<>();
            for (Future<Boolean> f : pool.invokeAll(tasks, 60, TimeUnit.SECONDS)) {
                written.add(f.get());
            }

            assertThat(written).containsExactlyInAnyOrder(true, false, false, false);
            assertThat(writes).hasValue(1);
            assertThat(store.readBlob(digest)).isEqualTo(big);
            assertThat(ingestDirectory()).isEmpty();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void storeDirectoryIsOnlyForItsOwner() throws IOException {
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(root)))
                .isEqualTo("rwx------");
    }

    @Test
    void deletesUnreferencedBlobsAndAbandonedIngestFiles() throws IOException {
        byte[] other = "other".getBytes(StandardCharsets.UTF_8);
        store.ingest(DIGEST, BLOB.length, out -> out.write(BLOB));
        store.ingest(Digest.of(other), other.length, out -> out.write(other));
        Path abandoned = root.resolve("ingest").resolve(Digest.of(new byte[] {1}).hex() + ".0d5c-left-by-a-dead-jvm");
        Files.write(abandoned, new byte[100]);

        long freed = store.deleteUnreferenced(Set.of(DIGEST));

        assertThat(store.blobs()).containsExactly(DIGEST);
        assertThat(abandoned).doesNotExist();
        assertThat(freed).isEqualTo(other.length + 100);
    }

    private List<Path> ingestDirectory() {
        try (Stream<Path> list = Files.list(root.resolve("ingest"))) {
            return list.toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
