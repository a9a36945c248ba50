package dev.stevedore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stevedore.engine.Image;
import dev.stevedore.engine.ImageReference;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ImagesCommandTest {
    private final Image postgres = InMemoryEngine.image("postgres", Instant.parse("2025-05-29T12:00:00Z"),
            300_000_000, 112_345_678);
    private final Image busybox = InMemoryEngine.image("busybox", Instant.parse("2025-04-01T12:00:00Z"), 2_150_000);
    private final InMemoryEngine engine = new InMemoryEngine()
            .store("127.0.0.1:5000/library/busybox:latest", busybox)
            .store("postgres:15", postgres)
            .store("postgres:15.4", postgres);
    private final CliRunner cli = new CliRunner(engine);

    @Test
    void listsOneRowPerReferenceNewestFirstInAlignedColumns() {
        CliRunner.Result result = cli.run("images");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        String postgresId = Ids.shortId(postgres.id());
        String busyboxId = Ids.shortId(busybox.id());
        assertThat(result.outLines()).containsExactly(
                "REPOSITORY                       TAG       IMAGE ID       CREATED        SIZE",
                "postgres                         15        " + postgresId + "   3 days ago     412MB",
                "postgres                         15.4      " + postgresId + "   3 days ago     412MB",
                "127.0.0.1:5000/library/busybox   latest    " + busyboxId + "   2 months ago   2.15MB");
    }

    @Test
    void showsDigestsWhenAsked() {
        CliRunner.Result result = cli.run("images", "--digests");

        assertThat(result.outLines().get(0)).startsWith("REPOSITORY").contains("   DIGEST   ");
        assertThat(result.outLines().get(3)).contains(busybox.manifestDigest());
    }

    @Test
    void quietPrintsEachImageIdOnce() {
        CliRunner.Result result = cli.run("images", "-q");

        assertThat(result.outLines()).containsExactly(Ids.shortId(postgres.id()), Ids.shortId(busybox.id()));
    }

    @Test
    void jsonFormatPrintsAnObjectPerRow() {
        CliRunner.Result result = cli.run("images", "--format", "json");

        assertThat(result.outLines()).hasSize(3);
        // docker's ImageContext as its json writes it: every field, by name
        assertThat(result.outLines().get(2)).isEqualTo("{\"Containers\":\"N/A\",\"CreatedAt\":\""
                + Durations.goTime(java.time.Instant.parse("2025-04-01T12:00:00Z")) + "\",\"CreatedSince\":\"2 months ago\","
                + "\"Digest\":\"" + busybox.manifestDigest() + "\",\"ID\":\"" + Ids.shortId(busybox.id()) + "\","
                + "\"Repository\":\"127.0.0.1:5000/library/busybox\",\"SharedSize\":\"N/A\",\"Size\":\"2.15MB\","
                + "\"Tag\":\"latest\",\"UniqueSize\":\"N/A\",\"VirtualSize\":\"2.15MB\"}");
    }

    @Test
    void templatesPrintEachRowAndTableTemplatesAlignUnderDockersHeaders() {
        CliRunner.Result plain = cli.run("images", "--format", "{{.Repository}}:{{.Tag}}");
        CliRunner.Result table = cli.run("images", "--format", "table {{.Repository}}\\t{{.Tag}}");
        CliRunner.Result unknown = cli.run("images", "--format", "{{.Nope}}");
        CliRunner.Result malformed = cli.run("images", "--format", "{{.ID");

        assertThat(plain.outLines()).hasSize(3).contains("127.0.0.1:5000/library/busybox:latest");
        assertThat(table.outLines().get(0)).isEqualTo("REPOSITORY                       TAG");
        assertThat(table.outLines()).contains("127.0.0.1:5000/library/busybox   latest");
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.err()).contains("template: can't evaluate field Nope");
        assertThat(malformed.exitCode()).isEqualTo(2);
        assertThat(malformed.err()).contains("template parsing error: template: :1: unclosed action");
    }

    @Test
    void emptyStoreShowsJustTheHeader() {
        CliRunner.Result result = new CliRunner(new InMemoryEngine()).run("images");

        assertThat(result.outLines()).containsExactly("REPOSITORY   TAG       IMAGE ID   CREATED   SIZE");
    }

    @Test
    void familiarNamesDropDockerHubsDefaults() {
        assertThat(ImagesCommand.familiarName(ImageReference.parse("postgres:15"))).isEqualTo("postgres");
        assertThat(ImagesCommand.familiarName(ImageReference.parse("team/app@sha256:" + "a".repeat(64)))).isEqualTo("team/app");
        assertThat(ImagesCommand.familiarName(ImageReference.parse("127.0.0.1:5000/library/busybox"))).isEqualTo("127.0.0.1:5000/library/busybox");
    }
}
