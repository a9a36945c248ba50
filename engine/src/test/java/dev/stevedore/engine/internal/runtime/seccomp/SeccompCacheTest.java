package dev.stevedore.engine.internal.runtime.seccomp;

import dev.stevedore.engine.Capability;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class SeccompCacheTest {
    private static final SeccompFilter PROGRAM = SeccompPolicy.filter(List.of(), Capability.containerDefaults()).orElseThrow();

    @TempDir
    Path dir;

    private final AtomicInteger compiles = new AtomicInteger();

    private Supplier<SeccompFilter> counting(SeccompFilter result) {
        return () -> {
            compiles.incrementAndGet();
            return result;
        };
    }

    private Path onlyFile() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> all = files.toList();
            assertThat(all).as("files in the cache directory").hasSize(1);
            return all.get(0);
        }
    }

    @Test
    void aKeptProgramIsReadBackByTheNextJvmWithoutCompiling() {
        SeccompFilter first = SeccompCache.get(dir, "builtin", counting(PROGRAM));
        SeccompFilter second = SeccompCache.get(dir, "builtin", counting(PROGRAM));

        assertThat(compiles).hasValue(1);
        assertThat(second).isEqualTo(first).isEqualTo(PROGRAM);
    }

    @Test
    void anotherKeyIsCompiledAndKeptBesideIt() throws IOException {
        SeccompCache.get(dir, "builtin", counting(PROGRAM));
        SeccompCache.get(dir, "custom {}", counting(new SeccompFilter("0600000000000000", 0, "custom")));

        assertThat(compiles).hasValue(2);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).hasSize(2);
        }
        assertThat(SeccompCache.get(dir, "custom {}", counting(PROGRAM)).describe()).isEqualTo("custom");
    }

    @Test
    void aCorruptFileIsCompiledAgainAndReplaced() throws IOException {
        SeccompCache.get(dir, "builtin", counting(PROGRAM));
        Path file = onlyFile();
        String text = Files.readString(file);
        // one instruction changed: the checksum no longer matches
        Files.writeString(file, text.replaceFirst("\n20", "\n21"), StandardCharsets.US_ASCII);

        assertThat(SeccompCache.get(dir, "builtin", counting(PROGRAM))).isEqualTo(PROGRAM);
        assertThat(compiles).hasValue(2);
        assertThat(Files.readString(onlyFile())).isEqualTo(text);
    }

    @Test
    void aTruncatedOrForeignFileIsCompiledAgain() throws IOException {
        SeccompCache.get(dir, "builtin", counting(PROGRAM));
        Path file = onlyFile();
        String text = Files.readString(file);
        Files.writeString(file, text.substring(0, text.length() / 2));
        SeccompCache.get(dir, "builtin", counting(PROGRAM));
        Files.writeString(file, "{\"not\": \"a program\"}");
        SeccompCache.get(dir, "builtin", counting(PROGRAM));

        assertThat(compiles).hasValue(3);
        assertThat(Files.readString(onlyFile())).isEqualTo(text);
    }

    @Test
    void aDirectoryThatCannotBeWrittenOnlyCostsACompile() throws IOException {
        Path notADirectory = Files.writeString(dir.resolve("file"), "x");

        assertThat(SeccompCache.get(notADirectory, "builtin", counting(PROGRAM))).isEqualTo(PROGRAM);
        assertThat(SeccompCache.get(notADirectory, "builtin", counting(PROGRAM))).isEqualTo(PROGRAM);
        assertThat(compiles).hasValue(2);
    }

    @Test
    void thePolicyKeepsWhatItCompilesForTheNextJvm() throws IOException {
        // capabilities no other test of this JVM asks for: the JVM's own cache has no program for them yet
        java.util.Set<Capability> capabilities = Capability.adjusted(Capability.containerDefaults(), List.of("SYS_PTRACE"),
                List.of());
        SeccompFilter filter = SeccompPolicy.filter(List.of("seccomp=builtin"), capabilities, dir).orElseThrow();

        assertThat(filter).isEqualTo(SeccompPolicy.filter(List.of(), capabilities).orElseThrow());
        assertThat(Files.readAllLines(onlyFile())).hasSize(6).contains(filter.program());
        assertThat(SeccompPolicy.filter(List.of("seccomp=unconfined"), Capability.containerDefaults(), dir)).isEmpty();
    }

    @Test
    void aRebuiltJarIsAnotherCompilerAndADirectoryIsItsBytes() throws IOException {
        Path jar = Files.writeString(dir.resolve("engine.jar"), "classes");
        String built = SeccompCache.identity(jar);
        assertThat(SeccompCache.identity(jar)).as("the same jar, asked again").isEqualTo(built);

        Files.setLastModifiedTime(jar, java.nio.file.attribute.FileTime.fromMillis(
                Files.getLastModifiedTime(jar).toMillis() - 60_000));
        assertThat(SeccompCache.identity(jar)).as("the jar written again at another time").isNotEqualTo(built);
        Files.writeString(jar, "classes, changed");
        assertThat(SeccompCache.identity(jar)).as("the jar with other content").isNotEqualTo(built);

        // classes in a directory (as this test's are) change file by file: their bytes decide
        String fromBytes = SeccompCache.identity(dir);
        assertThat(fromBytes).matches("[0-9a-f]{64}").isEqualTo(SeccompCache.identity(null));
    }
}
