package dev.stevedore.apitest;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerLogs;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.EngineSettings;
import dev.stevedore.engine.Image;
import dev.stevedore.engine.ImageReference;
import dev.stevedore.engine.LogLine;
import dev.stevedore.engine.LogOptions;
import dev.stevedore.engine.PullOptions;
import dev.stevedore.engine.internal.docker.DockerEndpoint;
import dev.stevedore.engine.internal.docker.DockerEngine;
import dev.stevedore.engine.testbed.Testbed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code save} on one engine, {@code load} on the other, and the loaded image runs: the embedded engine's archive
 * (OCI layout plus {@code manifest.json}) into the test bed's dockerd, and dockerd's own {@code docker save}
 * archive into the embedded engine. The images travel under references of their own, removed afterwards.
 */
class SaveLoadAcrossEnginesIT {
    @TempDir
    Path state;
    @TempDir
    Path files;

    private static ContainerEngine docker() {
        Path socket = Testbed.get().dockerSocket().orElseThrow(() -> new AssertionError(
                "the test bed's dockerd is not up: run `sudo testbed/dockerd up`"));
        return DockerEngine.open(DockerEndpoint.unix(socket, "test bed"), EngineSettings.fromEnvironment());
    }

    private ContainerEngine embedded() {
        return ContainerEngine.embedded(EngineSettings.fromEnvironment().withStateDirectory(state));
    }

    private static ImageReference busybox() {
        return ImageReference.parse(Testbed.get().plainRegistry() + "/library/busybox:latest");
    }

    private static ImageReference travelling(String from) {
        return ImageReference.parse("local.test/saved-by-" + from + "-" + UUID.randomUUID().toString().substring(0, 8) + ":v1");
    }

    @Test
    void embeddedArchiveLoadsIntoDockerdAndRuns() throws Exception {
        ImageReference name = travelling("embedded");
        Path archive = files.resolve("embedded.tar");
        String id;
        try (ContainerEngine embedded = embedded()) {
            id = embedded.pull(busybox(), PullOptions.defaults()).id();
            embedded.tag(busybox(), name);
            try (OutputStream out = Files.newOutputStream(archive)) {
                embedded.save(List.of(name), out);
            }
        }
        try (ContainerEngine docker = docker()) {
            try {
                List<Image> loaded = docker.load(archive);

                assertThat(loaded).extracting(Image::id).containsExactly(id);
                assertThat(docker.image(name)).map(Image::id).contains(id);
                assertThat(runs(docker, name)).containsExactly("ran-42");
            } finally {
                if (docker.image(name).isPresent()) {
                    docker.removeImage(name);
                }
            }
        }
    }

    @Test
    void dockerdArchiveLoadsIntoTheEmbeddedEngineAndRuns() throws Exception {
        ImageReference name = travelling("dockerd");
        Path archive = files.resolve("dockerd.tar");
        String id;
        try (ContainerEngine docker = docker()) {
            id = docker.pull(busybox(), PullOptions.defaults()).id();
            docker.tag(busybox(), name);
            try (OutputStream out = Files.newOutputStream(archive)) {
                docker.save(List.of(name), out);
            } finally {
                docker.removeImage(name);
            }
        }
        try (ContainerEngine embedded = embedded()) {
            List<Image> loaded = embedded.load(archive);

            assertThat(loaded).extracting(Image::id).containsExactly(id);
            assertThat(embedded.image(name)).map(Image::id).contains(id);
            assertThat(runs(embedded, name)).containsExactly("ran-42");
        }
    }

    private static List<String> runs(ContainerEngine engine, ImageReference image) {
        ContainerInfo container = engine.runContainer(ContainerSpec.builder(image.toString())
                .pullPolicy(ContainerSpec.PullPolicy.NEVER).cmd("sh", "-c", "echo ran-$((6*7))").build());
        try {
            assertThat(engine.waitContainer(container.id(), Duration.ofSeconds(30)).running()).isFalse();
            try (ContainerLogs logs = engine.logs(container.id(), LogOptions.all()); Stream<LogLine> lines = logs.lines()) {
                return lines.map(LogLine::text).toList();
            }
        } finally {
            engine.removeContainer(container.id(), true);
        }
    }
}
