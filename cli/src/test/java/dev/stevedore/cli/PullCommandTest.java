package dev.stevedore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stevedore.engine.Image;
import dev.stevedore.engine.Platform;
import dev.stevedore.engine.PullOptions;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PullCommandTest {
    private final Image postgres = InMemoryEngine.image("postgres", Instant.parse("2025-05-29T12:00:00Z"),
            30_000_000, 20_000_000, 5_000);
    private final InMemoryEngine engine = new InMemoryEngine().publish("postgres:15", postgres);
    private final CliRunner cli = new CliRunner(engine);

    @Test
    void pullsWithDockerLikeOutput() {
        CliRunner.Result result = cli.run("pull", "postgres:15");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        List<String> lines = result.outLines();
        assertThat(lines.get(0)).isEqualTo("15: Pulling from library/postgres");
        for (String layer : postgres.layers()) {
            assertThat(lines).contains(Ids.shortId(layer) + ": Pull complete");
        }
        assertThat(lines.subList(lines.size() - 3, lines.size())).containsExactly(
                "Digest: " + postgres.manifestDigest(),
                "Status: Downloaded newer image for postgres:15",
                "docker.io/library/postgres:15");
        assertThat(result.out()).doesNotContain("\u001b");
        assertThat(result.err()).isEmpty();
    }

    @Test
    void saysUpToDateWhenTheImageWasAlreadyThere() {
        cli.run("pull", "postgres:15");

        CliRunner.Result again = cli.run("pull", "postgres:15");

        assertThat(again.exitCode()).isZero();
        assertThat(again.out()).contains("Status: Image is up to date for postgres:15");
        for (String layer : postgres.layers()) {
            assertThat(again.outLines()).contains(Ids.shortId(layer) + ": Already exists");
        }
    }

    @Test
    void namesTheDefaultTag() {
        engine.publish("postgres", postgres);

        CliRunner.Result result = cli.run("pull", "postgres");

        assertThat(result.outLines()).startsWith("Using default tag: latest", "latest: Pulling from library/postgres");
        assertThat(result.outLines()).last().isEqualTo("docker.io/library/postgres:latest");
    }

    @Test
    void quietPrintsOnlyTheReference() {
        CliRunner.Result result = cli.run("pull", "-q", "postgres:15");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).isEqualTo("docker.io/library/postgres:15" + System.lineSeparator());
        assertThat(engine.pulls).singleElement().extracting(PullOptions::listener).isSameAs(dev.stevedore.engine.PullListener.NONE);
    }

    @Test
    void passesThePlatform() {
        cli.run("pull", "--platform", "linux/arm64/v8", "postgres:15");

        assertThat(engine.pulls).singleElement().extracting(PullOptions::platform)
                .isEqualTo(new Platform("linux", "arm64", "v8"));
    }

    @Test
    void malformedPlatformIsAUsageError() {
        CliRunner.Result result = cli.run("pull", "--platform", "linux", "postgres:15");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("--platform", "os/arch[/variant]");
        assertThat(engine.pulls).isEmpty();
    }

    @Test
    void malformedReferenceIsAUsageError() {
        CliRunner.Result result = cli.run("pull", "Postgres:15");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).startsWith("stevedore: invalid image reference \"Postgres:15\"");
        assertThat(cli.opened).isEmpty();
    }

    @Test
    void missingImageFailsWithTheEnginesMessage() {
        CliRunner.Result result = cli.run("pull", "127.0.0.1:5000/library/nope:1");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.out()).startsWith("1: Pulling from library/nope");
        assertThat(result.err()).startsWith("stevedore: pull of 127.0.0.1:5000/library/nope:1 from 127.0.0.1:5000 failed");
    }

    @Test
    void terminalOutputRedrawsAndLeavesOnlyLayerLines() {
        cli.terminal(new Terminal(true, 80));

        CliRunner.Result result = cli.run("pull", "postgres:15");

        assertThat(result.exitCode()).isZero();
        List<String> screen = Screen.render(result.out());
        assertThat(screen).hasSize(1 + postgres.layers().size() + 3);
        for (int i = 0; i < postgres.layers().size(); i++) {
            assertThat(screen.get(1 + i)).isEqualTo(Ids.shortId(postgres.layers().get(i)) + ": Pull complete");
        }
        assertThat(screen).last().isEqualTo("docker.io/library/postgres:15");
    }
}
