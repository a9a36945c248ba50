package dev.stevedore.engine.internal.embedded;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.EngineSettings;
import dev.stevedore.engine.Image;
import dev.stevedore.engine.internal.store.Digest;
import dev.stevedore.engine.testbed.Testbed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A run never reads a layer blob to count its size ({@link ImageSizes}): in a state directory whose layers have no
 * kept size (pulled by an older build), running an image by name or id leaves them uncounted, and {@code images}
 * counts them, to the figure the pull counted.
 */
class ImageSizesIT {
    @TempDir
    Path state;

    private final String busybox = Testbed.get().plainRegistry() + "/library/busybox:latest";

    @Test
    void runningAnImageCountsNoLayerSizeAndListingItDoes() throws Exception {
        Image pulled;
        try (ContainerEngine engine = open()) {
            pulled = engine.pull(busybox);
        }
        List<Path> sizeFiles = pulled.layers().stream()
                .map(layer -> state.resolve("snapshots/sizes").resolve(Digest.parse(layer).hex())).toList();
        assertThat(sizeFiles).as("kept as the pull unpacked the layers").allMatch(Files::isRegularFile);
        for (Path file : sizeFiles) {
            Files.delete(file);
        }

        try (ContainerEngine engine = open()) {
            for (String image : List.of(busybox, pulled.id())) {
                ContainerInfo run = engine.runContainer(ContainerSpec.builder(image).cmd("true").build());
                try {
                    assertThat(engine.waitContainer(run.id(), Duration.ofMinutes(1)).exitCode()).isZero();
                    engine.inspectContainer(run.id());
                } finally {
                    engine.removeContainer(run.id(), true);
                }
                assertThat(sizeFiles).as("after a run of %s", image).noneMatch(Files::exists);
            }

            Image listed = engine.images().stream().filter(i -> i.id().equals(pulled.id())).findFirst().orElseThrow();

            assertThat(listed.size()).isEqualTo(pulled.size()).isPositive();
            assertThat(sizeFiles).as("counted for the listing, and kept").allMatch(Files::isRegularFile);
        }
    }

    private ContainerEngine open() {
        return ContainerEngine.embedded(EngineSettings.fromEnvironment().withStateDirectory(state));
    }
}
