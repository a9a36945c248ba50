package dev.stevedore.engine.internal.embedded;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class MemoryRootSweepTest {
    @TempDir
    Path dir;

    @Test
    void onlyTheRootsOfStateDirectoriesDeletedForGoodAndHeldByNobodyAreSwept() throws IOException {
        Path shm = Files.createDirectory(dir.resolve("shm"));
        Path deleted = root(shm, "deleted", Files.createDirectory(dir.resolve("a")));
        Files.writeString(Files.createDirectories(deleted.resolve("containers/c1/upper")).resolve("file"), "left");
        Path existing = root(shm, "existing", Files.createDirectory(dir.resolve("b")));
        Path unrecorded = Files.createDirectory(shm.resolve("stevedore-older-build"));
        Path unmounted = Files.createDirectory(shm.resolve("stevedore-unmounted"));
        // the ancestor left is on another device than the state directory's parent was: a file system unmounted for now
        Files.writeString(unmounted.resolve(MemoryRoots.RECORD), dir.resolve("mnt/state") + "\n" + Long.MAX_VALUE + "\n");
        Path held = shm.resolve("stevedore-held");
        Path heldState = Files.createDirectory(dir.resolve("c"));
        MemoryStorage.makePrivateDirectory(held);
        MemoryRoots.claim(held, heldState, () -> { });
        Files.delete(dir.resolve("a"));
        Files.delete(heldState);
        try {
            assertThat(MemoryRootSweep.sweep(shm, MemoryRootSweep.uid() + 1)).as("another user's sweep").isZero();
            assertThat(deleted).exists();

            assertThat(MemoryRootSweep.sweep(shm, MemoryRootSweep.uid())).isEqualTo(1);

            assertThat(deleted).doesNotExist();
            assertThat(existing).isDirectory();
            assertThat(unrecorded).isDirectory();
            assertThat(unmounted).isDirectory();
            assertThat(held).as("held by this JVM").isDirectory();
        } finally {
            MemoryRoots.removeIfUnused(held);
        }
        assertThat(held).as("nothing but its record left, held by nobody else").doesNotExist();
    }

    @Test
    void aRecordNamesTheStateDirectoryByItsRealPath() throws IOException {
        Path state = Files.createDirectory(dir.resolve("state"));
        Path link = Files.createSymbolicLink(dir.resolve("link"), state);
        Path root = root(Files.createDirectory(dir.resolve("shm")), "r", link);

        assertThat(MemoryRoots.read(root)).get().extracting(MemoryRoots.Recorded::stateDirectory).isEqualTo(state.toRealPath());
        assertThat(MemoryRoots.read(root).get().stateDirectoryGone()).isFalse();
        Files.delete(link);
        assertThat(MemoryRoots.read(root).get().stateDirectoryGone()).as("the link goes, the directory stays").isFalse();
        Files.delete(state);
        assertThat(MemoryRoots.read(root).get().stateDirectoryGone()).isTrue();
    }

    private static Path root(Path shm, String name, Path stateDirectory) throws IOException {
        Path root = shm.resolve("stevedore-" + name);
        MemoryStorage.makePrivateDirectory(root);
        MemoryRoots.record(root, stateDirectory);
        return root;
    }
}
