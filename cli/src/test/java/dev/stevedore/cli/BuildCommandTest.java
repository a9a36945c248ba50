package dev.stevedore.cli;

import dev.stevedore.engine.BuildSpec;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.ImageReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code stevedore build} over the in-memory engine: the spec it asks for and what it prints. */
class BuildCommandTest {
    private final InMemoryEngine engine = new InMemoryEngine();
    private final CliRunner cli = new CliRunner(engine);
    @TempDir
    Path context;
    @TempDir
    Path elsewhere;

    @Test
    void printsEachStepWhetherItWasCachedAndTheResult() throws IOException {
        Files.writeString(context.resolve("Dockerfile"), "FROM busybox\nRUN echo hi\n");

        CliRunner.Result result = cli.run("build", "-t", "app:1", "--build-arg", "V=2", "--label", "team=a", "--target", "final",
                "--no-cache", "--pull", context.toString());

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.outLines()).hasSize(5).startsWith("Step 1/2 : FROM busybox", "Step 2/2 : RUN echo hi", " ---> Using cache");
        assertThat(result.outLines().get(3)).matches("Successfully built [0-9a-f]{12}");
        assertThat(result.outLines().get(4)).isEqualTo("Successfully tagged app:1");
        BuildSpec spec = engine.builds.get(0);
        assertThat(spec.contextDirectory()).isEqualTo(context);
        assertThat(spec.tags()).containsExactly(ImageReference.parse("app:1"));
        assertThat(spec.buildArgs()).isEqualTo(Map.of("V", "2"));
        assertThat(spec.labels()).isEqualTo(Map.of("team", "a"));
        assertThat(spec.target()).isEqualTo("final");
        assertThat(spec.noCache()).isTrue();
        assertThat(spec.pullPolicy()).isEqualTo(ContainerSpec.PullPolicy.ALWAYS);
        assertThat(spec.dockerfile()).isEqualTo("Dockerfile");
    }

    @Test
    void aDockerfileOutsideTheContextIsSentAsText() throws IOException {
        Path dockerfile = Files.writeString(elsewhere.resolve("Build.df"), "FROM scratch\n");

        CliRunner.Result result = cli.run("build", "-q", "-f", dockerfile.toString(), context.toString());

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.outLines()).singleElement().asString().startsWith("sha256:");
        assertThat(engine.builds.get(0).dockerfileText()).isEqualTo("FROM scratch\n");
    }

    @Test
    void aMissingContextOrAMalformedBuildArgIsAUsageError() {
        assertThat(cli.run("build", context.resolve("nope").toString()).exitCode()).isEqualTo(2);
        CliRunner.Result result = cli.run("build", "--build-arg", "NO_SUCH_VARIABLE_SET_ANYWHERE", context.toString());
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("KEY=VALUE");
        assertThat(engine.builds).isEmpty();
    }
}
