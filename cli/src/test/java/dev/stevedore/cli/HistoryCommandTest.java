package dev.stevedore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stevedore.engine.Image;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class HistoryCommandTest {
    private final Image busybox = InMemoryEngine.image("busybox", Instant.parse("2025-04-01T12:00:00Z"), 2_150_000);
    private final InMemoryEngine engine = new InMemoryEngine().store("busybox:latest", busybox);
    private final CliRunner cli = new CliRunner(engine);

    @Test
    void printsDockersColumns() {
        CliRunner.Result result = cli.run("history", "busybox");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.outLines().get(0).split("\\s{2,}")).containsExactly("IMAGE", "CREATED", "CREATED BY", "SIZE", "COMMENT");
        assertThat(result.outLines().get(1)).startsWith(Ids.shortId(busybox.id())).contains("2.15MB");
    }

    @Test
    void quietNoTruncAndBytesAsDockerPrintsThem() {
        assertThat(cli.run("image", "history", "-q", "--no-trunc", "busybox").outLines()).containsExactly(busybox.id());
        CliRunner.Result bytes = cli.run("history", "-H=false", "busybox");

        assertThat(bytes.outLines().get(0)).contains("CREATED AT");
        assertThat(bytes.outLines().get(1)).contains("2150000").containsPattern("2025-04-01T\\d\\d:00:00(Z|[+-]\\d\\d:\\d\\d)");
    }

    @Test
    void aTemplateAndTableTemplate() {
        assertThat(cli.run("history", "--format", "{{.ID}}|{{.Size}}", "busybox").outLines())
                .containsExactly(Ids.shortId(busybox.id()) + "|2.15MB");
        assertThat(cli.run("history", "--format", "table {{.ID}}\\t{{.Size}}", "busybox").outLines().get(0))
                .matches("IMAGE\\s+SIZE");
    }

    @Test
    void aMissingImageIsAnError() {
        CliRunner.Result result = cli.run("history", "nothere:1");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).contains("No such image: nothere:1");
    }

    @Test
    void createdByIsCutAtFortyFiveCharactersAsDockerDoes() {
        String line = "/bin/sh -c #(nop)  CMD [\"sh\" \"-c\" \"echo a long command\"]";

        assertThat(HistoryCommand.ellipsis(line)).hasSize(45).endsWith("…").startsWith(line.substring(0, 44));
        assertThat(HistoryCommand.ellipsis("short")).isEqualTo("short");
    }
}
