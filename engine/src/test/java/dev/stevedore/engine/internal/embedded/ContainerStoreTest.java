package dev.stevedore.engine.internal.embedded;

import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.ContainerNotFoundException;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.Mount;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ContainerStoreTest {
    @TempDir
    Path state;

    private static final String CREATED = "2024-05-06T07:08:09.123456789Z";

    private String container(ContainerStore store, String id, String name) throws IOException {
        Files.createDirectories(store.directory(id));
        assertThat(store.reserveName(name, id)).isTrue();
        store.writeConfig(id, record(id, name));
        store.writeState(id, StateRecord.created());
        return id;
    }

    private static ContainerRecord record(String id, String name) {
        ContainerSpec spec = ContainerSpec.builder("busybox").name(name).cmd("true").env("A", "b").label("k", "v")
                .mount(Mount.volume("data", "/data", true)).stopTimeout(Duration.ofSeconds(3)).build();
        return new ContainerRecord(1, id, name, "busybox", "docker.io/library/busybox:latest", "sha256:1", "sha256:2",
                CREATED, List.of("/layers/1"), List.of(), List.of("true"), List.of("A=b"), "/", "", "abc",
                Map.of("k", "v"), List.of(new ContainerRecord.MountRecord("volume", "/v/_data", "/data", true, "", "data")),
                false, 64 << 20, 0, 0, 0, "none", List.of(), "SIGTERM", 10_000, false, spec);
    }

    @Test
    void recordsRoundTripThroughTheirJsonFiles() throws IOException {
        ContainerStore store = new ContainerStore(state);
        String id = container(store, "a".repeat(64), "first");

        ContainerRecord read = store.readConfig(id).orElseThrow();

        assertThat(read).isEqualTo(record(id, "first"));
        assertThat(read.spec().stopTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(read.spec().mounts()).containsExactly(Mount.volume("data", "/data", true));
        assertThat(store.readState(id)).contains(StateRecord.created());
        assertThat(store.readConfig("b".repeat(64))).isEmpty();
        assertThat(java.nio.file.Files.getPosixFilePermissions(store.directory(id).resolve("config.json")))
                .as("the config holds the container's environment").isEqualTo(
                        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    }

    @Test
    void containersAreFoundByIdNameAndUniquePrefix() throws IOException {
        ContainerStore store = new ContainerStore(state);
        String first = container(store, "ab12" + "0".repeat(60), "first");
        String second = container(store, "ab34" + "0".repeat(60), "second");

        assertThat(store.resolve(first)).isEqualTo(first);
        assertThat(store.resolve("second")).isEqualTo(second);
        assertThat(store.resolve("/second")).isEqualTo(second);
        assertThat(store.resolve("ab1")).isEqualTo(first);
        assertThatThrownBy(() -> store.resolve("ab")).isInstanceOf(ContainerEngineException.class)
                .hasMessageContaining("matches 2 containers");
        assertThatThrownBy(() -> store.resolve("cd")).isInstanceOf(ContainerNotFoundException.class);
        assertThatThrownBy(() -> store.resolve("")).isInstanceOf(ContainerNotFoundException.class);
        assertThat(store.ids()).containsExactlyInAnyOrder(first, second);
    }

    @Test
    void aNameIsTakenOnceAndFreedWithItsContainer() throws IOException {
        ContainerStore store = new ContainerStore(state);
        String id = container(store, "c".repeat(64), "db");

        assertThat(store.reserveName("db", "d".repeat(64))).isFalse();
        store.delete(id);
        assertThat(store.reserveName("db", "d".repeat(64))).as("the name of a container that is gone is free").isTrue();
        assertThat(store.nameOwner("db")).contains("d".repeat(64));
        assertThatThrownBy(() -> ContainerStore.validateName("-bad")).hasMessageContaining("invalid container name");
        assertThatThrownBy(() -> ContainerStore.validateName("a/b")).hasMessageContaining("invalid container name");
    }

    @Test
    void deletionTakesTheContainerOutOfEveryViewAndLocksOfItFailAsNotFound() throws IOException {
        ContainerStore store = new ContainerStore(state);
        String id = container(store, "e".repeat(64), "gone");
        Files.writeString(store.directory(id).resolve("upper-file"), "x");

        store.delete(id);

        assertThat(store.directory(id)).doesNotExist();
        assertThat(store.ids()).isEmpty();
        assertThatThrownBy(() -> store.lock(id)).isInstanceOf(ContainerNotFoundException.class);
        store.close(); // waits for the background deletion
        try (var left = Files.list(store.root())) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void staleNamesAreSweptAndTrashIsDeleted() throws IOException {
        ContainerStore store = new ContainerStore(state);
        String id = container(store, "f".repeat(64), "stale");
        Path trash = Files.createDirectories(store.root().resolve(".trash-" + id + "-x/upper"));
        Files.writeString(trash.resolve("file"), "left by a JVM that died");
        Files.move(store.directory(id), store.root().resolve("moved-away"));

        store.sweepStaleNames();
        store.sweepTrash();

        assertThat(store.nameOwner("stale")).isEmpty();
        assertThat(store.root().resolve(".trash-" + id + "-x")).doesNotExist();
    }

    @Test
    void containersThatGoWithTheirJvmLiveInMemoryKeptOnesOnDiskAndTheStoreFindsBoth() throws IOException {
        Path memory = state.resolve("memory/containers");
        ContainerStore store = new ContainerStore(state, memory);
        String test = "1".repeat(64);
        String kept = "2".repeat(64);

        assertThat(store.createDirectory(test, false)).isEqualTo(memory.resolve(test));
        assertThat(store.createDirectory(kept, true)).isEqualTo(store.root().resolve(kept));
        container(store, test, "test");
        container(store, kept, "kept");

        assertThat(store.directory(test)).isEqualTo(memory.resolve(test));
        assertThat(store.directory(kept)).isEqualTo(store.root().resolve(kept));
        assertThat(store.resolve("test")).isEqualTo(test);
        assertThat(store.ids()).containsExactlyInAnyOrder(test, kept);
        assertThat(store.readConfig(test)).map(ContainerRecord::name).contains("test");

        store.delete(test);
        store.delete(kept);
        assertThat(store.ids()).isEmpty();
        store.close();
        assertThat(memory).as("the in-memory place, empty, is tidied away when the store closes").doesNotExist();
        try (var left = Files.list(store.root())) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void trashInMemoryIsSweptToo() throws IOException {
        Path memory = state.resolve("memory/containers");
        ContainerStore store = new ContainerStore(state, memory);
        Path trash = Files.createDirectories(memory.resolve(".trash-" + "3".repeat(64) + "-x/upper"));
        Files.writeString(trash.resolve("file"), "left by a JVM that died");

        store.sweepTrash();

        assertThat(memory.resolve(".trash-" + "3".repeat(64) + "-x")).doesNotExist();
    }
}
