package dev.stevedore.engine.internal.image;

import dev.stevedore.engine.ImageConfig;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ImageConfigDocumentTest {
    static final String DIFF_ID = "sha256:" + "d".repeat(64);

    static final String POSTGRES_LIKE = """
            {"architecture": "arm64", "variant": "v8", "os": "linux",
             "created": "2024-05-09T18:04:33.123456789+02:00",
             "config": {
               "User": "postgres", "WorkingDir": "/var/lib/postgresql",
               "Env": ["PATH=/usr/local/bin:/usr/bin", "PGDATA=/var/lib/postgresql/data"],
               "Entrypoint": ["docker-entrypoint.sh"], "Cmd": ["postgres"],
               "ExposedPorts": {"5432/tcp": {}, "9187": {}},
               "Volumes": {"/var/lib/postgresql/data": {}},
               "Labels": {"maintainer": "someone"},
               "StopSignal": "SIGINT",
               "Healthcheck": {"Test": ["CMD-SHELL", "pg_isready"], "Interval": 5000000000, "Timeout": 1500000000,
                               "StartPeriod": 30000000000, "StartInterval": 1000000000, "Retries": 5},
               "OnBuild": null, "ArgsEscaped": true},
             "rootfs": {"type": "layers", "diff_ids": ["%s"]},
             "history": [{"created_by": "ADD rootfs"}]}
            """.formatted(DIFF_ID);

    static ImageConfigDocument parse(String json) {
        return ImageConfigDocument.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsTheRunnableConfiguration() {
        ImageConfigDocument document = parse(POSTGRES_LIKE);
        ImageConfig config = document.config();

        assertThat(config.entrypoint()).containsExactly("docker-entrypoint.sh");
        assertThat(config.cmd()).containsExactly("postgres");
        assertThat(config.env()).containsExactly("PATH=/usr/local/bin:/usr/bin", "PGDATA=/var/lib/postgresql/data");
        assertThat(config.user()).isEqualTo("postgres");
        assertThat(config.workingDir()).isEqualTo("/var/lib/postgresql");
        assertThat(config.exposedPorts()).containsExactlyInAnyOrder("5432/tcp", "9187/tcp");
        assertThat(config.volumes()).containsExactly("/var/lib/postgresql/data");
        assertThat(config.labels()).containsEntry("maintainer", "someone");
        assertThat(config.stopSignal()).isEqualTo("SIGINT");
    }

    @Test
    void readsHealthcheckDurationsAsGoNanoseconds() {
        ImageConfig.Healthcheck healthcheck = parse(POSTGRES_LIKE).config().healthcheck();

        assertThat(healthcheck.test()).containsExactly("CMD-SHELL", "pg_isready");
        assertThat(healthcheck.interval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(healthcheck.timeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(healthcheck.startPeriod()).isEqualTo(Duration.ofSeconds(30));
        assertThat(healthcheck.retries()).isEqualTo(5);
    }

    @Test
    void missingHealthcheckDurationsAreZero() {
        String json = POSTGRES_LIKE.replaceAll("\"Healthcheck\": \\{[^}]*}", "\"Healthcheck\": {\"Test\": [\"NONE\"]}");

        ImageConfig.Healthcheck healthcheck = parse(json).config().healthcheck();
        assertThat(healthcheck.test()).containsExactly("NONE");
        assertThat(healthcheck.interval()).isZero();
        assertThat(healthcheck.retries()).isZero();
    }

    @Test
    void readsPlatformDiffIdsAndCreated() {
        ImageConfigDocument document = parse(POSTGRES_LIKE);

        assertThat(document.platform().toString()).isEqualTo("linux/arm64/v8");
        assertThat(document.diffIds()).extracting(Object::toString).containsExactly(DIFF_ID);
        assertThat(document.created()).isEqualTo(Instant.parse("2024-05-09T16:04:33.123456789Z"));
    }

    @Test
    void nullsAndAbsentFieldsBecomeEmpty() {
        ImageConfigDocument document = parse("""
                {"architecture": "amd64", "os": "linux", "created": "0001-01-01T00:00:00Z",
                 "config": {"Entrypoint": null, "Cmd": ["sh"], "Env": null, "Labels": null, "Healthcheck": null},
                 "rootfs": {"type": "layers", "diff_ids": []}}
                """);

        assertThat(document.config().entrypoint()).isEmpty();
        assertThat(document.config().env()).isEmpty();
        assertThat(document.config().labels()).isEmpty();
        assertThat(document.config().healthcheck()).isNull();
        assertThat(document.config().workingDir()).isEmpty();
        assertThat(document.created()).as("Go's zero time means unknown").isNull();
        assertThat(document.author()).as("no author field").isEmpty();
    }

    @Test
    void readsTheAuthor() {
        ImageConfigDocument document = parse("""
                {"architecture": "amd64", "os": "linux", "author": "Jane <jane@example.org>",
                 "rootfs": {"type": "layers", "diff_ids": []}}
                """);

        assertThat(document.author()).isEqualTo("Jane <jane@example.org>");
    }

    @Test
    void configWithoutRunnablePartIsEmpty() {
        ImageConfigDocument document = parse("""
                {"architecture": "amd64", "os": "linux", "rootfs": {"type": "layers", "diff_ids": []}}
                """);

        assertThat(document.config()).isEqualTo(ImageConfig.empty());
        assertThat(document.created()).isNull();
    }

    @Test
    void refusesConfigsWithoutPlatform() {
        assertThatThrownBy(() -> parse("{\"os\": \"linux\", \"rootfs\": {\"type\": \"layers\", \"diff_ids\": []}}"))
                .isInstanceOf(ImageFormatException.class)
                .hasMessage("the image config: \"architecture\" is missing");
    }

    @Test
    void refusesMalformedDiffIds() {
        assertThatThrownBy(() -> parse(POSTGRES_LIKE.replace(DIFF_ID, "sha256:nothex")))
                .isInstanceOf(ImageFormatException.class)
                .hasMessageStartingWith("the image config's rootfs.diff_ids[0]: ");
    }

    @Test
    void refusesWronglyTypedFields() {
        assertThatThrownBy(() -> parse(POSTGRES_LIKE.replace("\"Cmd\": [\"postgres\"]", "\"Cmd\": \"postgres\"")))
                .isInstanceOf(ImageFormatException.class)
                .hasMessage("the image config's config: \"Cmd\" must be an array of strings");
        assertThatThrownBy(() -> parse(POSTGRES_LIKE.replace("\"Interval\": 5000000000", "\"Interval\": \"5s\"")))
                .isInstanceOf(ImageFormatException.class)
                .hasMessageContaining("\"Interval\" must be a non-negative number of nanoseconds");
    }

    @Test
    void refusesOtherRootfsTypes() {
        assertThatThrownBy(() -> parse(POSTGRES_LIKE.replace("\"type\": \"layers\"", "\"type\": \"squashfs\"")))
                .isInstanceOf(ImageFormatException.class)
                .hasMessageContaining("only \"layers\" is defined");
    }
}
