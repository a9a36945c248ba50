package dev.stevedore.engine.internal.layer;

import dev.stevedore.engine.internal.store.Digest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.stevedore.engine.internal.layer.LayerBuilder.layer;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A layer's size as dockerd counts it (checked by hand against dockerd 20.10's {@code Size} for the test bed's
 * postgres image, 355323933 bytes, and in ServeHistoryIT against dockerd in the same run): regular files' bytes and
 * symlinks' target lengths; directories, hard links, devices and whiteouts nothing.
 */
class LayerSizesTest {
    private static final Digest BLOB = Digest.of("blob".getBytes(StandardCharsets.US_ASCII));

    @TempDir
    Path temp;

    private static LayerBuilder sample() {
        return layer()
                .dir("etc")
                .file("etc/hostname", "box\n")                  // 4
                .file("etc/motd", "welcome aboard\n")           // 15
                .symlink("etc/localtime", "/usr/share/zoneinfo/UTC") // 23
                .hardlink("etc/motd.link", "etc/motd")          // 0: the file is counted once
                .fifo("run-fifo")
                .whiteout("etc", "gone");
    }

    @Test
    void countsFilesAndSymlinkTargetsOnly() throws IOException {
        LayerSizes sizes = new LayerSizes(temp.resolve("sizes"));

        assertThat(sizes.size(BLOB, () -> new ByteArrayInputStream(sample().gzip()))).isEqualTo(4 + 15 + 23);
    }

    @Test
    void anUnpackCountsTheSameAsReadingTheBlob() throws IOException {
        LayerUnpacker.Unpacked unpacked = new LayerUnpacker().unpackLayer(BLOB,
                new ByteArrayInputStream(sample().tar()), temp.resolve("fs"), List.of(), bytes -> { });

        assertThat(unpacked.contentSize()).isEqualTo(4 + 15 + 23);
    }

    @Test
    void aFigureIsCountedOnceAndKeptUntilItsBlobGoes() throws IOException {
        LayerSizes sizes = new LayerSizes(temp.resolve("sizes"));
        AtomicInteger opened = new AtomicInteger();
        LayerSizes.BlobOpener blob = () -> {
            opened.incrementAndGet();
            return new ByteArrayInputStream(sample().zstd());
        };

        long first = sizes.size(BLOB, blob);
        long again = new LayerSizes(temp.resolve("sizes")).size(BLOB, blob);

        assertThat(again).isEqualTo(first);
        assertThat(opened).hasValue(1);
        sizes.removeUnused(Set.of(BLOB));
        assertThat(temp.resolve("sizes").resolve(BLOB.hex())).exists();
        sizes.removeUnused(Set.of());
        try (var left = Files.list(temp.resolve("sizes"))) {
            assertThat(left).isEmpty();
        }
    }
}
