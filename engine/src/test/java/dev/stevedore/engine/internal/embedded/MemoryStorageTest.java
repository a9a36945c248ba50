package dev.stevedore.engine.internal.embedded;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class MemoryStorageTest {
    @TempDir
    Path dir;

    @Test
    void offKeepsEveryContainerOnDisk() {
        assertThat(MemoryStorage.root(dir.resolve("state"), Map.of(MemoryStorage.VARIABLE, "off")::get)).isEmpty();
        assertThat(MemoryStorage.root(dir.resolve("state"), Map.of(MemoryStorage.VARIABLE, " OFF ")::get)).isEmpty();
    }

    @Test
    void aConfiguredPlaceIsMadeClosedToOthers() throws IOException {
        Path place = dir.resolve("run/stevedore");

        assertThat(MemoryStorage.root(dir.resolve("state"), Map.of(MemoryStorage.VARIABLE, place.toString())::get))
                .contains(place);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(place))).isEqualTo("rwx------");
    }

    @Test
    void aPlaceOthersMayEnterIsNotUsed() throws IOException {
        Path place = Files.createDirectory(dir.resolve("open"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Files.setPosixFilePermissions(place, PosixFilePermissions.fromString("rwxr-xr-x"));

        assertThat(MemoryStorage.root(dir.resolve("state"), Map.of(MemoryStorage.VARIABLE, place.toString())::get)).isEmpty();
    }

    @Test
    void aSymbolicLinkIsNotFollowed() throws IOException {
        Path target = Files.createDirectory(dir.resolve("target"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path link = Files.createSymbolicLink(dir.resolve("link"), target);

        assertThat(MemoryStorage.root(dir.resolve("state"), Map.of(MemoryStorage.VARIABLE, link.toString())::get)).isEmpty();
    }

    @Test
    void byDefaultEveryEngineOnOneStateDirectoryFindsTheSamePlaceInDevShm() throws Exception {
        Path state = Files.createDirectories(dir.resolve("state"));
        Map<String, String> none = Map.of();

        var first = MemoryStorage.root(state, none::get);
        var second = MemoryStorage.root(dir.resolve("other/../state"), none::get);
        var other = MemoryStorage.root(Files.createDirectories(dir.resolve("other")), none::get);
        try {
            // this machine's /dev/shm is a tmpfs: the place exists; on one without, containers stay on disk
            assertThat(first).isPresent();
            assertThat(first.get().getParent()).isEqualTo(Path.of("/dev/shm"));
            assertThat(second).isEqualTo(first);
            assertThat(other).isPresent().isNotEqualTo(first);
            // the name every build gives it (builds of other versions share the place): SHA-256 of the real path
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(state.toRealPath().toString().getBytes(StandardCharsets.UTF_8));
            assertThat(first.get().getFileName()).hasToString("stevedore-" + HexFormat.of().formatHex(digest, 0, 8));
        } finally {
            first.ifPresent(p -> MemoryStorage.removeIfEmpty(p.resolve("containers")));
            other.ifPresent(p -> MemoryStorage.removeIfEmpty(p.resolve("containers")));
        }
        assertThat(first.get()).as("removed once empty").doesNotExist();
    }
}
