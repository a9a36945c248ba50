package dev.stevedore.cli;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docker's management-command forms ({@code container ls}, {@code image rm}, …) and its prunes ({@code container},
 * {@code image}, {@code network}, {@code volume prune}) on the embedded engine, their questions compared with the docker
 * CLI's own on the test bed's dockerd (declined, so dockerd loses nothing).
 */
class ManagementCommandsIT {
    private static String host;
    private static String busybox;

    @TempDir
    Path home;
    @TempDir
    Path scratch;

    @BeforeAll
    static void findTestbed() {
        LocalTestbed testbed = LocalTestbed.load();
        host = "unix://" + testbed.get("DOCKER_SOCKET");
        busybox = testbed.get("PLAIN_REGISTRY") + "/library/busybox:latest";
    }

    @Test
    void containerAndImageCommandsAnswerUnderDockersManagementNames() throws Exception {
        stevedore("image", "pull", "-q", busybox);
        assertThat(stevedore("image", "ls", "--format", "{{.Repository}}:{{.Tag}}").outLines()).containsExactly(busybox);
        assertThat(stevedore("image", "list", "-q").outLines()).hasSize(1);

        String id = stevedore("container", "create", "--name", "managed", busybox, "sh", "-c", "echo from a managed run").out().strip();
        assertThat(stevedore("container", "ls", "-a", "--format", "{{.Names}} {{.State}}").outLines()).containsExactly("managed created");
        assertThat(stevedore("container", "ps", "-aq").outLines()).containsExactly(id.substring(0, 12));
        stevedore("container", "start", "managed");
        assertThat(stevedore("container", "wait", "managed").outLines()).containsExactly("0");
        assertThat(stevedore("container", "logs", "managed").outLines()).containsExactly("from a managed run");
        assertThat(stevedore("container", "inspect", "-f", "{{.State.Status}}", "managed").outLines()).containsExactly("exited");
        assertThat(stevedore("container", "run", "--rm", busybox, "ls", "-d", "/etc").outLines())
                .as("options after the image are the command's").containsExactly("/etc");
        stevedore("container", "remove", "managed");
        assertThat(stevedore("container", "list", "-aq").out()).isEmpty();

        stevedore("image", "tag", busybox, "managed/copy:1");
        stevedore("image", "rm", "managed/copy:1");
        assertThat(stevedore("image", "ls", "-q", "managed/copy").out()).isEmpty();
        CliRunner.Result usage = new PackagedCli(home, scratch).run(Map.of(), "container");
        assertThat(usage.exitCode()).isEqualTo(2);
        assertThat(usage.err()).contains("'stevedore container' needs a subcommand").contains("ls").contains("prune");
    }

    @Test
    void prunesRemoveWhatNothingUsesAfterDockersQuestion() throws Exception {
        stevedore("pull", "-q", busybox);
        String stopped = stevedore("create", busybox, "true").out().strip();
        stevedore("network", "create", "unused-net");
        stevedore("volume", "create", "unused-vol");

        // the questions, word for word as the docker CLI asks them of dockerd (declined on both)
        for (List<String> prune : List.of(List.of("container", "prune"), List.of("network", "prune"), List.of("image", "prune"),
                List.of("image", "prune", "-a"))) {
            String ours = declined(prune).out();
            assertThat(ours).as(String.join(" ", prune)).isEqualTo(dockerDeclined(prune)).doesNotContain("Deleted");
        }
        assertThat(declined(List.of("volume", "prune")).out()).isEqualTo("WARNING! This will remove anonymous local volumes"
                + " not used by at least one container.\nAre you sure you want to continue? [y/N] ");

        assertThat(stevedore("container", "prune", "-f").out())
                .isEqualTo("Deleted Containers:\n" + stopped + "\n\nTotal reclaimed space: 0B\n");
        assertThat(stevedore("network", "prune", "-f").out()).isEqualTo("Deleted Networks:\nunused-net\n\n");
        assertThat(stevedore("volume", "prune", "-f").out()).as("a named volume is not anonymous")
                .isEqualTo("Total reclaimed space: 0B\n");
        assertThat(stevedore("volume", "prune", "-a", "-f").out())
                .isEqualTo("Deleted Volumes:\nunused-vol\n\nTotal reclaimed space: 0B\n");
        assertThat(stevedore("image", "prune", "-f").out()).as("the store keeps no dangling images")
                .isEqualTo("Total reclaimed space: 0B\n");
        assertThat(stevedore("image", "prune", "-a", "-f").out()).startsWith("Deleted Images:\nuntagged: " + busybox
                + "\ndeleted: sha256:").containsPattern("Total reclaimed space: [1-9][0-9.]*[kM]B\n$");
        assertThat(stevedore("images", "-q").out()).isEmpty();
    }

    private CliRunner.Result declined(List<String> prune) throws IOException, InterruptedException {
        Path no = Files.writeString(scratch.resolve("no.txt"), "n\n", StandardCharsets.UTF_8);
        CliRunner.Result result = new PackagedCli(home, scratch).run(Map.of(), no.toFile(), prune.toArray(String[]::new));
        assertThat(result.exitCode()).as("stevedore %s: %s", prune, result).isZero();
        return result;
    }

    private String dockerDeclined(List<String> prune) throws IOException, InterruptedException {
        Path no = Files.writeString(scratch.resolve("no-docker.txt"), "n\n", StandardCharsets.UTF_8);
        List<String> command = new java.util.ArrayList<>(List.of("docker", "--config", scratch.resolve("docker-config").toString(),
                "-H", host));
        command.addAll(prune);
        Process process = new ProcessBuilder(command).redirectInput(no.toFile()).redirectErrorStream(false)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as("docker %s", prune).isZero();
        return out;
    }

    private CliRunner.Result stevedore(String... args) throws IOException, InterruptedException {
        CliRunner.Result result = new PackagedCli(home, scratch).run(Map.of(), new File("/dev/null"), args);
        assertThat(result.exitCode()).as("stevedore %s: %s", String.join(" ", args), result).isZero();
        return result;
    }
}
