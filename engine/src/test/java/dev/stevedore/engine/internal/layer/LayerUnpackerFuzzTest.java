package dev.stevedore.engine.internal.layer;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.stevedore.engine.UnsafeLayerException;
import dev.stevedore.engine.internal.os.FileTrees;
import dev.stevedore.engine.internal.store.Digest;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.AfterAll;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes the layer unpacker with archives built entry by entry from the fuzzer's bytes (names and link targets
 * made of {@code ..}, {@code /}, {@code etc} and friends; files, directories, symlinks, hard links, whiteouts,
 * opaque markers, fifos, devices; plain, gzip or zstd), and with raw bytes. Whatever the input: the unpacker ends,
 * throws nothing but {@link UnsafeLayerException} or an {@link IOException}, leaves no target behind when it
 * throws, and changes nothing outside its target (the {@link Sentinel} of the sandbox and of the host's /etc).
 *
 * <p>Runs over the seed corpus in {@code LayerUnpackerFuzzTestInputs} as a unit test; with {@code JAZZER_FUZZ=1}
 * it fuzzes for the time the build gives it (see the engine's pom).
 */
class LayerUnpackerFuzzTest {
    private static final Digest LAYER = Digest.of("fuzzed".getBytes(StandardCharsets.US_ASCII));
    private static final String[] PARTS = {"a", "b", "etc", "passwd", "..", ".", "", "outside", ".wh.a", ".wh..wh..opq", "x"};
    /** tmpfs when there is one: a fuzzer creates and removes a great many small files. */
    private static final Path BASE = Files.isDirectory(Path.of("/dev/shm")) ? Path.of("/dev/shm") : Path.of(System.getProperty("java.io.tmpdir"));
    private static Path sandboxes;

    @AfterAll
    static void removeSandboxes() throws IOException {
        if (sandboxes != null) {
            FileTrees.deleteRecursively(sandboxes);
        }
    }

    @FuzzTest(maxDuration = "30s")
    void unpacksOnlyInsideItsTarget(FuzzedDataProvider data) throws IOException {
        byte[] blob = blob(data);
        if (sandboxes == null) {
            sandboxes = Files.createTempDirectory(BASE, "stevedore-fuzz-");
        }
        Path sandbox = Files.createTempDirectory(sandboxes, "s");
        try {
            Sentinel.furnish(sandbox);
            Path target = sandbox.resolve("a/b/c/target");
            Sentinel before = Sentinel.take(sandbox);
            LayerUnpacker unpacker = new LayerUnpacker(LayerUnpacker.Options.defaults()
                    .withMaxBytes(1 << 20).withMaxEntries(64).withCreateDevices(false));
            boolean refused = false;
            try {
                unpacker.unpack(LAYER, new ByteArrayInputStream(blob), target);
            } catch (UnsafeLayerException | IOException e) {
                refused = true;
            }
            if (refused) {
                assertThat(target).doesNotExist();
            } else {
                FileTrees.deleteRecursively(target);
            }
            assertThat(Sentinel.take(sandbox)).isEqualTo(before);
        } finally {
            FileTrees.deleteRecursively(sandbox);
        }
    }

    private static byte[] blob(FuzzedDataProvider data) {
        int form = data.consumeInt(0, 3);
        if (form == 3) {
            return data.consumeRemainingAsBytes();
        }
        LayerBuilder layer = LayerBuilder.layer();
        int entries = data.consumeInt(0, 8);
        for (int i = 0; i < entries; i++) {
            String name = path(data);
            switch (data.consumeInt(0, 8)) {
                case 0 -> layer.file(name, data.consumeBytes(64), e -> e.mode(data.consumeInt(0, 07777)));
                case 1 -> layer.dir(name, e -> e.mode(data.consumeInt(0, 07777)));
                case 2 -> layer.symlink(name, path(data));
                case 3 -> layer.hardlink(name, path(data));
                case 4 -> layer.whiteout(path(data), data.pickValue(PARTS));
                case 5 -> layer.opaque(name);
                case 6 -> layer.fifo(name);
                case 7 -> layer.device(name, data.consumeBoolean() ? TarConstants.LF_CHR : TarConstants.LF_BLK,
                        data.consumeInt(0, 8), data.consumeInt(0, 8));
                default -> layer.file(name, new byte[] {1}, e -> e.xattr(data.consumeString(24), data.consumeBytes(16)));
            }
        }
        return switch (form) {
            case 0 -> layer.tar();
            case 1 -> layer.gzip();
            default -> layer.zstd();
        };
    }

    private static String path(FuzzedDataProvider data) {
        StringBuilder path = new StringBuilder(data.consumeBoolean() ? "/" : "");
        int parts = data.consumeInt(1, 4);
        for (int i = 0; i < parts; i++) {
            path.append(i == 0 ? "" : "/").append(data.pickValue(PARTS));
        }
        // a trailing slash makes the tar writer take a file for a directory, a failure of this test, not of the unpacker
        return path.isEmpty() || path.charAt(path.length() - 1) == '/' ? path + "x" : path.toString();
    }
}
