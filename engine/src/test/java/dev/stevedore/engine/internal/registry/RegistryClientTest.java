package dev.stevedore.engine.internal.registry;

import dev.stevedore.engine.ImageNotFoundException;
import dev.stevedore.engine.ImageReference;
import dev.stevedore.engine.RegistryAuthenticationException;
import dev.stevedore.engine.RegistryException;
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

    static final ImageReference BUSYBOX = ImageReference.parse("busybox");

    static String failed(String registry, String detail) {
        return "pull of " + BUSYBOX + " from " + registry + " failed: " + detail;
    }

    @Test
    void notFoundEverywhereNamesEveryRegistryTried() {
        RegistryException combined = RegistryClient.combined(BUSYBOX, List.of(
                new ImageNotFoundException(failed("m:1", "m:1 has no manifest for tag \"latest\" of library/busybox (404 Not Found)"), "m:1", BUSYBOX, 404),
                new RegistryException(failed("m:2", "cannot connect to https://m:2/v2/: Connection refused"), "m:2", BUSYBOX, 0),
                new ImageNotFoundException(failed("registry-1.docker.io", "registry-1.docker.io has no manifest (404 Not Found)"),
                        "registry-1.docker.io", BUSYBOX, 404)));

        assertThat(combined).isInstanceOf(ImageNotFoundException.class)
                .hasMessage(failed("registry-1.docker.io", "registry-1.docker.io has no manifest (404 Not Found)")
                        + " (mirrors tried first: m:1 has no manifest for tag \"latest\" of library/busybox (404 Not Found); "
                        + "m:2: cannot connect to https://m:2/v2/: Connection refused)");
        assertThat(combined.registry()).isEqualTo("registry-1.docker.io");
        assertThat(combined.getSuppressed()).hasSize(2);
    }

    @Test
    void combinedFailureTakesTheKindOfTheLastOne() {
        RegistryException mirror = new ImageNotFoundException(failed("m:1", "gone"), "m:1", BUSYBOX, 404);

        assertThat(RegistryClient.combined(BUSYBOX, List.of(mirror,
                new RegistryAuthenticationException(failed("o", "401"), "o", BUSYBOX, 401))))
                .isExactlyInstanceOf(RegistryAuthenticationException.class);
        assertThat(RegistryClient.combined(BUSYBOX, List.of(mirror, new RegistryException(failed("o", "x"), "o", BUSYBOX, 0))))
                .isExactlyInstanceOf(RegistryException.class);
        assertThat(RegistryClient.combined(BUSYBOX, List.of(mirror))).isSameAs(mirror);
    }

    @Test
    void pullScopeNamesTheRepository() {
        assertThat(RegistryAuthenticator.pullScope("library/postgres")).isEqualTo("repository:library/postgres:pull");
    }
}
