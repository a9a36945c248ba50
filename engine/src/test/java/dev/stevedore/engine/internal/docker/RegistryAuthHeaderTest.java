package dev.stevedore.engine.internal.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stevedore.engine.ImageReference;
import dev.stevedore.engine.internal.registry.DockerCredentials;
import dev.stevedore.engine.internal.registry.RegistryCredential;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class RegistryAuthHeaderTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode decode(String header) throws Exception {
        return JSON.readTree(Base64.getUrlDecoder().decode(header));
    }

    @Test
    void passwordsTravelAsDockersAuthConfig() throws Exception {
        JsonNode auth = decode(RegistryAuthHeader.encode(RegistryCredential.password("ci", "s3cr?t>", "config.json"), "127.0.0.1:5001"));

        assertThat(auth.path("username").asText()).isEqualTo("ci");
        assertThat(auth.path("password").asText()).isEqualTo("s3cr?t>");
        assertThat(auth.path("serveraddress").asText()).isEqualTo("127.0.0.1:5001");
    }

    @Test
    void tokensTravelAsTokens() throws Exception {
        assertThat(decode(RegistryAuthHeader.encode(RegistryCredential.identityToken(null, "refresh", "helper"), "r"))
                .path("identitytoken").asText()).isEqualTo("refresh");
        assertThat(decode(RegistryAuthHeader.encode(RegistryCredential.registryToken("bearer", "config.json"), "r"))
                .path("registrytoken").asText()).isEqualTo("bearer");
    }

    @Test
    void usesTheCredentialsOfTheImagesRegistryAndNoneForOthers(@TempDir Path config) throws Exception {
        Files.writeString(config.resolve("config.json"), "{\"auths\":{\"127.0.0.1:5002\":{\"auth\":\""
                + Base64.getEncoder().encodeToString("user:pw".getBytes()) + "\"},"
                + "\"https://index.docker.io/v1/\":{\"auth\":\"" + Base64.getEncoder().encodeToString("hub:pw".getBytes()) + "\"}}}");
        DockerCredentials credentials = new DockerCredentials(config, List.of(), Duration.ofSeconds(1));

        assertThat(RegistryAuthHeader.forImage(credentials, ImageReference.parse("127.0.0.1:5002/library/layered:latest")))
                .hasValueSatisfying(h -> assertThat(h).doesNotContain("+", "/"));
        assertThat(decode(RegistryAuthHeader.forImage(credentials, ImageReference.parse("127.0.0.1:5002/a:b")).orElseThrow())
                .path("username").asText()).isEqualTo("user");
        assertThat(decode(RegistryAuthHeader.forImage(credentials, ImageReference.parse("postgres:15")).orElseThrow())
                .path("serveraddress").asText()).isEqualTo("https://index.docker.io/v1/");
        assertThat(RegistryAuthHeader.forImage(credentials, ImageReference.parse("127.0.0.1:5000/library/busybox"))).isEmpty();
    }
}
