package dev.stevedore.engine.internal.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LauncherBinaryTest {

    @Test
    void extractsOnceUnderANameFromItsContent(@TempDir Path state) throws Exception {
        Path binary = LauncherBinary.extract(state);

        byte[] content = Files.readAllBytes(binary);
        String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        assertThat(binary).isEqualTo(state.resolve("bin/launcher-" + hash.substring(0, 16)));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(binary))).isEqualTo("rwxr-xr-x");
        assertThat(LauncherBinary.extract(state)).isEqualTo(binary);
        try (var files = Files.list(state.resolve("bin"))) {
            assertThat(files).containsExactly(binary);
        }
    }

    @Test
    void replacesAFileOfTheRightSizeButForeignContent(@TempDir Path state) throws Exception {
        Path binary = LauncherBinary.extract(state.resolve("first"));
        Path planted = Files.createDirectories(state.resolve("second/bin")).resolve(binary.getFileName());
        byte[] foreign = new byte[(int) Files.size(binary)];
        Files.write(planted, foreign);
        planted.toFile().setExecutable(true);

        assertThat(LauncherBinary.extract(state.resolve("second"))).isEqualTo(planted);
        assertThat(Files.readAllBytes(planted)).isEqualTo(Files.readAllBytes(binary));
    }
}
