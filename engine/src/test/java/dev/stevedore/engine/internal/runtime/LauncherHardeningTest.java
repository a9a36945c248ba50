package dev.stevedore.engine.internal.runtime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The launcher the build packed is hardened as a distribution builds its binaries, read from the ELF file itself
 * with binutils' readelf: position independent (static-pie), full RELRO, and the stack protector's and
 * _FORTIFY_SOURCE's failure paths linked in (the C library's messages are present only when a check calls them).
 */
class LauncherHardeningTest {
    @TempDir
    Path state;

    private String readelf(Path binary, String option) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("readelf", option, "-W", binary.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    @Test
    void launcherIsAStaticPieWithFullRelroStackProtectorAndFortify() throws Exception {
        Path launcher = LauncherBinary.extract(state);

        assertThat(readelf(launcher, "-h")).containsPattern("Type:\\s+DYN");
        assertThat(readelf(launcher, "-l")).contains("GNU_RELRO").doesNotContain("INTERP");
        assertThat(readelf(launcher, "-d")).containsPattern("\\(FLAGS\\)\\s+BIND_NOW").contains("PIE");
        String bytes = new String(Files.readAllBytes(launcher), StandardCharsets.ISO_8859_1);
        assertThat(bytes).as("the stack protector's failure path").contains("stack smashing detected");
        assertThat(bytes).as("_FORTIFY_SOURCE's failure path").contains("buffer overflow detected");
    }
}
