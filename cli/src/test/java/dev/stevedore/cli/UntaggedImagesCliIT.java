package dev.stevedore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Images no tag names (#17) as a user meets them through the packaged command: {@code stevedore images} with
 * {@code <none>} rows and {@code -f dangling=true}, {@code rmi ID} and {@code image prune}, their output against the
 * docker CLI's on the test bed's dockerd for an image built the same way, on the embedded engine and on the Docker
 * backend. Every image carries a label of the test's own and every listing and prune on the shared dockerd is narrowed
 * to it; what the Docker backend pruned is asked of dockerd with the docker CLI.
 */
class UntaggedImagesCliIT {
    private static String host;
    private static String busybox;

    @TempDir
    Path home;
    @TempDir
    Path scratch;

    private final String label = "dev.stevedore.test.untagged-cli=" + UUID.randomUUID();

    @BeforeAll
    static void findTestbed() {
        LocalTestbed testbed = LocalTestbed.load();
        host = "unix://" + testbed.get("DOCKER_SOCKET");
        busybox = testbed.get("PLAIN_REGISTRY") + "/library/busybox:latest";
    }

    @AfterEach
    void removeWhatTheTestBuiltOnDockerd() throws Exception {
        for (String id : TestbedDocker.run(scratch, host, "images", "-a", "-q", "-f", "label=" + label).out().lines().toList()) {
            TestbedDocker.run(scratch, host, "rmi", "-f", id);
        }
    }

    private CliRunner.Result stevedore(String... args) throws IOException, InterruptedException {
        CliRunner.Result result = new PackagedCli(home, scratch).run(Map.of(), args);
        assertThat(result.exitCode()).as("stevedore %s: %s", String.join(" ", args), result).isZero();
        return result;
    }

    private CliRunner.Result docker(String... args) throws IOException, InterruptedException {
        CliRunner.Result result = TestbedDocker.run(scratch, host, args);
        assertThat(result.exitCode()).as("docker %s: %s", String.join(" ", args), result).isZero();
        return result;
    }

    /** A build context: busybox with this test's label and a RUN that writes {@code content}. */
    private String context(String content) throws IOException {
        Path context = Files.createDirectories(scratch.resolve("context-" + content));
        Files.writeString(context.resolve("Dockerfile"), "FROM " + busybox + "\nLABEL " + label + "\nRUN echo " + content + " > /made\n");
        return context.toString();
    }

    private static String builtId(CliRunner.Result build) {
        return build.out().lines().filter(l -> l.startsWith("Successfully built ")).findFirst().orElseThrow()
                .substring("Successfully built ".length());
    }

    /** The output with the short id {@code id} as {@code ID}, ages and sizes as docker prints them left out. */
    private static String rows(CliRunner.Result listing, String id) {
        return listing.out().replace(id, "ID").replaceAll(" {2,}", "|");
    }

    @Test
    void imagesListsAnUntaggedBuildAsDockerDoes() throws Exception {
        docker("pull", "-q", busybox);
        String dockerId = builtId(docker("build", context("listed")));
        stevedore("--engine", "embedded", "pull", "-q", busybox);
        String embeddedId = builtId(stevedore("--engine", "embedded", "build", context("listed")));
        String format = "{{.Repository}} {{.Tag}} {{.ID}} {{.Digest}}";

        String theirs = rows(docker("images", "--digests", "-f", "dangling=true", "-f", "label=" + label, "--format", format), dockerId);
        assertThat(theirs).isEqualTo("<none> <none> ID <none>\n");
        assertThat(rows(stevedore("--engine", "embedded", "images", "--digests", "-f", "dangling=true", "--format", format),
                embeddedId)).isEqualTo(theirs);
        assertThat(rows(stevedore("-H", host, "images", "--digests", "-f", "dangling=true", "-f", "label=" + label,
                "--format", format), dockerId)).isEqualTo(theirs);

        // the table: docker's columns, the <none> row; only the age differs (built seconds apart)
        String dockerRow = docker("images", "-f", "dangling=true", "-f", "label=" + label).out().lines().toList().get(1);
        String embeddedRow = stevedore("--engine", "embedded", "images").out().lines().filter(l -> l.contains(embeddedId))
                .findFirst().orElseThrow();
        assertThat(columns(embeddedRow, embeddedId)).isEqualTo(columns(dockerRow, dockerId)).startsWith("<none>|<none>|ID|");
        assertThat(stevedore("--engine", "embedded", "images", "-f", "dangling=false", "-q").out()).doesNotContain(embeddedId);
    }

    @Test
    void historyAndSaveOfADanglingImageByItsIdAsDockerDoes() throws Exception {
        docker("pull", "-q", busybox);
        String dockerId = builtId(docker("build", context("by-id")));
        stevedore("--engine", "embedded", "pull", "-q", busybox);
        String embeddedId = builtId(stevedore("--engine", "embedded", "build", context("by-id")));
        String format = "{{.CreatedBy}}|{{.Size}}";

        List<String> theirs = docker("history", "--human=false", "--format", format, dockerId).out().lines().toList();
        assertThat(theirs.get(0)).as("the RUN, newest first").contains("echo by-id > /made").endsWith("|6");
        for (String[] ours : new String[][] {{"--engine", "embedded", embeddedId}, {"-H", host, dockerId}}) {
            List<String> steps = stevedore(ours[0], ours[1], "history", "--human=false", "--format", format, ours[2])
                    .out().lines().toList();
            assertThat(steps).hasSameSizeAs(theirs);
            assertThat(steps.get(0)).endsWith("|6");

            Path archive = scratch.resolve("saved-" + ours[2] + ".tar");
            stevedore(ours[0], ours[1], "save", "-o", archive.toString(), ours[2]);
            // loaded into dockerd, the saved image is the same image: its id, and no name (RepoTags null)
            String loaded = docker("load", "-i", archive.toString()).out().strip();
            assertThat(loaded).startsWith("Loaded image ID: sha256:" + ours[2]);
        }
    }

    /** The row's repository, tag and id columns. */
    private static String columns(String row, String id) {
        return String.join("|", List.of(row.replace(id, "ID").split(" {2,}")).subList(0, 3)) + "|";
    }

    @Test
    void imagePruneRemovesDanglingImagesOnBothEnginesAsDockerPrintsIt() throws Exception {
        // docker's own prune on dockerd, for the output's shape
        String dockerId = builtId(docker("build", context("pruned-by-docker")));
        String full = docker("image", "inspect", "-f", "{{.Id}}", dockerId).out().strip();
        List<String> theirs = docker("image", "prune", "-f", "--filter", "label=" + label).out().lines().toList();
        assertThat(theirs).startsWith("Deleted Images:").contains("deleted: " + full);
        assertThat(theirs.get(theirs.size() - 1)).startsWith("Total reclaimed space: ");

        // the Docker backend: dockerd's prune endpoint, checked with the docker CLI
        String backendId = builtId(docker("build", context("pruned-by-backend")));
        String backendFull = docker("image", "inspect", "-f", "{{.Id}}", backendId).out().strip();
        List<String> backend = stevedore("-H", host, "image", "prune", "-f", "--filter", "label=" + label).out().lines().toList();
        assertThat(backend).startsWith("Deleted Images:").contains("deleted: " + backendFull);
        assertThat(backend.get(backend.size() - 1)).startsWith("Total reclaimed space: ");
        assertThat(docker("images", "-a", "-q", "-f", "label=" + label).out()).isEmpty();

        // the embedded engine: a dangling build goes, a tagged one and the dangling one a container uses stay
        stevedore("--engine", "embedded", "pull", "-q", busybox);
        String danglingId = builtId(stevedore("--engine", "embedded", "build", context("pruned-embedded")));
        String usedId = builtId(stevedore("--engine", "embedded", "build", context("used-embedded")));
        stevedore("--engine", "embedded", "create", "--name", "uses-it", usedId, "true");
        stevedore("--engine", "embedded", "build", "-t", "kept:1", context("tagged-embedded"));
        String danglingFull = stevedore("--engine", "embedded", "image", "inspect", "-f", "{{.Id}}", danglingId).out().strip();
        List<String> ours = stevedore("--engine", "embedded", "image", "prune", "-f").out().lines().toList();
        assertThat(ours.subList(0, ours.size() - 1)).containsExactly("Deleted Images:", "deleted: " + danglingFull, "");
        assertThat(ours.get(ours.size() - 1)).startsWith("Total reclaimed space: ");
        assertThat(stevedore("--engine", "embedded", "images", "-q").out()).contains(usedId).doesNotContain(danglingId);
        assertThat(stevedore("--engine", "embedded", "images", "kept").out()).contains("kept ");
    }

    @Test
    void rmiOfAnIdRemovesADanglingImageAsDockerDoes() throws Exception {
        String dockerId = builtId(docker("build", context("rmi-docker")));
        String theirs = docker("rmi", dockerId).out().lines().findFirst().orElseThrow();
        stevedore("--engine", "embedded", "pull", "-q", busybox);
        String embeddedId = builtId(stevedore("--engine", "embedded", "build", context("rmi-embedded")));
        String ours = stevedore("--engine", "embedded", "rmi", embeddedId).out().lines().findFirst().orElseThrow();

        assertThat(ours.replaceAll("[0-9a-f]{64}", "ID")).isEqualTo(theirs.replaceAll("[0-9a-f]{64}", "ID"))
                .isEqualTo("Deleted: sha256:ID");
        assertThat(stevedore("--engine", "embedded", "images", "-q").out()).doesNotContain(embeddedId);
    }
}
