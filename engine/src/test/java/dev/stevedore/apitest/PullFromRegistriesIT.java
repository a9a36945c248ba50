package dev.stevedore.apitest;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.EngineSettings;
import dev.stevedore.engine.Image;
import dev.stevedore.engine.ImageNotFoundException;
import dev.stevedore.engine.ImageReference;
import dev.stevedore.engine.Platform;
import dev.stevedore.engine.PullOptions;
import dev.stevedore.engine.PullProgress;
import dev.stevedore.engine.RegistryAuthenticationException;
import dev.stevedore.engine.testbed.Testbed;
import dev.stevedore.engine.testbed.TokenIssuer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Pulls through the public API only, as a user would, from each of the test bed's registries. */
class PullFromRegistriesIT {
    private static Testbed testbed;

    @TempDir
    Path state;
    @TempDir
    Path home;

    @BeforeAll
    static void testbed() {
        testbed = Testbed.get();
        TokenIssuer.ensureRunning(testbed);
    }

    private EngineSettings settings() {
        return EngineSettings.from(name -> null)
                .withStateDirectory(state)
                .withDockerConfigDirectory(home.resolve(".docker"))
                .withCertificateDirectories(List.of(testbed.certsDirectory()))
                .withPlatform(Platform.parse("linux/amd64"));
    }

    private EngineSettings settingsWithCredentials() throws Exception {
        Path dockerConfig = testbed.writeDockerConfig(home.resolve(".docker"), Map.of(
                testbed.tlsRegistry(), new String[] {testbed.tlsUser(), testbed.tlsPassword()},
                testbed.tokenRegistry(), new String[] {testbed.tokenUser(), testbed.tokenPassword()}));
        return settings().withDockerConfigDirectory(dockerConfig.getParent());
    }

    @ParameterizedTest
    @ValueSource(strings = {"plain", "tls", "token"})
    void pullsEveryTestImageFromEachRegistry(String kind) throws Exception {
        String registry = switch (kind) {
            case "plain" -> testbed.plainRegistry();
            case "tls" -> testbed.tlsRegistry();
            default -> testbed.tokenRegistry();
        };
        try (ContainerEngine engine = ContainerEngine.embedded(settingsWithCredentials())) {
            for (String image : testbed.images()) {
                Image pulled = engine.pull(registry + "/" + image);
                assertThat(pulled.layers()).as(image).isNotEmpty();
                assertThat(pulled.id()).startsWith("sha256:");
                assertThat(pulled.references()).contains(ImageReference.parse(registry + "/" + image));
            }
            Image postgres = engine.image(ImageReference.parse(registry + "/library/postgres:15")).orElseThrow();
            assertThat(postgres.config().entrypoint()).containsExactly("docker-entrypoint.sh");
            assertThat(postgres.config().cmd()).containsExactly("postgres");
            assertThat(postgres.config().exposedPorts()).containsExactly("5432/tcp");
            assertThat(postgres.config().stopSignal()).isEqualTo("SIGINT");
            assertThat(postgres.config().env()).anyMatch(e -> e.startsWith("PGDATA="));
            assertThat(engine.images().stream().mapToInt(i -> i.references().size()).sum())
                    .as("references in the local store").isEqualTo(testbed.images().size());
        }
    }

    @Test
    void reportsProgressForEveryLayerAndFindsEverythingInPlaceTheSecondTime() {
        List<PullProgress> events = new CopyOnWriteArrayList<>();
        try (ContainerEngine engine = ContainerEngine.embedded(settings())) {
            ImageReference ref = ImageReference.parse(testbed.plainRegistry() + "/library/postgres:15");
            Image first = engine.pull(ref, PullOptions.defaults().withListener(events::add));
            for (String layer : first.layers()) {
                assertThat(events).as("events of layer %s", layer)
                        .filteredOn(e -> e.digest().equals(layer)).extracting(PullProgress::phase)
                        .contains(PullProgress.Phase.WAITING, PullProgress.Phase.DOWNLOADING,
                                PullProgress.Phase.DOWNLOAD_COMPLETE, PullProgress.Phase.PULL_COMPLETE);
            }
            assertThat(events.get(events.size() - 1).phase()).isEqualTo(PullProgress.Phase.COMPLETE);

            events.clear();
            Image second = engine.pull(ref, PullOptions.defaults().withListener(events::add));
            assertThat(second.id()).isEqualTo(first.id());
            assertThat(events).extracting(PullProgress::phase)
                    .doesNotContain(PullProgress.Phase.DOWNLOADING, PullProgress.Phase.EXTRACTING);
        }
    }

