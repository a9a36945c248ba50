package dev.stevedore.serve.internal;

import dev.stevedore.engine.internal.docker.DockerCli;
import dev.stevedore.engine.testbed.Testbed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code docker build} (the classic builder: this docker CLI has no buildx) against {@code stevedore serve}: the
 * context, tag and build args arrive, the CLI prints the steps and the result lines it expects, a rebuild uses the
 * cache, the image runs, and a failing RUN fails the CLI with the command's exit code. {@code docker builder prune}
 * with its flags removes what it should and answers as the test bed's dockerd answers the same command.
 */
class ServeBuildIT extends ServeWithDockerCli {
    @TempDir
    Path context;

    @Test
    void dockerBuildBuildsTagsAndCachesThroughServe() throws IOException {
        Files.writeString(context.resolve("a.txt"), "from the context\n");
        Files.writeString(context.resolve("Dockerfile"), "FROM " + busybox + "\nARG V\nCOPY a.txt /\nRUN echo \"v=$V\" > /v\n"
                + "CMD [\"cat\", \"/a.txt\", \"/v\"]\n");
        String tag = "local.test/serve-build-" + UUID.randomUUID().toString().substring(0, 8) + ":1";

        List<String> first = DockerCli.run(socket, "build", "-t", tag, "--build-arg", "V=42", context.toString());
        List<String> second = DockerCli.run(socket, "build", "-t", tag, "--build-arg", "V=42", context.toString());
        List<String> ran = DockerCli.run(socket, "run", "--rm", tag);
        DockerCli.run(socket, "rmi", tag);

        assertThat(first).contains("Step 1/5 : FROM " + busybox, "Successfully tagged " + tag)
                .anyMatch(l -> l.matches("Successfully built [0-9a-f]{12}"));
        assertThat(second).contains(" ---> Using cache");
        assertThat(ran).containsExactly("from the context", "v=42");
    }

    @Test
    void aFailingRunFailsTheDockerCliWithItsExitCode() throws IOException {
        Files.writeString(context.resolve("Dockerfile"), "FROM " + busybox + "\nRUN echo failing here && exit 7\n");

        assertThatThrownBy(() -> DockerCli.run(socket, "build", context.toString()))
                .hasMessageContaining("failing here").hasMessageContaining("non-zero code: 7");
    }

    /** {@code docker build -q}, as scripts use it ({@code id=$(docker build -q .)}): the image id alone, as on dockerd. */
    @Test
    void aQuietBuildPrintsTheImageIdAloneAndItsStepsWhenItFails() throws IOException {
        Path dockerd = Testbed.get().dockerSocket().orElseThrow(() -> new AssertionError("the test bed's dockerd is not up"));
        String tag = "local.test/serve-quiet-" + UUID.randomUUID().toString().substring(0, 8) + ":1";
        for (Path daemon : List.of(socket, dockerd)) {
            Files.writeString(context.resolve("Dockerfile"), "FROM " + busybox + "\nRUN echo " + UUID.randomUUID() + " > /made\n");
            List<String> built = answer(DockerCli.run(daemon, "build", "-q", "-t", tag, context.toString()));
            DockerCli.run(daemon, "rmi", tag);

            assertThat(built).as("on %s", daemon).hasSize(1).allMatch(line -> line.matches("sha256:[0-9a-f]{64}"));
            Files.writeString(context.resolve("Dockerfile"), "FROM " + busybox + "\nRUN echo failing here && exit 7\n");
            assertThatThrownBy(() -> DockerCli.run(daemon, "build", "-q", "--force-rm", context.toString())).as("on %s", daemon)
                    .hasMessageContaining("failing here").hasMessageContaining("non-zero code: 7");
        }
    }

    /**
     * {@code docker build --network none --add-host}: the RUN steps have only a loopback and the extra host, the same
     * lines through serve as on the test bed's dockerd.
     */
    @Test
    void theBuildsNetworkAndExtraHostsReachItsRunSteps() throws IOException {
        Path dockerd = Testbed.get().dockerSocket().orElseThrow(() -> new AssertionError("the test bed's dockerd is not up"));
        Files.writeString(context.resolve("Dockerfile"), "FROM " + busybox + "\nRUN sed 1,2d /proc/net/dev | cut -d: -f1"
                + " | tr -d ' ' > /seen && grep -w -e db -e cache /etc/hosts | tr -s ' \\t' ' ' >> /seen\n");
        String tag = "local.test/serve-build-net-" + UUID.randomUUID().toString().substring(0, 8) + ":1";
        Map<Path, List<String>> seen = new java.util.HashMap<>();
        for (Path daemon : List.of(socket, dockerd)) {
            DockerCli.run(daemon, "build", "-q", "--network", "none", "--add-host", "db:10.1.2.3", "--add-host",
                    "cache:10.1.2.4", "-t", tag, context.toString());
            seen.put(daemon, DockerCli.run(daemon, "run", "--rm", tag, "cat", "/seen").stream()
                    .filter(l -> !l.startsWith("WARNING:")).toList()); // dockerd's, on a host without forwarding
            DockerCli.run(daemon, "rmi", tag);
        }

        assertThat(seen.get(dockerd)).as("on dockerd").containsExactly("lo", "10.1.2.3 db", "10.1.2.4 cache");
        assertThat(seen.get(socket)).as("through serve").isEqualTo(seen.get(dockerd));
    }

