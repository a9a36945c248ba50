package dev.stevedore.engine.internal.embedded;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.EngineSettings;
import dev.stevedore.engine.Image;
import dev.stevedore.engine.ImageReference;
import dev.stevedore.engine.PullOptions;
import dev.stevedore.engine.PushOptions;
import dev.stevedore.engine.PushProgress;
import dev.stevedore.engine.RegistryException;
import dev.stevedore.engine.testbed.Testbed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Pushes that must upload, because no other repository of the registry names the image (nothing to mount from): every
 * blob is sent and confirmed, and another engine pulls the image back by digest; and a push whose upload the registry
 * refuses (a local layer damaged after it was stored: same size, other bytes, so the registry's digest check fails)
 * ends in a {@link RegistryException} naming the blob, while the repository gets no manifest: its tag does not exist
 * afterwards.
 */
class PushUploadIT {
    @TempDir
    Path state;
    @TempDir
    Path otherState;

    @Test
    void uploadsEveryBlobWhenThereIsNothingToMountFrom() {
        String registry = Testbed.get().plainRegistry();
        ImageReference busybox = ImageReference.parse(registry + "/library/busybox:latest");
        ImageReference target = ImageReference.parse(registry + "/uploaded-" + UUID.randomUUID().toString().substring(0, 12) + "/busybox:v1");
        List<PushProgress> events = new CopyOnWriteArrayList<>();
        Image image;
        String digest;
        try (ContainerEngine engine = ContainerEngine.embedded(EngineSettings.fromEnvironment().withStateDirectory(state))) {
            image = engine.pull(busybox, PullOptions.defaults());
            engine.tag(busybox, target);
            engine.removeImage(busybox);

            digest = engine.push(target, new PushOptions(events::add));
        }

        assertThat(digest).isEqualTo(image.manifestDigest());
        List<String> blobs = new java.util.ArrayList<>(image.layers());
        blobs.add(image.id());
        for (String blob : blobs) {
            assertThat(events).as("events of blob %s", blob).filteredOn(e -> e.digest().equals(blob))
                    .extracting(PushProgress::phase).contains(PushProgress.Phase.PUSHING).endsWith(PushProgress.Phase.PUSHED);
            assertThat(events).filteredOn(e -> e.digest().equals(blob) && e.phase() == PushProgress.Phase.PUSHED)
                    .extracting(PushProgress::current).containsExactly(events.stream()
                            .filter(e -> e.digest().equals(blob)).mapToLong(PushProgress::total).max().orElseThrow());
        }
        try (ContainerEngine other = ContainerEngine.embedded(EngineSettings.fromEnvironment().withStateDirectory(otherState))) {
            Image pulled = other.pull(new ImageReference(target.registry(), target.repository(), null, digest), PullOptions.defaults());
            assertThat(pulled.id()).isEqualTo(image.id());
        }
    }

    @Test
    void refusedUploadLeavesTheRepositoryWithoutTheTag() throws Exception {
        String registry = Testbed.get().plainRegistry();
        ImageReference busybox = ImageReference.parse(registry + "/library/busybox:latest");
        ImageReference target = ImageReference.parse(registry + "/failed-push-" + UUID.randomUUID().toString().substring(0, 12) + "/busybox:v1");
        List<PushProgress> events = new CopyOnWriteArrayList<>();
        try (ContainerEngine engine = ContainerEngine.embedded(EngineSettings.fromEnvironment().withStateDirectory(state))) {
            Image image = engine.pull(busybox, PullOptions.defaults());
            engine.tag(busybox, target);
            // no other reference in the registry: nothing to mount from, so the layer must be uploaded
            engine.removeImage(busybox);
            String layer = image.layers().get(image.layers().size() - 1);
            try (RandomAccessFile blob = new RandomAccessFile(state.resolve("content/blobs/sha256")
                    .resolve(layer.substring("sha256:".length())).toFile(), "rw")) {
                blob.seek(blob.length() / 2);
                int b = blob.read();
                blob.seek(blob.length() / 2);
                blob.write(b ^ 0xff);
            }

            assertThatThrownBy(() -> engine.push(target, new PushOptions(events::add)))
                    .isInstanceOf(RegistryException.class)
                    .hasMessageContaining("push of " + target)
                    .hasMessageContaining(layer);
        }

        assertThat(events).extracting(PushProgress::phase).doesNotContain(PushProgress.Phase.COMPLETE);
        HttpResponse<String> manifest = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://" + registry + "/v2/" + target.repository() + "/manifests/v1"))
                .header("Accept", "application/vnd.docker.distribution.manifest.v2+json")
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(manifest.statusCode()).as("the registry's answer for the tag that was never stored").isEqualTo(404);
    }
}
