package dev.stevedore.engine.internal.layer;

import dev.stevedore.engine.internal.os.FileTrees;
import dev.stevedore.engine.UnsafeLayerException;
import dev.stevedore.engine.internal.os.Libc;
import dev.stevedore.engine.internal.store.Digest;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static dev.stevedore.engine.internal.layer.LayerBuilder.layer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Layers that try to write outside their directory, or are no layers at all. Each is refused with an
 * {@link UnsafeLayerException} naming the layer and the entry, leaves no target directory behind, and
 * changes nothing around the target (sibling directories, the host's /etc).
 */
class HostileLayerTest {
    private static final Digest LAYER = Digest.of("hostile".getBytes(StandardCharsets.US_ASCII));

    @TempDir
    Path sandbox;

    private Path target;

    /** A refused layer: how it is built, which entry the error must name and what it must say. */
    record Hostile(Supplier<byte[]> blob, String entry, String reason, LayerUnpacker.Options options) {
        Hostile(Supplier<byte[]> blob, String entry, String reason) {
            this(blob, entry, reason, LayerUnpacker.Options.defaults());
        }
    }

    @BeforeEach
    void furnish() throws IOException {
        Sentinel.furnish(sandbox);
        target = sandbox.resolve("a/b/c/target");
    }

    static Stream<Named<Hostile>> corpus() {
        String longName = "d/".repeat(2100) + "x";
        return Stream.of(
                Named.of("dot-dot traversal", new Hostile(() -> layer().file("../escaped", "x").tar(),
                        "../escaped", "climbs out of the layer")),
                Named.of("deep a/../../x traversal", new Hostile(() -> layer().dir("a").file("a/../../x", "x").tar(),
                        "a/../../x", "climbs out of the layer")),
                Named.of("symlink to /etc, then a write through it", new Hostile(
                        () -> layer().symlink("a", "/etc").file("a/passwd", "root::0:0::/:/bin/sh\n").tar(),
                        "a/passwd", "passes through the symlink 'a' (-> /etc)")),
                Named.of("relative symlink escaping, then a write through it", new Hostile(
                        () -> layer().symlink("x", "../../..").file("x/outside/secret.txt", "pwned").tar(),
                        "x/outside/secret.txt", "passes through the symlink 'x'")),
                Named.of("symlinked directory deep in the path", new Hostile(
                        () -> layer().dir("usr").symlink("usr/lib", "/lib").file("usr/lib/evil.so", "x").tar(),
                        "usr/lib/evil.so", "passes through the symlink 'usr/lib'")),
                Named.of("hard link to /etc/passwd", new Hostile(() -> layer().hardlink("pw", "/etc/passwd").tar(),
                        "pw", "hard link target 'etc/passwd' is not in this layer")),
                Named.of("hard link via ../", new Hostile(
                        () -> layer().hardlink("pw", "../../outside/passwd").tar(), "pw", "climbs out of the layer")),
                Named.of("hard link through a symlinked directory", new Hostile(
                        () -> layer().symlink("etc", "/etc").hardlink("pw", "etc/passwd").tar(),
                        "pw", "passes through the symlink 'etc'")),
                Named.of("symlink named '.'", new Hostile(
                        () -> layer().symlink(".", "/").file("etc/passwd", "x").tar(), ".", "CVE-2021-29136")),
                Named.of("symlink named './'", new Hostile(
                        () -> layer().symlink("./", "/tmp").tar(), "./", "replace the layer root")),
                Named.of("name with a NUL byte", new Hostile(
                        () -> layer().rawName("evil\0/../../x".getBytes(StandardCharsets.UTF_8), "x").tar(),
                        "evil\\x00/../../x", "contains a NUL byte")),
                Named.of("name longer than 4096 bytes", new Hostile(() -> layer().file(longName, "x").tar(),
                        longName, "more than the 4096 (PATH_MAX)")),
                Named.of("component longer than 255 bytes", new Hostile(
                        () -> layer().file("dir/" + "n".repeat(256), "x").tar(), "dir/" + "n".repeat(256), "NAME_MAX")),
                Named.of("bare whiteout .wh.", new Hostile(() -> layer().whiteout("etc", "").tar(),
                        "etc/.wh.", "without a name")),
                Named.of("whiteout of ..", new Hostile(() -> layer().whiteout("etc", "..").tar(),
                        "etc/.wh...", "only delete a name in its own directory")),
                Named.of("truncated gzip", new Hostile(() -> {
                    byte[] gz = LayerBuilder.gzip(layer().file("big", random(200_000), e -> { }).tar());
                    return Arrays.copyOf(gz, gz.length / 2);
                }, null, "gzip stream is damaged or truncated")),
                Named.of("truncated zstd", new Hostile(() -> {
                    byte[] zst = LayerBuilder.zstd(layer().file("big", random(200_000), e -> { }).tar());
                    return Arrays.copyOf(zst, zst.length / 2);
                }, null, "zstd stream is damaged or truncated")),
                Named.of("truncated tar", new Hostile(() -> {
                    byte[] tar = layer().file("big", random(20_000), e -> { }).tar();
                    return Arrays.copyOf(tar, 512 + 10_000);
                }, "big", "truncated")),
                Named.of("garbage instead of a tar", new Hostile(() -> random(4096), null, "not a tar archive")),
                Named.of("damaged tar header", new Hostile(() -> {
                    byte[] tar = layer().file("one", "1").file("two", "2").tar();
                    tar[1024 + 10] ^= 0x55; // inside the second header's name
                    return tar;
                }, null, "bad checksum")),
                Named.of("gzip bomb over a small cap", new Hostile(
                        () -> LayerBuilder.gzipBomb(64 << 20),
                        null, "decompresses to more than 8388608 bytes",
                        LayerUnpacker.Options.defaults().withMaxBytes(8 << 20))),
                Named.of("too many entries", new Hostile(() -> {
                    LayerBuilder many = layer();
                    for (int i = 0; i < 50; i++) {
                        many.file("f" + i, "x");
                    }
                    return many.tar();
                }, null, "more than 20 entries", LayerUnpacker.Options.defaults().withMaxEntries(20))),
                Named.of("unsupported entry type (GNU volume header)", new Hostile(
                        () -> layer().device("vol", (byte) 'V', 0, 0).tar(), "vol", "is not one an image layer may hold"))
        );
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void refusesAndTouchesNothingOutside(Hostile hostile) throws IOException {
        byte[] blob = hostile.blob().get();
        Sentinel before = Sentinel.take(sandbox);

        UnsafeLayerException refused = catchThrowableOfType(() -> assertTimeoutPreemptively(Duration.ofSeconds(20),
                () -> new LayerUnpacker(hostile.options()).unpack(LAYER, new ByteArrayInputStream(blob), target)),
                UnsafeLayerException.class);

        assertThat(refused).as("the layer must be refused").isNotNull();
        assertThat(refused).hasMessageContaining(LAYER.toString()).hasMessageContaining(hostile.reason());
        assertThat(refused.layerDigest()).isEqualTo(LAYER.toString());
        if (hostile.entry() != null) {
            assertThat(refused).hasMessageContaining("entry \"" + hostile.entry() + "\"");
            assertThat(refused.entryName()).isEqualTo(hostile.entry());
        }
        assertThat(target).doesNotExist();
        assertThat(Sentinel.take(sandbox)).isEqualTo(before);
    }

    /** Checks on an unpacked layer that may throw, as AssertJ's file assertions do. */
    private interface Checks {
        void on(Path unpacked) throws IOException;
    }

    /** Unpacks a layer that must be contained, runs the checks, and proves nothing outside changed. */
    private void unpackContained(LayerUnpacker unpacker, LayerBuilder layer, Checks checks) throws IOException {
        Sentinel before = Sentinel.take(sandbox);

        unpacker.unpack(LAYER, new ByteArrayInputStream(layer.tar()), target);

        checks.on(target);
        FileTrees.deleteRecursively(target);
        assertThat(Sentinel.take(sandbox)).isEqualTo(before);
    }

    @Test
    void absoluteNamesStayInsideTheLayer() throws IOException {
        unpackContained(new LayerUnpacker(), layer()
                .file("/etc/stevedore-canary", "inside")
                .file("//outside/secret.txt", "inside too"), unpacked -> {
                    assertThat(unpacked.resolve("etc/stevedore-canary")).hasContent("inside");
                    assertThat(unpacked.resolve("outside/secret.txt")).hasContent("inside too");
                    assertThat(Path.of("/etc/stevedore-canary")).doesNotExist();
                });
    }

    @Test
    void dotDotThatStaysInsideIsCleaned() throws IOException {
        unpackContained(new LayerUnpacker(), layer().file("a/../b/./c", "ok"), unpacked -> {
            assertThat(unpacked.resolve("b/c")).hasContent("ok");
            assertThat(unpacked.resolve("a")).doesNotExist(); // names are cleaned before anything is created
        });
    }

    @Test
    void aHardLinkToASymlinkThatPointsOutLinksTheSymlinkNotItsTarget() throws IOException {
        long passwdInode = (Long) Files.getAttribute(Path.of("/etc/passwd"), "unix:ino");

        unpackContained(new LayerUnpacker(), layer().symlink("s", "/etc/passwd").hardlink("h", "s"), unpacked -> {
            assertThat(Files.isSymbolicLink(unpacked.resolve("h"))).isTrue();
            assertThat(Files.readSymbolicLink(unpacked.resolve("h")).toString()).isEqualTo("/etc/passwd");
            assertThat(Files.getAttribute(unpacked.resolve("h"), "unix:ino", LinkOption.NOFOLLOW_LINKS))
                    .isEqualTo(Files.getAttribute(unpacked.resolve("s"), "unix:ino", LinkOption.NOFOLLOW_LINKS))
                    .isNotEqualTo(passwdInode);
        });
    }

    @Test
    void aFileOverASymlinkReplacesTheSymlinkInsteadOfWritingThroughIt() throws IOException {
        unpackContained(new LayerUnpacker(), layer()
                .symlink("passwd", "/etc/passwd")
                .symlink("secret", "../../../outside/secret.txt")
                .file("passwd", "replaced")
                .file("secret", "replaced too"), unpacked -> {
                    assertThat(unpacked.resolve("passwd")).isRegularFile().hasContent("replaced");
                    assertThat(unpacked.resolve("secret")).isRegularFile().hasContent("replaced too");
                });
    }

    @Test
    void devicesAreSkippedWhereTheyMayNotBeCreated() throws IOException {
        unpackContained(new LayerUnpacker(LayerUnpacker.Options.defaults().withCreateDevices(false)), layer()
                .dir("dev")
                .device("dev/sda", TarConstants.LF_BLK, 8, 0)
                .device("dev/mem", TarConstants.LF_CHR, 1, 1)
                .file("dev/ok", "kept"), unpacked -> {
                    assertThat(Libc.lstat(unpacked.resolve("dev/sda").toString())).isNull();
                    assertThat(Libc.lstat(unpacked.resolve("dev/mem").toString())).isNull();
                    assertThat(unpacked.resolve("dev/ok")).hasContent("kept");
                });
    }

    @Test
    void aGzipBombStopsAtTheCapWithoutInflatingEverything() {
        byte[] bomb = LayerBuilder.gzipBomb(256L << 20);
        ByteArrayInputStream source = new ByteArrayInputStream(bomb);

        assertThatThrownBy(() -> new LayerUnpacker(LayerUnpacker.Options.defaults().withMaxBytes(1 << 20))
                .unpack(LAYER, source, target))
                .isInstanceOf(UnsafeLayerException.class)
                .hasMessageContaining("decompression bomb");

        // what was read of the bomb, not how long it took (at load 15 even the capped part takes seconds): its
        // first 1 MiB comes from a few KiB, read in two 64 KiB buffers, far from the whole
        assertThat(bomb.length - source.available()).as("bytes of the bomb read").isLessThan(bomb.length * 3 / 4);
        assertThat(bomb.length).isLessThan(2 << 20); // it really is a bomb: under 2 MiB inflating to 256 MiB
        assertThat(target).doesNotExist();
    }

    @Test
    void aTargetThatExistsIsNotTouched() throws IOException {
        Files.createDirectories(target);
        Files.writeString(target.resolve("precious"), "mine");

        assertThatThrownBy(() -> new LayerUnpacker().unpack(LAYER,
                new ByteArrayInputStream(layer().file("x", "y").tar()), target))
                .isInstanceOf(java.nio.file.FileAlreadyExistsException.class);
        assertThat(target.resolve("precious")).hasContent("mine");
    }

    private static byte[] random(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        bytes[0] = 0x42; // never a gzip or zstd magic
        return bytes;
    }
}
