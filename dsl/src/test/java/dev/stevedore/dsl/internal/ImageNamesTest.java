package dev.stevedore.dsl.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ImageNamesTest {

    private static String resolve(String image, Map<String, String> variables) {
        return ImageNames.resolve(image, variables::get);
    }

    @Test
    void dockerHubImagesGoToTheImageMirror() {
        Map<String, String> env = Map.of("STEVEDORE_IMAGE_MIRROR", "127.0.0.1:5000");
        assertThat(resolve("postgres:15", env)).isEqualTo("127.0.0.1:5000/library/postgres:15");
        assertThat(resolve("docker.io/team/api:1.4", env)).isEqualTo("127.0.0.1:5000/team/api:1.4");
        assertThat(resolve("busybox", env)).isEqualTo("127.0.0.1:5000/library/busybox:latest");
        String digest = "sha256:" + "b".repeat(64);
        assertThat(resolve("busybox@" + digest, env)).isEqualTo("127.0.0.1:5000/library/busybox@" + digest);
    }

    @Test
    void otherRegistriesAreLeftAlone() {
        Map<String, String> env = Map.of("STEVEDORE_IMAGE_MIRROR", "127.0.0.1:5000");
        assertThat(resolve("ghcr.io/team/api:1", env)).isEqualTo("ghcr.io/team/api:1");
        assertThat(resolve("localhost:5001/busybox", env)).isEqualTo("localhost:5001/busybox");
    }

    @Test
    void theRegistryMirrorListIsUsedWhenNoImageMirrorIsSet() {
        assertThat(resolve("postgres:15", Map.of("STEVEDORE_REGISTRY_MIRROR", " http://10.0.0.5:5000/ , other:5000")))
                .isEqualTo("10.0.0.5:5000/library/postgres:15");
    }

    @Test
    void theImageMirrorWinsAndOffSwitchesTheRewriteOff() {
        assertThat(resolve("postgres:15", Map.of("STEVEDORE_IMAGE_MIRROR", "mirror:1", "STEVEDORE_REGISTRY_MIRROR", "other:2")))
                .isEqualTo("mirror:1/library/postgres:15");
        assertThat(resolve("postgres:15", Map.of("STEVEDORE_IMAGE_MIRROR", "off", "STEVEDORE_REGISTRY_MIRROR", "other:2")))
                .isEqualTo("postgres:15");
    }

    @Test
    void withoutSettingsNamesStayAsWritten() {
        assertThat(resolve("postgres:15", Map.of())).isEqualTo("postgres:15");
    }
}
