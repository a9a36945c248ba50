package dev.stevedore.apitest;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.EngineSettings;
import dev.stevedore.engine.Image;
import dev.stevedore.engine.ImageReference;
import dev.stevedore.engine.Platform;
import dev.stevedore.engine.PullOptions;
import dev.stevedore.engine.PushOptions;
import dev.stevedore.engine.PushProgress;
import dev.stevedore.engine.RegistryAuthenticationException;
import dev.stevedore.engine.internal.docker.DockerEndpoint;
import dev.stevedore.engine.internal.docker.DockerEngine;
import dev.stevedore.engine.testbed.Testbed;
import dev.stevedore.engine.testbed.TokenIssuer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Pushes to each of the test bed's registries with their kind of authentication (none, Basic over TLS, Bearer
 * tokens with push scope), through the embedded engine and through the test bed's dockerd, and pulls back by
 * digest into a fresh engine. Every push goes to a repository of its own.
 */
class PushToRegistriesIT {
    private static Testbed testbed;

    @TempDir
    Path state;
    @TempDir
    Path otherState;
    @TempDir
    Path home;

    @BeforeAll
    static void testbed() {
        testbed = Testbed.get();
        TokenIssuer.ensureRunning(testbed);
    }

    private EngineSettings settings(Path stateDirectory, boolean credentials) {
        EngineSettings settings = EngineSettings.from(name -> null)
                .withStateDirectory(stateDirectory)
                .withDockerConfigDirectory(home.resolve(credentials ? ".docker" : "no-credentials"))
                .withCertificateDirectories(List.of(testbed.certsDirectory()))
                .withPlatform(Platform.parse("linux/amd64"));
        if (credentials) {
            testbed.writeDockerConfig(home.resolve(".docker"), Map.of(
                    testbed.tlsRegistry(), new String[] {testbed.tlsUser(), testbed.tlsPassword()},
                    testbed.tokenRegistry(), new String[] {testbed.tokenUser(), testbed.tokenPassword()}));
        }
        return settings;
    }

    private static String registry(String kind) {
        return switch (kind) {
            case "plain" -> testbed.plainRegistry();
            case "tls" -> testbed.tlsRegistry();
            default -> testbed.tokenRegistry();
        };
    }

    private static ImageReference fresh(String registry) {
        return ImageReference.parse(registry + "/pushed-" + UUID.randomUUID().toString().substring(0, 12) + "/busybox:v1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"plain", "tls", "token"})
    void embeddedEnginePushesToEachRegistryAndAnotherEnginePullsItBackByDigest(String kind) {
        String registry = registry(kind);
        ImageReference target = fresh(registry);
        List<PushProgress> events = new CopyOnWriteArrayList<>();
        Image source;
        String digest;
        try (ContainerEngine engine = ContainerEngine.embedded(settings(state, true))) {
            source = engine.pull(ImageReference.parse(registry + "/library/busybox:latest"), PullOptions.defaults());
            engine.tag(ImageReference.parse(registry + "/library/busybox:latest"), target);

            digest = engine.push(target, new PushOptions(events::add));
        }

        assertThat(digest).isEqualTo(source.manifestDigest());
        assertThat(events).last().extracting(PushProgress::phase).isEqualTo(PushProgress.Phase.COMPLETE);
        // the image is also filed under the registry's library/busybox, so a fresh repository mounts every blob
        for (String layer : source.layers()) {
            assertThat(events).as("events of layer %s", layer).filteredOn(e -> e.digest().equals(layer))
                    .extracting(PushProgress::phase).containsExactly(PushProgress.Phase.PREPARING, PushProgress.Phase.MOUNTED);
        }
        assertThat(events).extracting(PushProgress::phase).doesNotContain(PushProgress.Phase.PUSHING, PushProgress.Phase.PUSHED);
        try (ContainerEngine other = ContainerEngine.embedded(settings(otherState, true))) {
            Image pulled = other.pull(new ImageReference(target.registry(), target.repository(), null, digest), PullOptions.defaults());
            assertThat(pulled.id()).isEqualTo(source.id());
            assertThat(other.pull(target, PullOptions.defaults()).manifestDigest()).isEqualTo(digest);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tls", "token"})
    void pushWithoutCredentialsIsRefusedAndSaysHowToLogIn(String kind) {
        String registry = registry(kind);
        try (ContainerEngine withCredentials = ContainerEngine.embedded(settings(state, true))) {
            withCredentials.pull(ImageReference.parse(registry + "/library/busybox:latest"), PullOptions.defaults());
        }
        ImageReference target = fresh(registry);
        try (ContainerEngine engine = ContainerEngine.embedded(settings(state, false))) {
            engine.tag(ImageReference.parse(registry + "/library/busybox:latest"), target);

            assertThatThrownBy(() -> engine.push(target, PushOptions.defaults()))
                    .isInstanceOf(RegistryAuthenticationException.class)
                    .hasMessageContaining("push of " + target)
                    .hasMessageContaining(registry)
                    .hasMessageContaining("docker login");
        }
    }

    @Test
    void dockerBackendPushesToTheTokenRegistryWithTheUsersCredentials() {
        Path socket = testbed.dockerSocket().orElseThrow(() -> new AssertionError(
                "the test bed's dockerd is not up: run `sudo testbed/dockerd up`"));
        ImageReference source = ImageReference.parse(testbed.plainRegistry() + "/library/busybox:latest");
        ImageReference target = fresh(testbed.tokenRegistry());
        List<PushProgress> events = new CopyOnWriteArrayList<>();
        String digest;
        try (ContainerEngine docker = DockerEngine.open(DockerEndpoint.unix(socket, "test bed"), settings(state, true))) {
            Image image = docker.pull(source, PullOptions.defaults());
            docker.tag(source, target);
            try {
                digest = docker.push(target, new PushOptions(events::add));
            } finally {
                docker.removeImage(target);
            }
            assertThat(image.references()).contains(source);
        }

        assertThat(digest).matches("sha256:[0-9a-f]{64}");
        assertThat(events).extracting(PushProgress::phase).contains(PushProgress.Phase.PREPARING).endsWith(PushProgress.Phase.COMPLETE);
        try (ContainerEngine other = ContainerEngine.embedded(settings(otherState, true))) {
            Image pulled = other.pull(new ImageReference(target.registry(), target.repository(), null, digest), PullOptions.defaults());
            assertThat(pulled.manifestDigest()).isEqualTo(digest);
        }
    }
}