    /** What dockerd's builder takes and this one cannot apply is refused by name, never taken and dropped. */
    @Test
    void buildOptionsThisBuilderCannotApplyAreRefusedByName() throws IOException {
        Files.writeString(context.resolve("Dockerfile"), "FROM " + busybox + "\nRUN true\n");
        Map<List<String>, String> refusals = Map.of(
                List.of("--network", "some-network"), "networkmode some-network (docker build --network) is not supported",
                List.of("--shm-size", "128m"), "the build option shmsize=",
                List.of("--cpu-shares", "512"), "the build option cpushares=512");
        refusals.forEach((flags, words) -> {
            List<String> command = new java.util.ArrayList<>(List.of("build"));
            command.addAll(flags);
            command.add(context.toString());
            assertThatThrownBy(() -> DockerCli.run(socket, command.toArray(String[]::new))).as("%s", flags)
                    .hasMessageContaining(words);
        });
    }

    @Test
    void aBuildKitSessionIsRefusedWithWhatToSet() throws IOException {
        for (String request : List.of("/v1.43/session", "/v1.43/build?version=2&session=abc&t=x")) {
            String answer = post(request);

            assertThat(answer).as(request).startsWith("HTTP/1.1 501").contains("set DOCKER_BUILDKIT=0");
        }
    }

    @Test
    void dockerBuilderPruneTakesDockersFlagsAndAnswersAsDockerdDoes() throws IOException {
        Path dockerd = Testbed.get().dockerSocket().orElseThrow(() -> new AssertionError("the test bed's dockerd is not up"));
        Files.writeString(context.resolve("Dockerfile"), "FROM " + busybox + "\nRUN echo " + UUID.randomUUID() + " > /made\n");
        String tag = "local.test/serve-prune-" + UUID.randomUUID().toString().substring(0, 8) + ":1";
        DockerCli.run(socket, "build", "-t", tag, context.toString());
        DockerCli.run(socket, "rmi", tag);
        // dockerd is shared: there the filter spares everything younger than a century, so nobody's cache goes
        List<String> here = answer(DockerCli.run(socket, "builder", "prune", "-f", "--filter", "until=0s", "--keep-storage", "1k", "--all"));
        List<String> there = answer(DockerCli.run(dockerd, "builder", "prune", "-f", "--filter", "until=876000h", "--keep-storage", "1k", "--all"));

        // the step the build made and nothing tags any more was removed, and said so, in docker's words
        assertThat(here.get(0)).isEqualTo("Deleted build cache objects:");
        assertThat(here.subList(1, here.size() - 1)).isNotEmpty().allMatch(id -> id.matches("[0-9a-f]{64}"));
        assertThat(here).last().asString().matches("Total reclaimed space: [0-9.]+[kMG]?B");
        assertThat(there).last().asString().matches("Total reclaimed space: [0-9.]+[kMG]?B");
        DockerCli.run(socket, "builder", "prune", "-f", "--all");
        assertThat(answer(DockerCli.run(socket, "builder", "prune", "-f", "--all"))).containsExactly("Total reclaimed space: 0B");
        for (Path daemon : List.of(socket, dockerd)) {
            assertThatThrownBy(() -> DockerCli.run(daemon, "builder", "prune", "-f", "--filter", "colour=blue"))
                    .as("an unknown filter on %s", daemon).hasMessageContaining("nvalid filter 'colour'");
            assertThatThrownBy(() -> DockerCli.run(daemon, "builder", "prune", "-f", "--filter", "until=soon"))
                    .as("a filter that is no duration on %s", daemon).hasMessageContaining("filter expects a duration");
        }
    }

    /** The command's output without the notice this docker CLI (which has no buildx) prints about its builder. */
    private static List<String> answer(List<String> output) {
        return output.stream().filter(l -> !l.startsWith("DEPRECATED:") && !l.startsWith(" ")).toList();
    }

    /** A bodiless POST straight over the socket (the docker CLI here has no buildx to ask for BuildKit itself). */
    private String post(String target) throws IOException {
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            channel.write(ByteBuffer.wrap(("POST " + target + " HTTP/1.1\r\nHost: docker\r\nContent-Length: 0\r\n"
                    + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII)));
            return new String(Channels.newInputStream(channel).readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
