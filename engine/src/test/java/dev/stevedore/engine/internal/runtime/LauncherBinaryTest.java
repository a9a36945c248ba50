package dev.stevedore.engine.internal.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LauncherBinaryTest {

    @Test
    void runsFromOneSealedMemoryFileOfThisJvmWhateverTheStateDirectory(@TempDir Path state) throws Exception {
        Path launcher = LauncherBinary.extract(state.resolve("first"));

        assertThat(launcher.toString()).startsWith("/proc/" + ProcessHandle.current().pid() + "/fd/");
        assertThat(Files.readSymbolicLink(launcher).toString()).startsWith("/memfd:stevedore-launcher");
        assertThat(Files.readAllBytes(launcher)).isEqualTo(LauncherBinary.content());
        assertThat(LauncherBinary.extract(state.resolve("second"))).isEqualTo(launcher);
        assertThat(state.resolve("first/bin")).as("nothing on disk").doesNotExist();
        assertThatThrownBy(() -> Files.write(launcher, new byte[] {1}, StandardOpenOption.WRITE))
                .as("sealed: not even root may write it").isInstanceOf(IOException.class);
        assertThat(Files.readAllBytes(launcher)).isEqualTo(LauncherBinary.content());
        Process version = new ProcessBuilder(launcher.toString()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        version.getInputStream().readAllBytes();
        assertThat(version.waitFor()).as("it runs").isNotEqualTo(126).isNotEqualTo(127);
    }

    @Test
    void theFallbackExtractsOnceUnderANameFromItsContent(@TempDir Path state) throws Exception {
        Path binary = LauncherBinary.extractToDisk(state, LauncherBinary.content());

        byte[] content = Files.readAllBytes(binary);
        String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        assertThat(binary).isEqualTo(state.resolve("bin/launcher-" + hash.substring(0, 16)));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(binary))).isEqualTo("rwxr-xr-x");
        assertThat(LauncherBinary.extractToDisk(state, LauncherBinary.content())).isEqualTo(binary);
        try (var files = Files.list(state.resolve("bin"))) {
            assertThat(files).containsExactly(binary);
        }
    }

    @Test
    void theFallbackReplacesAFileOfTheRightSizeButForeignContent(@TempDir Path state) throws Exception {
        Path binary = LauncherBinary.extractToDisk(state.resolve("first"), LauncherBinary.content());
        Path planted = Files.createDirectories(state.resolve("second/bin")).resolve(binary.getFileName());
        byte[] foreign = new byte[(int) Files.size(binary)];
        Files.write(planted, foreign);
        planted.toFile().setExecutable(true);

        assertThat(LauncherBinary.extractToDisk(state.resolve("second"), LauncherBinary.content())).isEqualTo(planted);
        assertThat(Files.readAllBytes(planted)).isEqualTo(Files.readAllBytes(binary));
    }
}