    @Test
    void tlsRegistryWithoutCredentialsNamesTheRegistryAndSaysHowToLogIn() {
        try (ContainerEngine engine = ContainerEngine.embedded(settings())) {
            assertThatThrownBy(() -> engine.pull(testbed.tlsRegistry() + "/library/busybox:latest"))
                    .isInstanceOf(RegistryAuthenticationException.class)
                    .hasMessageContaining(testbed.tlsRegistry())
                    .hasMessageContaining("library/busybox")
                    .hasMessageContaining("docker login");
        }
    }

    @Test
    void tokenRegistryGivesAnonymousPullsOfPublicImagesOnly() {
        try (ContainerEngine engine = ContainerEngine.embedded(settings())) {
            assertThat(engine.pull(testbed.tokenRegistry() + "/library/busybox:latest").layers()).isNotEmpty();
            assertThatThrownBy(() -> engine.pull(testbed.tokenRegistry() + "/library/postgres:15"))
                    .isInstanceOf(RegistryAuthenticationException.class)
                    .hasMessageContaining(testbed.tokenRegistry())
                    .hasMessageContaining("docker login");
        }
    }

    @Test
    void missingImageNamesTheReferenceAndTheRegistry() {
        try (ContainerEngine engine = ContainerEngine.embedded(settings())) {
            assertThatThrownBy(() -> engine.pull(testbed.plainRegistry() + "/library/no-such-image:1"))
                    .isInstanceOf(ImageNotFoundException.class)
                    .hasMessageContaining(testbed.plainRegistry())
                    .hasMessageContaining("library/no-such-image:1");
            assertThatThrownBy(() -> engine.pull(testbed.plainRegistry() + "/library/busybox:no-such-tag"))
                    .isInstanceOf(ImageNotFoundException.class)
                    .hasMessageContaining("no-such-tag");
        }
    }

    @Test
    void picksTheHostPlatformFromAnIndexOrTheOneAsked() {
        try (ContainerEngine engine = ContainerEngine.embedded(settings())) {
            ImageReference ref = ImageReference.parse(testbed.plainRegistry() + "/library/multiarch:latest");
            Image amd64 = engine.pull(ref, PullOptions.defaults());
            assertThat(amd64.platform().architecture()).isEqualTo("amd64");
            Image arm64 = engine.pull(ref, PullOptions.defaults().withPlatform(Platform.parse("linux/arm64/v8")));
            assertThat(arm64.platform().architecture()).isEqualTo("arm64");
            assertThat(arm64.manifestDigest()).isNotEqualTo(amd64.manifestDigest());
        }
    }

    @Test
    void docker_io_imagesComeFromTheMirror() {
        try (ContainerEngine engine = ContainerEngine.embedded(settings().withRegistryMirrors(List.of(testbed.plainRegistry())))) {
            Image busybox = engine.pull("busybox");
            assertThat(busybox.references()).containsExactly(ImageReference.parse("docker.io/library/busybox:latest"));
            assertThat(engine.image(ImageReference.parse("busybox:latest"))).isPresent();
        }
    }

    @Test
    void removingTheLastReferenceDeletesTheContent() throws Exception {
        try (ContainerEngine engine = ContainerEngine.embedded(settings())) {
            ImageReference busybox = ImageReference.parse(testbed.plainRegistry() + "/library/busybox:latest");
            ImageReference layered = ImageReference.parse(testbed.plainRegistry() + "/library/layered:latest");
            engine.pull(busybox, PullOptions.defaults());
            Image layeredImage = engine.pull(layered, PullOptions.defaults());
            engine.removeImage(layered);
            assertThat(engine.image(layered)).isEmpty();
            assertThat(engine.images()).hasSize(1);
            Path blobs = state.resolve("content/blobs/sha256");
            // busybox's layer is shared with layered and stays; layered's own layers go
            String topLayer = layeredImage.layers().get(layeredImage.layers().size() - 1);
            assertThat(blobs.resolve(topLayer.substring("sha256:".length()))).doesNotExist();
            engine.removeImage(busybox);
            try (Stream<Path> left = Files.list(blobs)) {
                assertThat(left).isEmpty();
            }
            assertThatThrownBy(() -> engine.removeImage(busybox)).isInstanceOf(ImageNotFoundException.class);
        }
    }

    @Test
    void loadsDockerSaveArchivesAndOciLayouts() {
        try (ContainerEngine engine = ContainerEngine.embedded(settings())) {
            List<Image> fromDocker = engine.load(testbed.busyboxDockerArchive());
            assertThat(fromDocker).hasSize(1);
            assertThat(fromDocker.get(0).config().cmd()).containsExactly("sh");
            List<Image> fromOci = engine.load(testbed.busyboxOciArchive());
            assertThat(fromOci).hasSize(1);
            assertThat(fromOci.get(0).id()).isEqualTo(fromDocker.get(0).id());
        }
    }
}
