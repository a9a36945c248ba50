package dev.stevedore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code image inspect} and {@code system df}/{@code prune} as a user runs them (the packaged command): their output
 * against the docker CLI's on the test bed's dockerd for the same image (what a script parses: {@code --format}
 * templates, the table's header, the JSON rows' fields), and a prune on the embedded engine, in a state directory of
 * the test's own (never on the shared dockerd, whose other users' objects a prune would take).
 */
class SystemAndImageCommandsIT {
    private static final Pattern FIELD = Pattern.compile("\"(\\w+)\":");

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

    @Test
    void imageInspectTemplatesPrintWhatDockersPrintOnBothEngines() throws Exception {
        docker("pull", "-q", busybox);
        stevedore("--engine", "embedded", "pull", "-q", busybox);
        String template = "{{.Id}} {{.Os}}/{{.Architecture}} {{json .Config.Cmd}} {{json .Config.Env}} {{.Config.WorkingDir}}|{{.Parent}}";

        String byDocker = docker("image", "inspect", "-f", template, busybox).out();
        assertThat(byDocker).startsWith("sha256:");
        assertThat(stevedore("-H", host, "image", "inspect", "-f", template, busybox).out()).isEqualTo(byDocker);
        assertThat(stevedore("--engine", "embedded", "image", "inspect", "-f", template, busybox).out()).isEqualTo(byDocker);

        String id = byDocker.substring(0, byDocker.indexOf(' '));
        assertThat(stevedore("--engine", "embedded", "image", "inspect", "-f", "{{.Id}}", id.substring(7, 19)).out())
                .as("found by an ID prefix, as docker finds it").isEqualTo(id + "\n");
        String document = stevedore("--engine", "embedded", "image", "inspect", busybox).out();
        assertThat(fields(document)).as("the document's fields are docker's")
                .isSubsetOf(fields(docker("image", "inspect", busybox).out()))
                .contains("Id", "RepoTags", "RepoDigests", "Created", "Config", "Architecture", "Os", "Size");

        CliRunner.Result missing = new PackagedCli(home, scratch).run(Map.of(), "--engine", "embedded", "image", "inspect", "nothere:1");
        CliRunner.Result dockerMissing = TestbedDocker.run(scratch, host, "image", "inspect", "nothere:1");
        assertThat(missing.exitCode()).isEqualTo(dockerMissing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).contains("No such image: nothere:1");
    }

    @Test
    void systemDfHasDockersColumnsAndRows() throws Exception {
        String dockerTable = docker("system", "df").out();
        String table = stevedore("-H", host, "system", "df").out();
        assertThat(table.lines().findFirst()).isEqualTo(dockerTable.lines().findFirst());
        assertThat(table.lines().map(line -> line.split("  ")[0]).toList())
                .isEqualTo(dockerTable.lines().map(line -> line.split("  ")[0]).toList());

        List<String> dockerJson = docker("system", "df", "--format", "json").out().lines().toList();
        List<String> json = stevedore("--engine", "embedded", "system", "df", "--format", "json").out().lines().toList();
        assertThat(json).hasSameSizeAs(dockerJson);
        for (int i = 0; i < json.size(); i++) {
            assertThat(fields(json.get(i))).isEqualTo(fields(dockerJson.get(i)));
            assertThat(json.get(i)).endsWith(dockerJson.get(i).substring(dockerJson.get(i).indexOf("\"Type\"")));
        }
        // the test bed's dockerd has containers, images and volumes of other tests: its counts are its own, but a
        // count is a number there as here
        String dockerOnDockerd = stevedore("-H", host, "system", "df", "--format", "json").out();
        assertThat(dockerOnDockerd.lines().map(line -> line.replaceAll(".*\"TotalCount\":\"(\\d+)\".*", "$1")))
                .allMatch(count -> count.matches("\\d+"));
    }

