package dev.stevedore.engine.internal.embedded;

import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.VolumeInUseException;
import dev.stevedore.engine.VolumeInfo;
import dev.stevedore.engine.VolumeNotFoundException;
import dev.stevedore.engine.VolumeSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VolumesTest {
    @TempDir
    Path state;

    @Test
    void createMakesTheDataDirectoryAndKeepsLabelsAndTime() {
        Instant before = Instant.now().minusSeconds(1);

        VolumeInfo created = new Volumes(state).create(new VolumeSpec("pgdata", Map.of("team", "shop")));

        assertThat(created.mountpoint()).isEqualTo(state.resolve("volumes/pgdata/_data").toString());
        assertThat(Path.of(created.mountpoint())).isDirectory();
        assertThat(created.createdAt()).isBetween(before, Instant.now().plusSeconds(1));
        assertThat(new Volumes(state).inspect("pgdata")).as("seen by another instance on the directory").isEqualTo(created);
    }

    @Test
    void createOfAnExistingNameReturnsItUnchanged() throws IOException {
        Volumes volumes = new Volumes(state);
        VolumeInfo first = volumes.create(new VolumeSpec("v", Map.of("a", "1")));
        Files.writeString(Path.of(first.mountpoint()).resolve("f"), "kept");

        VolumeInfo second = volumes.create(new VolumeSpec("v", Map.of("b", "2")));

        assertThat(second).isEqualTo(first);
        assertThat(Path.of(first.mountpoint()).resolve("f")).hasContent("kept");
    }

    @Test
    void aVolumeMadeByAMountIsListedWithoutLabels() {
        Volumes volumes = new Volumes(state);

        Path data = volumes.named("mounted");

        assertThat(data).isDirectory();
        assertThat(volumes.list(Map.of())).extracting(VolumeInfo::name).containsExactly("mounted");
        assertThat(volumes.inspect("mounted").labels()).isEmpty();
    }

    @Test
    void aVolumeDirectoryWithoutMetadataIsStillAVolume() throws IOException {
        Files.createDirectories(state.resolve("volumes/old/_data"));

        VolumeInfo old = new Volumes(state).inspect("old");

        assertThat(old.labels()).isEmpty();
        assertThat(old.createdAt()).isNotNull();
    }

    @Test
    void listFiltersByLabelsSortsByNameAndSkipsWhatIsNotAVolume() throws IOException {
        Volumes volumes = new Volumes(state);
        volumes.create(new VolumeSpec("b", Map.of("tier", "db", "team", "x")));
        volumes.create(new VolumeSpec("a", Map.of("tier", "cache")));
        volumes.create(new VolumeSpec("c", Map.of()));
        Files.createDirectories(state.resolve("volumes/.trash-z-1/_data"));
        Files.createDirectories(state.resolve("volumes/no-data"));

        assertThat(volumes.list(Map.of())).extracting(VolumeInfo::name).containsExactly("a", "b", "c");
        assertThat(volumes.list(Map.of("tier", ""))).extracting(VolumeInfo::name).containsExactly("a", "b");
        assertThat(volumes.list(Map.of("tier", "db", "team", "x"))).extracting(VolumeInfo::name).containsExactly("b");
        assertThat(volumes.list(Map.of("tier", "none"))).isEmpty();
    }

    @Test
    void generatedNamesAreSixtyFourHexDigits() {
        VolumeInfo created = new Volumes(state).create(VolumeSpec.generated(Map.of()));

        assertThat(created.name()).matches("[0-9a-f]{64}");
    }

    @Test
    void removeIsRefusedWhileInUseAndDeletesTheDataAfter() throws IOException {
        Volumes volumes = new Volumes(state);
        VolumeInfo v = volumes.create(VolumeSpec.named("v"));
        Files.writeString(Path.of(v.mountpoint()).resolve("f"), "x");

        assertThatThrownBy(() -> volumes.remove("v", true, name -> List.of("db", "api")))
                .isInstanceOf(VolumeInUseException.class)
                .hasMessage("cannot remove volume v: it is in use by containers db, api — remove those containers first");
        assertThat(Path.of(v.mountpoint()).resolve("f")).exists();

        volumes.remove("v", false, name -> List.of());

        assertThat(state.resolve("volumes/v")).doesNotExist();
        assertThat(state.resolve("volumes")).isDirectoryNotContaining(p -> !p.getFileName().toString().equals(".lock"));
        assertThatThrownBy(() -> volumes.inspect("v")).isInstanceOf(VolumeNotFoundException.class);
    }

    @Test
    void removeOfAnUnknownOrInvalidNameIsNotFoundUnlessForced() {
        Volumes volumes = new Volumes(state);

        assertThatThrownBy(() -> volumes.remove("nope", false, name -> List.of())).isInstanceOf(VolumeNotFoundException.class);
        assertThatThrownBy(() -> volumes.remove("../x", false, name -> List.of())).isInstanceOf(VolumeNotFoundException.class);
        assertThatThrownBy(() -> volumes.inspect("../x")).isInstanceOf(VolumeNotFoundException.class);
        volumes.remove("nope", true, name -> List.of());
    }

    @Test
    void aMountOfAnInvalidNameIsRefused() {
        assertThatThrownBy(() -> new Volumes(state).named("a/b")).isInstanceOf(ContainerEngineException.class)
                .hasMessageContaining("bind mount");
    }

    @Test
    void concurrentCreatesOfOneNameMakeOneVolume() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<VolumeInfo>> futures = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                Map<String, String> labels = Map.of("n", Integer.toString(i));
                futures.add(pool.submit(() -> new Volumes(state).create(new VolumeSpec("shared", labels))));
            }
            Set<VolumeInfo> results = ConcurrentHashMap.newKeySet();
            for (Future<VolumeInfo> f : futures) {
                results.add(f.get(Duration.ofSeconds(30).toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS));
            }
            assertThat(results).as("every caller gets the one volume").hasSize(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void anAnonymousVolumeInMemoryIsListedInspectedAndRemovedWithTheOnesOnDisk() {
        Path memory = state.resolve("shm/volumes");
        Volumes volumes = new Volumes(state, memory);
        volumes.create(VolumeSpec.named("named"));

        Volumes.Mounted anonymous = volumes.anonymous(true);

        assertThat(anonymous.name()).matches("[0-9a-f]{64}");
        assertThat(anonymous.data()).isEqualTo(memory.resolve(anonymous.name()).resolve("_data")).isDirectory();
        assertThat(volumes.list(Map.of(VolumeSpec.ANONYMOUS_LABEL, ""))).extracting(VolumeInfo::name)
                .containsExactly(anonymous.name());
        assertThat(volumes.list(Map.of())).hasSize(2);
        assertThat(volumes.named(anonymous.name())).as("mounted by its name").isEqualTo(anonymous.data());
        assertThat(volumes.remove(anonymous.name(), false, name -> List.of())).isTrue();
        assertThat(memory.resolve(anonymous.name())).doesNotExist();
    }

    @Test
    void removeAnonymousLeavesNamedVolumesAndThoseStillMounted() {
        Volumes volumes = new Volumes(state);
        volumes.create(VolumeSpec.named("named"));
        Volumes.Mounted free = volumes.anonymous(false);
        Volumes.Mounted shared = volumes.anonymous(false);

        List<String> removed = volumes.removeAnonymous(List.of("named", free.name(), shared.name(), "gone"),
                name -> name.equals(shared.name()) ? List.of("other") : List.of());

        assertThat(removed).containsExactly(free.name());
        assertThat(volumes.list(Map.of())).extracting(VolumeInfo::name).containsExactlyInAnyOrder("named", shared.name());
        assertThat(free.data()).doesNotExist();
    }
}
