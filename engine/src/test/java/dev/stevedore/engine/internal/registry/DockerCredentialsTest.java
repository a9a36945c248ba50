package dev.stevedore.engine.internal.registry;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DockerCredentialsTest {
    @TempDir
    Path config;
    @TempDir
    Path bin;

    private DockerCredentials credentials() {
        return new DockerCredentials(config, List.of(bin), Duration.ofSeconds(10));
    }

    private void writeConfig(String json) throws IOException {
        Files.writeString(config.resolve("config.json"), json);
    }

    private static String base64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    /** A fake helper: answers for one server URL (read from stdin), exits 1 for any other, records its arguments. */
    private void writeHelper(String name, String serverUrl, String answer) throws IOException {
        Path script = bin.resolve("docker-credential-" + name);
        Files.writeString(script, """
                #!/bin/sh
                echo "$@" > "%s/args-%s"
                read -r server || true
                if [ "$server" = "%s" ]; then
                  printf '%%s' '%s'
                  exit 0
                fi
                echo "credentials not found in native keychain"
                exit 1
                """.formatted(bin, name, serverUrl, answer));
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @Test
    void noConfigFileMeansNoCredentials() {
        assertThat(credentials().lookup("localhost:5000")).isEmpty();
    }

    @Test
    void malformedConfigMeansNoCredentials() throws IOException {
        writeConfig("{not json");

        assertThat(credentials().lookup("localhost:5000")).isEmpty();
    }

    @Test
    void readsBase64AuthForAHost() throws IOException {
        writeConfig("{\"auths\": {\"127.0.0.1:5443\": {\"auth\": \"" + base64("alice:s3cr:et") + "\"}}}");

        assertThat(credentials().lookup("127.0.0.1:5443")).hasValueSatisfying(c -> {
            assertThat(c.kind()).isEqualTo(RegistryCredential.Kind.PASSWORD);
            assertThat(c.username()).isEqualTo("alice");
            assertThat(c.password()).isEqualTo("s3cr:et");
            assertThat(c.basicAuthorization()).isEqualTo("Basic " + base64("alice:s3cr:et"));
        });
        assertThat(credentials().lookup("127.0.0.1:5000")).isEmpty();
    }

    @Test
    void keysMayBeUrls() throws IOException {
        writeConfig("{\"auths\": {\"https://registry.example.com/v2/\": {\"auth\": \"" + base64("bob:pw") + "\"}}}");

        assertThat(credentials().lookup("registry.example.com")).map(RegistryCredential::username).contains("bob");
    }

    @Test
    void dockerHubCredentialsAreFoundUnderTheIndexKeyForEveryHubName() throws IOException {
        writeConfig("{\"auths\": {\"" + DockerCredentials.DOCKER_HUB_SERVER + "\": {\"auth\": \"" + base64("hubuser:pw") + "\"}}}");

        assertThat(credentials().lookup("docker.io")).map(RegistryCredential::username).contains("hubuser");
        assertThat(credentials().lookup("registry-1.docker.io")).map(RegistryCredential::username).contains("hubuser");
    }

    @Test
    void readsIdentityAndRegistryTokens() throws IOException {
        writeConfig("""
                {"auths": {
                  "id.example": {"auth": "%s", "identitytoken": "refresh-me"},
                  "tok.example": {"registrytoken": "bearer-me"}}}
                """.formatted(base64("carol:")));

        assertThat(credentials().lookup("id.example")).hasValueSatisfying(c -> {
            assertThat(c.kind()).isEqualTo(RegistryCredential.Kind.IDENTITY_TOKEN);
            assertThat(c.identityToken()).isEqualTo("refresh-me");
            assertThat(c.username()).isEqualTo("carol");
        });
        assertThat(credentials().lookup("tok.example")).hasValueSatisfying(c -> {
            assertThat(c.kind()).isEqualTo(RegistryCredential.Kind.REGISTRY_TOKEN);
            assertThat(c.registryToken()).isEqualTo("bearer-me");
        });
    }

    @Test
    void anEntryWithoutSecretsIsNoCredential() throws IOException {
        writeConfig("{\"auths\": {\"localhost:5000\": {}}}");

        assertThat(credentials().lookup("localhost:5000")).isEmpty();
    }

    @Test
    void credHelperForTheHostComesFirst() throws IOException {
        writeHelper("test", "localhost:5000", "{\"ServerURL\":\"localhost:5000\",\"Username\":\"helped\",\"Secret\":\"from-helper\"}");
        writeConfig("""
                {"credHelpers": {"localhost:5000": "test"}, "credsStore": "other",
                 "auths": {"localhost:5000": {"auth": "%s"}}}
                """.formatted(base64("file:pw")));

        assertThat(credentials().lookup("localhost:5000")).hasValueSatisfying(c -> {
            assertThat(c.username()).isEqualTo("helped");
            assertThat(c.password()).isEqualTo("from-helper");
            assertThat(c.source()).isEqualTo("docker-credential-test");
        });
        assertThat(bin.resolve("args-test")).hasContent("get");
    }

    @Test
    void credsStoreComesBeforeAuthsAndFallsBackToThemWhenItHasNothing() throws IOException {
        writeHelper("test", "store.example", "{\"Username\":\"stored\",\"Secret\":\"s\"}");
        writeConfig("""
                {"credsStore": "test",
                 "auths": {"store.example": {}, "other.example": {"auth": "%s"}}}
                """.formatted(base64("file:pw")));

        assertThat(credentials().lookup("store.example")).map(RegistryCredential::username).contains("stored");
        assertThat(credentials().lookup("other.example")).map(RegistryCredential::username).contains("file");
    }

    @Test
    void helperAnsweringTokenUsernameGivesAnIdentityToken() throws IOException {
        writeHelper("test", DockerCredentials.DOCKER_HUB_SERVER, "{\"Username\":\"<token>\",\"Secret\":\"refresh\"}");
        writeConfig("{\"credHelpers\": {\"docker.io\": \"test\"}}");

        assertThat(credentials().lookup("registry-1.docker.io")).hasValueSatisfying(c -> {
            assertThat(c.kind()).isEqualTo(RegistryCredential.Kind.IDENTITY_TOKEN);
            assertThat(c.identityToken()).isEqualTo("refresh");
        });
    }

    @Test
    void failingOrMissingHelperMeansNoCredentials() throws IOException {
        writeHelper("test", "somewhere.else", "{}");
        writeConfig("{\"credHelpers\": {\"a.example\": \"test\", \"b.example\": \"absent\"}}");

        assertThat(credentials().lookup("a.example")).isEmpty();
        assertThat(credentials().lookup("b.example")).isEmpty();
    }

    @Test
    void helperThatHangsIsGivenUp() throws IOException {
        Path script = bin.resolve("docker-credential-slow");
        Files.writeString(script, "#!/bin/sh\nexec sleep 300\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        writeConfig("{\"credHelpers\": {\"slow.example\": \"slow\"}}");
        DockerCredentials impatient = new DockerCredentials(config, List.of(bin), Duration.ofMillis(300));

        long start = System.nanoTime();
        assertThat(impatient.lookup("slow.example")).isEmpty();
        // tells giving up from waiting for the helper (300 s), nothing finer: at load 15 a process start takes seconds
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(60));
    }

    @Test
    void helperWithGarbageOutputMeansNoCredentials() throws IOException {
        writeHelper("test", "g.example", "not json");
        writeConfig("{\"credHelpers\": {\"g.example\": \"test\"}}");

        assertThat(credentials().lookup("g.example")).isEmpty();
    }

    @Test
    void toStringNeverShowsTheSecret() {
        RegistryCredential credential = RegistryCredential.password("alice", "hunter2", "config.json");

        assertThat(credential.toString()).contains("alice").doesNotContain("hunter2");
        assertThat(RegistryCredential.registryToken("tok-secret", "x").toString()).doesNotContain("tok-secret");
    }

    @Test
    void storeWritesDockersEntryKeepsTheRestAndEraseRemovesEveryKeyForTheHost() throws IOException {
        writeConfig("{\"auths\": {\"https://127.0.0.1:5443/v2/\": {\"auth\": \"" + base64("old:pw") + "\"},"
                + " \"other:1\": {\"auth\": \"" + base64("bob:x") + "\"}}, \"HttpHeaders\": {\"X-Meta\": \"1\"}}");

        assertThat(credentials().store("https://127.0.0.1:5443", "alice", "s3cret", null)).isNull();

        assertThat(credentials().lookup("127.0.0.1:5443")).hasValueSatisfying(c -> assertThat(c.password()).isEqualTo("s3cret"));
        String written = Files.readString(config.resolve("config.json"));
        assertThat(written).contains("\n\t\t\"127.0.0.1:5443\": {\n\t\t\t\"auth\": \"" + base64("alice:s3cret") + "\"\n\t\t}",
                "\"X-Meta\": \"1\"", "\"other:1\"").doesNotEndWith("\n");
        assertThat(Files.getPosixFilePermissions(config.resolve("config.json"))).isEqualTo(PosixFilePermissions.fromString("rw-------"));

        credentials().erase("127.0.0.1:5443");

        assertThat(credentials().lookup("127.0.0.1:5443")).isEmpty();
        assertThat(credentials().lookup("other:1")).isPresent();
    }

    @Test
    void storeAndEraseGoToTheConfiguredHelperAndNotIntoTheFile() throws IOException {
        Path record = bin.resolve("record");
        Path script = bin.resolve("docker-credential-fake");
        Files.writeString(script, "#!/bin/sh\n{ echo \"$1\"; cat; echo; } >> " + record + "\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        writeConfig("{\"credsStore\": \"fake\"}");

        assertThat(credentials().store("docker.io", "alice", "s3cret", null)).isEqualTo("docker-credential-fake");
        credentials().erase("docker.io");

        assertThat(Files.readString(record)).isEqualTo("store\n{\"ServerURL\":\"https://index.docker.io/v1/\",\"Username\":\"alice\","
                + "\"Secret\":\"s3cret\"}\nerase\nhttps://index.docker.io/v1/\n");
        assertThat(Files.readString(config.resolve("config.json"))).doesNotContain("s3cret", "alice");
    }
}
