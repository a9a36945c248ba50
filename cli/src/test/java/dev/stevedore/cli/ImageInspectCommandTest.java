package dev.stevedore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stevedore.engine.Image;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ImageInspectCommandTest {
    private final Image busybox = InMemoryEngine.image("busybox", Instant.parse("2025-04-01T12:00:00Z"), 2_150_000);
    private final InMemoryEngine engine = new InMemoryEngine()
            .store("127.0.0.1:5000/library/busybox:latest", busybox)
            .store("busybox:latest", busybox);
    private final CliRunner cli = new CliRunner(engine);

    @Test
    void printsAnArrayWithDockersFieldNames() {
        CliRunner.Result result = cli.run("image", "inspect", "busybox");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out()).startsWith("[\n    {\n        \"Id\": \"" + busybox.id() + "\",\n        \"RepoTags\": [\n")
                .contains("\"busybox:latest\"", "\"127.0.0.1:5000/library/busybox:latest\"", "\"Created\": \"2025-04-01T12:00:00Z\"",
                        "\"Os\": \"linux\"", "\"Size\": ");
    }

    @Test
    void formatsEachImageThroughAGoTemplate() {
        CliRunner.Result result = cli.run("image", "inspect", "-f", "{{.Id}} {{.Os}}/{{.Architecture}} {{index .RepoTags 0}} {{json .Config.Cmd}} {{.Nope}}",
                "busybox", busybox.id().substring("sha256:".length(), 19));

        assertThat(result.exitCode()).as(result.toString()).isZero();
        String line = busybox.id() + " linux/amd64 127.0.0.1:5000/library/busybox:latest " + "null <no value>";
        assertThat(result.outLines()).containsExactly(line, line);
    }

    @Test
    void anUnknownImageIsReportedAndTheOthersPrinted() {
        CliRunner.Result result = cli.run("image", "inspect", "-f", "{{.Id}}", "nothere:1", "busybox");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.outLines()).containsExactly(busybox.id());
        assertThat(result.err()).contains("Error: No such image: nothere:1");
    }

    @Test
    void rangeRunsAndAMalformedTemplateIsAUsageError() {
        CliRunner.Result range = cli.run("image", "inspect", "-f", "{{range .RepoTags}}[{{.}}]{{end}}", "busybox");
        CliRunner.Result malformed = cli.run("image", "inspect", "-f", "{{range .RepoTags}}", "busybox");

        assertThat(range.exitCode()).as(range.toString()).isZero();
        assertThat(range.out()).startsWith("[").endsWith("]\n");
        assertThat(malformed.exitCode()).isEqualTo(2);
        assertThat(malformed.err()).contains("template: :1: unexpected EOF");
    }
}
