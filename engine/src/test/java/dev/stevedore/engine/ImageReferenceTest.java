package dev.stevedore.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ImageReferenceTest {
    static final String DIGEST = "sha256:" + "0123456789abcdef".repeat(4);

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "postgres,                         docker.io/library/postgres:latest",
            "postgres:16,                      docker.io/library/postgres:16",
            "library/postgres:16,              docker.io/library/postgres:16",
            "docker.io/postgres,               docker.io/library/postgres:latest",
            "docker.io/library/postgres,       docker.io/library/postgres:latest",
            "index.docker.io/postgres:16,      docker.io/library/postgres:16",
            "index.docker.io/bitnami/redis,    docker.io/bitnami/redis:latest",
            "bitnami/redis:7.2,                docker.io/bitnami/redis:7.2",
            "a/b/c/d,                          docker.io/a/b/c/d:latest",
            "localhost/app,                    localhost/app:latest",
            "localhost:5000/app:1.0,           localhost:5000/app:1.0",
            "127.0.0.1:5000/team/app,          127.0.0.1:5000/team/app:latest",
            "registry.example.com/app,         registry.example.com/app:latest",
            "ghcr.io/owner/image:v1.2.3-rc.1,  ghcr.io/owner/image:v1.2.3-rc.1",
            "[::1]:5000/app:1,                 [::1]:5000/app:1",
            "[2001:db8::1]/app,                [2001:db8::1]/app:latest",
            "Registry/app,                     Registry/app:latest",
            "my-host.internal:443/x.y/z__w,    my-host.internal:443/x.y/z__w:latest",
            "a-b---c/d_e,                      docker.io/a-b---c/d_e:latest",
            "app:_underscore.ok-1,             docker.io/library/app:_underscore.ok-1",
    })
    void normalisesAsDockerDoes(String input, String expected) {
        assertThat(ImageReference.parse(input).toString()).isEqualTo(expected);
    }

    @Test
    void keepsRegistryRepositoryTagAndDigestApart() {
        ImageReference reference = ImageReference.parse("localhost:5000/team/app:1.4@" + DIGEST);

        assertThat(reference.registry()).isEqualTo("localhost:5000");
        assertThat(reference.repository()).isEqualTo("team/app");
        assertThat(reference.tag()).isEqualTo("1.4");
        assertThat(reference.digest()).isEqualTo(DIGEST);
        assertThat(reference.name()).isEqualTo("localhost:5000/team/app");
        assertThat(reference.toString()).isEqualTo("localhost:5000/team/app:1.4@" + DIGEST);
    }

    @Test
    void digestWinsOverTagWhenAskingTheRegistry() {
        ImageReference reference = ImageReference.parse("postgres:16@" + DIGEST);

        assertThat(reference.identifier()).isEqualTo(DIGEST);
        assertThat(reference.tag()).isEqualTo("16");
    }

    @Test
    void digestOnlyReferenceHasNoTag() {
        ImageReference reference = ImageReference.parse("postgres@" + DIGEST);

        assertThat(reference.tag()).isNull();
        assertThat(reference.identifier()).isEqualTo(DIGEST);
        assertThat(reference.toString()).isEqualTo("docker.io/library/postgres@" + DIGEST);
    }

    @Test
    void defaultTagIsLatest() {
        assertThat(ImageReference.parse("busybox").tag()).isEqualTo("latest");
        assertThat(ImageReference.parse("busybox").identifier()).isEqualTo("latest");
    }

    @Test
    void localhostWithoutSlashIsAnImageNameWithATag() {
        ImageReference reference = ImageReference.parse("localhost:5000");

        assertThat(reference.registry()).isEqualTo("docker.io");
        assertThat(reference.repository()).isEqualTo("library/localhost");
        assertThat(reference.tag()).isEqualTo("5000");
    }

    @Test
    void dockerHubIsAskedThroughItsApiHost() {
        assertThat(ImageReference.parse("postgres").apiHost()).isEqualTo("registry-1.docker.io");
        assertThat(ImageReference.parse("localhost:5000/app").apiHost()).isEqualTo("localhost:5000");
    }

    @Test
    void familiarFormDropsDockerHubAndLibrary() {
        assertThat(ImageReference.parse("docker.io/library/postgres:15").familiar()).isEqualTo("postgres:15");
        assertThat(ImageReference.parse("bitnami/redis").familiar()).isEqualTo("bitnami/redis:latest");
        assertThat(ImageReference.parse("localhost:5000/app:1").familiar()).isEqualTo("localhost:5000/app:1");
    }

    @Test
    void withRegistryAndWithDigestKeepTheRest() {
        ImageReference reference = ImageReference.parse("busybox:1.36");

        assertThat(reference.withRegistry("127.0.0.1:5000").toString()).isEqualTo("127.0.0.1:5000/library/busybox:1.36");
        assertThat(reference.withDigest(DIGEST).toString()).isEqualTo("docker.io/library/busybox:1.36@" + DIGEST);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "Postgres:16                         | repository name must be lowercase",
            "docker.io/Library/postgres          | repository name must be lowercase",
            "postgres:                           | tag \"\" must be 1 to 128 of letters, digits, '_', '.', '-' and not start with '.' or '-'",
            "postgres:-1                         | tag \"-1\" must be 1 to 128 of letters, digits, '_', '.', '-' and not start with '.' or '-'",
            "postgres:.hidden                    | tag \".hidden\" must be 1 to 128 of letters, digits, '_', '.', '-' and not start with '.' or '-'",
            "postgres:a+b                        | tag \"a+b\" must be 1 to 128 of letters, digits, '_', '.', '-' and not start with '.' or '-'",
            "postgres@sha256:abc                 | digest \"sha256:abc\" is not sha256:<64 lowercase hex digits>",
            "postgres@md5:0123456789abcdef0123456789abcdef | digest \"md5:0123456789abcdef0123456789abcdef\" is not sha256:<64 lowercase hex digits>",
            "postgres@SHA256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef | digest \"SHA256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\" is not sha256:<64 lowercase hex digits>",
            ":16                                 | the repository name is missing",
            "localhost:5000/                     | the repository name is missing after the registry",
            "a//b                                | the repository name has an empty path component",
            "-app                                | repository path component \"-app\" may hold only lowercase letters, digits and single separators ('.', '_', '__', '-')",
            "app.                                | repository path component \"app.\" may hold only lowercase letters, digits and single separators ('.', '_', '__', '-')",
            "a..b/c                              | registry \"a..b\" is not a valid host[:port]",
            "host:port/app                       | registry \"host:port\" is not a valid host[:port]",
            "-host.com/app                       | registry \"-host.com\" is not a valid host[:port]",
            "[::1/app                            | registry \"[::1\" is not a valid host[:port]",
            "a___b                               | repository path component \"a___b\" may hold only lowercase letters, digits and single separators ('.', '_', '__', '-')",
    })
    void refusesInvalidReferencesSayingWhy(String input, String reason) {
        assertThatThrownBy(() -> ImageReference.parse(input))
                .isInstanceOf(InvalidImageReferenceException.class)
                .hasMessage("invalid image reference \"" + input + "\": " + reason)
                .satisfies(e -> assertThat(((InvalidImageReferenceException) e).input()).isEqualTo(input));
    }

    @Test
    void refusesEmptyAndBlank() {
        assertThatThrownBy(() -> ImageReference.parse("")).hasMessage("invalid image reference \"\": an image reference cannot be empty");
        assertThatThrownBy(() -> ImageReference.parse(null)).hasMessage("invalid image reference \"null\": an image reference cannot be empty");
        assertThatThrownBy(() -> ImageReference.parse(" postgres"))
                .hasMessage("invalid image reference \" postgres\": it has leading or trailing white space");
    }

    @Test
    void refusesTagsLongerThan128Characters() {
        String longest = "t".repeat(128);
        assertThat(ImageReference.parse("app:" + longest).tag()).isEqualTo(longest);

        assertThatThrownBy(() -> ImageReference.parse("app:" + longest + "t"))
                .isInstanceOf(InvalidImageReferenceException.class)
                .hasMessageContaining("must be 1 to 128 of letters");
    }

    @Test
    void refusesNamesLongerThan255Characters() {
        String repository = "a".repeat(255 - "docker.io/library/".length());
        assertThat(ImageReference.parse(repository).name()).hasSize(255);

        assertThatThrownBy(() -> ImageReference.parse(repository + "a"))
                .isInstanceOf(InvalidImageReferenceException.class)
                .hasMessageEndingWith("the name is longer than 255 characters");
    }

    @Test
    void refusesSixtyFourHexDigitsAsAName() {
        String hex = "0123456789abcdef".repeat(4);

        assertThatThrownBy(() -> ImageReference.parse(hex))
                .isInstanceOf(InvalidImageReferenceException.class)
                .hasMessage("invalid image reference \"" + hex + "\": a name of 64 hexadecimal digits looks like an image id; "
                        + "use the id's digest form (name@sha256:...) instead");
        assertThat(ImageReference.parse("team/" + hex).repository()).isEqualTo("team/" + hex);
    }
}