    @Test
    void systemDfVerboseHasDockersTablesAndTheSameRowForAnImage() throws Exception {
        docker("pull", "-q", busybox);
        List<String> theirs = docker("system", "df", "-v").out().lines().toList();
        List<String> ours = stevedore("-H", host, "system", "df", "-v").out().lines().toList();
        assertThat(titlesAndHeaders(ours)).as("titles and column headers").isEqualTo(titlesAndHeaders(theirs))
                .contains("Images space usage:", "Containers space usage:", "Local Volumes space usage:", "Build cache usage:");
        String image = busybox.substring(0, busybox.lastIndexOf(':')) + " ";
        assertThat(ours.stream().filter(l -> l.startsWith(image)).toList()).as("the busybox row, sizes and counts included")
                .isNotEmpty().isEqualTo(theirs.stream().filter(l -> l.startsWith(image)).toList());

        // the embedded engine: a container's writes, a volume's bytes, a cached build step
        stevedore("--engine", "embedded", "pull", "-q", busybox);
        stevedore("--engine", "embedded", "run", "--name", "df-writer", "-v", "df-vol:/data", busybox, "sh", "-c",
                "dd if=/dev/zero of=/written bs=1024 count=1024 && dd if=/dev/zero of=/data/f bs=1000 count=300");
        Path context = Files.createDirectories(scratch.resolve("df-context"));
        Files.writeString(context.resolve("Dockerfile"), "FROM " + busybox + "\nRUN echo built > /built\n");
        stevedore("--engine", "embedded", "build", "-q", "-t", "df-built:1", context.toString());
        List<String> embedded = stevedore("--engine", "embedded", "system", "df", "-v").out().lines().toList();
        assertThat(embedded).anyMatch(l -> l.matches("[0-9a-f]{12} {3,}" + Pattern.quote(busybox)
                + " +\"sh -c 'dd if=/dev/z…\" +1 +1.05MB .* +Exited \\(0\\) .* +df-writer"));
        assertThat(embedded).anyMatch(l -> l.matches("df-vol +1 +300kB"));
        assertThat(embedded).anyMatch(l -> l.matches("[0-9a-f]{12} +regular +\\S+ +.* ago +.* ago +1 +true"));
        assertThat(stevedore("--engine", "embedded", "system", "df", "--format", "{{.Type}} {{.TotalCount}} {{.Active}}").out())
                .isEqualTo("Images 2 1\nContainers 1 0\nLocal Volumes 1 1\nBuild Cache 1 0\n");
    }

    /** The section titles and the columns of the line under each title's blank line: the table's header. */
    private static List<String> titlesAndHeaders(List<String> lines) {
        List<String> kept = new java.util.ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).endsWith("usage:") || lines.get(i).startsWith("Build cache usage:")) {
                kept.add(lines.get(i).startsWith("Build cache usage:") ? "Build cache usage:" : lines.get(i));
                if (i + 2 < lines.size()) {
                    // the columns' names: their widths follow the cells, "3 seconds ago" in one run, "4 seconds ago" in the next
                    kept.add(lines.get(i + 2).strip().replaceAll(" {2,}", "|"));
                }
            }
        }
        return kept;
    }

    @Test
    void systemPruneRemovesWhatNothingUsesAfterAsking() throws Exception {
        stevedore("--engine", "embedded", "pull", "-q", busybox);
        String stopped = stevedore("--engine", "embedded", "create", "--name", "prune-me", busybox, "true").out().strip();
        stevedore("--engine", "embedded", "network", "create", "prune-net");
        stevedore("--engine", "embedded", "volume", "create", "prune-vol");

        Path no = Files.writeString(scratch.resolve("no.txt"), "n\n", StandardCharsets.UTF_8);
        CliRunner.Result declined = new PackagedCli(home, scratch).run(Map.of(), no.toFile(), "--engine", "embedded", "system", "prune");
        assertThat(declined.exitCode()).isZero();
        assertThat(declined.out()).startsWith("WARNING! This will remove:\n  - all stopped containers\n")
                .contains("Are you sure you want to continue? [y/N] ").doesNotContain("Deleted");
        assertThat(stevedore("--engine", "embedded", "ps", "-a", "-q").out()).contains(stopped.substring(0, 12));

        String pruned = stevedore("--engine", "embedded", "system", "prune", "-a", "--volumes", "-f").out();
        assertThat(pruned).contains("Deleted Containers:\n" + stopped + "\n", "Deleted Networks:\nprune-net\n",
                "Deleted Volumes:\nprune-vol\n", "Deleted Images:\nuntagged: " + busybox + "\ndeleted: sha256:")
                .containsPattern("Total reclaimed space: [1-9][0-9.]*[kM]B\n$");
        assertThat(stevedore("--engine", "embedded", "ps", "-a", "-q").out()).isEmpty();
        assertThat(stevedore("--engine", "embedded", "images", "-q").out()).isEmpty();
        assertThat(stevedore("--engine", "embedded", "network", "ls").out()).doesNotContain("prune-net");
        assertThat(stevedore("--engine", "embedded", "volume", "ls", "-q").out()).doesNotContain("prune-vol");
    }

    private static List<String> fields(String json) {
        Matcher matcher = FIELD.matcher(json);
        List<String> names = new java.util.ArrayList<>();
        while (matcher.find()) {
            names.add(matcher.group(1));
        }
        return names;
    }
}
