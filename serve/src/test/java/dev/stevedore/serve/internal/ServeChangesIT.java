package dev.stevedore.serve.internal;

import dev.stevedore.engine.internal.docker.DockerCli;
import dev.stevedore.engine.testbed.Testbed;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code docker diff}, {@code docker export} and {@code docker commit} (#17 item 3) with the docker CLI against serve
 * and against the test bed's dockerd in the same test: the same diff lines for the same actions, an exported tar that
 * holds the file the container wrote, and a committed image that runs, has the file and shows the commit in
 * {@code docker history} as dockerd's does.
 */
class ServeChangesIT extends ServeWithDockerCli {
    private static final String SCRIPT =
            "echo extra >> /etc/passwd && rm /etc/group && mkdir -p /tmp/made/deeper && echo new > /tmp/made/deeper/file";

    private final Path dockerd = Testbed.get().dockerSocket().orElseThrow(() -> new AssertionError(
            "the test bed's dockerd is not up: run `testbed/dockerd up`"));
    private final String prefix = "apichanges-" + Long.toHexString(System.nanoTime()) + "-";

    @BeforeAll
    void pullOnDockerd() {
        DockerCli.run(dockerd, "pull", "-q", busybox);
    }

    /** Runs {@code sh -c script} in a busybox container named {@code prefix + name} on {@code server} until it exits. */
    private String ran(Path server, String name, String script) {
        DockerCli.run(server, "run", "--name", prefix + name, busybox, "sh", "-c", script);
        return prefix + name;
    }

    @Test
    void diffPrintsTheSameLinesAsOnDockerd() {
        String onServe = ran(socket, "diff", SCRIPT);
        String onDockerd = ran(dockerd, "diff", SCRIPT);
        try {
            List<String> serve = DockerCli.run(socket, "diff", onServe).stream().sorted().toList();
            List<String> docker = DockerCli.run(dockerd, "diff", onDockerd).stream().sorted().toList();

            assertThat(serve).containsExactly("A /tmp/made", "A /tmp/made/deeper", "A /tmp/made/deeper/file", "C /etc",
                    "C /etc/passwd", "C /tmp", "D /etc/group");
            assertThat(serve).isEqualTo(docker);
        } finally {
            DockerCli.run(socket, "rm", onServe);
            DockerCli.run(dockerd, "rm", onDockerd);
        }
    }

    @Test
    void exportWritesATarThatHoldsTheFileWrittenAsOnDockerd(@TempDir Path out) throws IOException {
        String script = "echo exported > /tmp/made.txt";
        String onServe = ran(socket, "export", script);
        String onDockerd = ran(dockerd, "export", script);
        try {
            DockerCli.run(socket, "export", "-o", out.resolve("serve.tar").toString(), onServe);
            DockerCli.run(dockerd, "export", "-o", out.resolve("dockerd.tar").toString(), onDockerd);

            Map<String, String> serve = members(out.resolve("serve.tar"));
            Map<String, String> docker = members(out.resolve("dockerd.tar"));

            assertThat(serve).containsEntry("tmp/made.txt", "exported\n").containsKeys("bin/busybox", "etc/passwd");
            assertThat(docker).containsEntry("tmp/made.txt", "exported\n").containsKeys("bin/busybox", "etc/passwd");
            // the image's files are the same members on both; dockerd's init layer adds a few of its own
            assertThat(docker.keySet()).containsAll(serve.keySet().stream().filter(n -> n.startsWith("bin/")).toList());
            assertThat(serve.keySet()).noneMatch(name -> name.startsWith("./") || name.startsWith("/"));
        } finally {
            DockerCli.run(socket, "rm", onServe);
            DockerCli.run(dockerd, "rm", onDockerd);
        }
    }

    @Test
    void aCommittedImageRunsHasTheFileAndItsHistoryShowsTheCommitAsOnDockerd() {
        String script = "echo committed > /committed.txt";
        String onServe = ran(socket, "commit", script);
        String onDockerd = ran(dockerd, "commit", script);
        String image = "local.test/" + prefix + "commit:v1";
        try {
            for (Map.Entry<Path, String> server : Map.of(socket, onServe, dockerd, onDockerd).entrySet()) {
                List<String> id = DockerCli.run(server.getKey(), "commit", "-m", "made by a test", "-a", "tester",
                        "-c", "CMD [\"cat\", \"/committed.txt\"]", "-c", "ENV COMMITTED=yes", server.getValue(), image);
                assertThat(id).anyMatch(line -> line.matches("sha256:[0-9a-f]{64}"));
            }
            for (Path server : List.of(socket, dockerd)) {
                assertThat(DockerCli.run(server, "run", "--rm", image)).as(server.toString()).contains("committed");
                // the author is in the image's config, but serve's image inspect has no Author yet (the engine's Image has none)
                assertThat(DockerCli.run(server, "image", "inspect", "-f", "{{json .Config.Env}}", image).get(0))
                        .as(server.toString()).contains("COMMITTED=yes");
            }
            String format = "{{.CreatedBy}}|{{.Comment}}";
            List<String> serveHistory = DockerCli.run(socket, "history", "--no-trunc", "--format", format, image);
            List<String> dockerHistory = DockerCli.run(dockerd, "history", "--no-trunc", "--format", format, image);
            assertThat(serveHistory.get(0)).isEqualTo("sh -c echo committed > /committed.txt|made by a test")
                    .isEqualTo(dockerHistory.get(0));
            assertThat(serveHistory).hasSameSizeAs(dockerHistory);
        } finally {
            DockerCli.run(socket, "rm", onServe);
            DockerCli.run(dockerd, "rm", onDockerd);
            DockerCli.run(socket, "rmi", "-f", image);
            DockerCli.run(dockerd, "rmi", "-f", image);
        }
    }

    /** Member name (without a trailing slash) → content (empty for anything but a file). */
    private static Map<String, String> members(Path tar) throws IOException {
        Map<String, String> members = new LinkedHashMap<>();
        try (InputStream file = Files.newInputStream(tar); TarArchiveInputStream in = new TarArchiveInputStream(file)) {
            for (TarArchiveEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                String name = entry.getName().endsWith("/") ? entry.getName().substring(0, entry.getName().length() - 1)
                        : entry.getName();
                members.put(name, entry.isFile() ? new String(in.readAllBytes(), StandardCharsets.UTF_8) : "");
            }
        }
        return members;
    }
}
