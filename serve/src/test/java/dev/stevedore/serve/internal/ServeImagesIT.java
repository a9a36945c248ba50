package dev.stevedore.serve.internal;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.serve.DockerApiServer;
import dev.stevedore.engine.EngineSettings;
import dev.stevedore.engine.Image;
import dev.stevedore.engine.ImageReference;
import dev.stevedore.engine.PullOptions;
import dev.stevedore.engine.PullProgress;
import dev.stevedore.engine.internal.docker.DockerEndpoint;
import dev.stevedore.engine.internal.docker.DockerEngine;
import dev.stevedore.engine.testbed.Testbed;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Images through the server, driven by Stevedore's Docker backend: a pull streams progress and lands in the
 * served engine, the image is listed, inspected and removed, a docker save archive loads, and what is not
 * there is a 404 the client reads as absent.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServeImagesIT {
    @TempDir
    static Path directory;
    private ContainerEngine embedded;
    private DockerApiServer server;
    private ContainerEngine client;

    @BeforeAll
    void start() {
        embedded = ContainerEngine.embedded(EngineSettings.fromEnvironment().withStateDirectory(directory.resolve("state")));
        server = DockerApiServer.start(embedded, DockerApiServer.Options.unixSocket(directory.resolve("docker.sock")));
        client = DockerEngine.open(DockerEndpoint.unix(server.socket().orElseThrow(), "stevedore serve"), EngineSettings.fromEnvironment());
    }

    @AfterAll
    void stop() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
        if (embedded != null) {
            embedded.close();
        }
    }

    @Test
    void aPullStreamsProgressAndTheImageIsListedInspectedAndRemoved() {
        ImageReference reference = ImageReference.parse(Testbed.get().plainRegistry() + "/library/busybox:1.35");
        List<PullProgress> events = new CopyOnWriteArrayList<>();

        Image pulled = client.pull(reference, PullOptions.defaults().withListener(events::add));

        assertThat(events).extracting(PullProgress::phase).contains(PullProgress.Phase.RESOLVED, PullProgress.Phase.PULL_COMPLETE,
                PullProgress.Phase.COMPLETE);
        assertThat(embedded.image(reference)).map(Image::id).contains(pulled.id());
        assertThat(client.images()).extracting(Image::id).contains(pulled.id());
        assertThat(client.image(reference)).map(i -> i.config().cmd()).contains(embedded.image(reference).orElseThrow().config().cmd());

        client.removeImage(reference);

        assertThat(embedded.image(reference)).isEmpty();
        assertThat(client.image(reference)).isEmpty();
    }

    @Test
    void aPullOfAnUnknownImageFailsWithTheRegistrysAnswer() {
        ImageReference missing = ImageReference.parse(Testbed.get().plainRegistry() + "/library/no-such-image:1");

        assertThatThrownBy(() -> client.pull(missing, PullOptions.defaults())).hasMessageContaining("no-such-image");
        assertThat(client.image(missing)).isEmpty();
    }

    @Test
    void aDockerSaveArchiveLoads() {
        List<Image> loaded = client.load(Testbed.get().busyboxDockerArchive());

        assertThat(loaded).isNotEmpty();
        assertThat(embedded.image(ImageReference.parse("busybox:latest"))).map(Image::id).contains(loaded.get(0).id());
    }
}
