package dev.stevedore.engine.internal.build;

import dev.stevedore.engine.BuildCachePrune;
import dev.stevedore.engine.BuildCachePruned;
import dev.stevedore.engine.BuildEvent;
import dev.stevedore.engine.BuildSpec;
import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.EngineSettings;
import dev.stevedore.engine.ImageReference;
import dev.stevedore.engine.internal.store.ImageIndex;
import dev.stevedore.engine.testbed.Testbed;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The embedded build cache pruned as {@code docker builder prune} prunes: by age ({@code until}: steps no build used
 * for that long), by size ({@code keep-storage}: least recently used first, until the cache is that small), and
 * {@code all} (the steps of tagged images too); the default keeps what tagged images use. What a prune removed is
 * rebuilt by the next build; what it kept is reused.
 */
class BuildCachePruneIT {
    @TempDir
    Path state;
    @TempDir
    Path contexts;

    private ContainerEngine engine;

    @BeforeEach
    void open() {
        engine = ContainerEngine.embedded(EngineSettings.fromEnvironment().withStateDirectory(state));
    }

    @AfterEach
    void close() {
        engine.close();
    }

    /** Builds a context whose RUN writes {@code megabytes} of random data; returns the steps that came from the cache. */
    private List<Integer> build(String name, int megabytes, boolean keepTag) throws IOException {
        Path context = contexts.resolve(name);
        Files.createDirectories(context);
        Files.writeString(context.resolve("Dockerfile"), "FROM " + Testbed.get().plainRegistry() + "/library/busybox:latest\n"
                + "RUN echo " + name + " > /name && dd if=/dev/urandom of=/data bs=1M count=" + megabytes + "\n");
        ImageReference tag = ImageReference.parse("local.test/prune-" + name + ":1");
        List<Integer> cached = new ArrayList<>();
        engine.build(BuildSpec.builder(context).tag(tag).build(), e -> {
            if (e.kind() == BuildEvent.Kind.CACHED) {
                cached.add(e.step());
            }
        });
        if (!keepTag) {
            engine.removeImage(tag);
        }
        return cached;
    }

    private Set<String> cacheKeys() throws IOException {
        return new ImageIndex(state).all().keySet().stream().filter(ImageBuilder::isCacheReference).map(ImageReference::tag)
                .collect(Collectors.toSet());
    }

    /** Makes the steps {@code keys} look last used {@code ago}. */
    private void used(Set<String> keys, Duration ago) throws IOException {
        for (String key : keys) {
            Files.setLastModifiedTime(state.resolve("build-cache-used").resolve(key), FileTime.from(Instant.now().minus(ago)));
        }
    }

    /** Builds {@code older}, makes its steps look used {@code ago}, builds {@code newer}; returns {@code older}'s steps. */
    private Set<String> buildOneThenAnother(String older, Duration ago, String newer, int megabytes) throws IOException {
        build(older, megabytes, false);
        Set<String> keys = cacheKeys();
        used(keys, ago);
        build(newer, megabytes, false);
        return keys;
    }

    @Test
    void untilRemovesOnlyTheStepsNoBuildUsedForThatLong() throws IOException {
        Set<String> old = buildOneThenAnother("old", Duration.ofHours(48), "new", 1);
        Set<String> fresh = new java.util.HashSet<>(cacheKeys());
        fresh.removeAll(old);

        BuildCachePruned pruned = engine.pruneBuildCache(BuildCachePrune.of(false, 0, Map.of("until", List.of("24h"))));

        assertThat(pruned.deleted()).containsExactlyInAnyOrderElementsOf(old);
        assertThat(pruned.spaceReclaimed()).isGreaterThan(1 << 20);
        assertThat(cacheKeys()).containsExactlyInAnyOrderElementsOf(fresh);
        assertThat(build("new", 1, false)).as("the recent build is reused").contains(2);
        assertThat(build("old", 1, false)).as("the old build is made again").doesNotContain(2);
    }

    @Test
    void keepStorageRemovesTheLeastRecentlyUsedUntilTheCacheIsThatSmall() throws IOException {
        Set<String> first = buildOneThenAnother("first", Duration.ofMinutes(10), "second", 2);

        BuildCachePruned pruned = engine.pruneBuildCache(new BuildCachePrune(false, null, 3L << 20));

        assertThat(pruned.deleted()).containsExactlyInAnyOrderElementsOf(first);
        assertThat(pruned.spaceReclaimed()).isGreaterThanOrEqualTo(2L << 20);
        assertThat(build("second", 2, false)).contains(2);
        assertThat(engine.pruneBuildCache(new BuildCachePrune(false, null, 3L << 20)).deleted())
                .as("the cache holds less than the limit already").isEmpty();
    }

    @Test
    void theDefaultKeepsWhatTaggedImagesUseAndAllRemovesItToo() throws IOException {
        build("tagged", 1, true);
        Set<String> tagged = cacheKeys();

        assertThat(engine.pruneBuildCache(BuildCachePrune.defaults()).deleted()).isEmpty();
        assertThat(engine.pruneBuildCache(new BuildCachePrune(true, null, 0)).deleted()).containsExactlyInAnyOrderElementsOf(tagged);
        assertThat(cacheKeys()).isEmpty();
        assertThat(engine.image(ImageReference.parse("local.test/prune-tagged:1"))).as("the image itself stays").isPresent();
        assertThat(build("tagged", 1, true)).as("its steps are made again").doesNotContain(2);
    }

    @Test
    void filtersDockerHasButThisCacheHasNotAreRefusedByName() {
        assertThatThrownBy(() -> BuildCachePrune.of(false, 0, Map.of("type", List.of("regular"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("invalid filter 'type'");
        assertThatThrownBy(() -> BuildCachePrune.of(false, 0, Map.of("until", List.of("tomorrow"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"until\" filter expects a duration");
    }
}
