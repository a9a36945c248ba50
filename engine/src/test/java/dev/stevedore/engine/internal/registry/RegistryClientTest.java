package dev.stevedore.engine.internal.registry;

import dev.stevedore.engine.ImageReference;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RegistryClientTest {

    @Test
    void dockerHubReferencesTryMirrorsInOrderThenDockerHub() {
        assertThat(RegistryClient.registriesFor(ImageReference.parse("postgres:16"), List.of("mirror-a:5000", "127.0.0.1:5001")))
                .containsExactly("mirror-a:5000", "127.0.0.1:5001", "registry-1.docker.io");
    }

    @Test
    void withoutMirrorsDockerHubIsAskedThroughItsApiHost() {
        assertThat(RegistryClient.registriesFor(ImageReference.parse("busybox"), List.of())).containsExactly("registry-1.docker.io");
    }

    @Test
    void otherRegistriesIgnoreMirrors() {
        assertThat(RegistryClient.registriesFor(ImageReference.parse("127.0.0.1:5000/library/busybox"), List.of("mirror:1")))
                .containsExactly("127.0.0.1:5000");
    }

    @Test
    void dockerHubListedAsAMirrorIsAskedOnceAndLast() {
        assertThat(RegistryClient.registriesFor(ImageReference.parse("busybox"),
                List.of("registry-1.docker.io", "m:1", "m:1")))
                .containsExactly("m:1", "registry-1.docker.io");
    }

    @Test
    void pullScopeNamesTheRepository() {
        assertThat(RegistryAuthenticator.pullScope("library/postgres")).isEqualTo("repository:library/postgres:pull");
    }
}
