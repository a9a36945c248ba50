package dev.stevedore.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged {@code stevedore} command on the Docker engine (the test bed's dockerd, chosen with {@code -H} or
 * {@code DOCKER_HOST}), checked through dockerd itself: what stevedore did is read back with the real docker CLI,
 * and what docker did is read with stevedore. The same commands on the embedded engine: {@link CliIT}.
 */
class CliDockerIT {
    private static LocalTestbed testbed;
    private static String host;
    private static String busybox;

    @TempDir
    Path home;
    @TempDir
    Path scratch;

    private final String prefix = "cli-docker-" + Long.toHexString(System.nanoTime());
    private final List<List<String>> cleanup = new ArrayList<>();

    @BeforeAll
    static void findTestbed() {
        testbed = LocalTestbed.load();
        host = "unix://" + testbed.get("DOCKER_SOCKET");
        busybox = testbed.get("PLAIN_REGISTRY") + "/library/busybox:latest";
    }

    @AfterEach
    void removeWhatTheTestMade() throws Exception {
        for (List<String> command : cleanup) {
            docker(command.toArray(String[]::new));
        }
    }

    @Test
    void infoAndVersionSayDockerWhereAndWhy() throws Exception {
        CliRunner.Result info = stevedore("-H", host, "info");
        CliRunner.Result version = stevedore(Map.of("DOCKER_HOST", host), "version");
        CliRunner.Result embedded = stevedore(Map.of("STEVEDORE_ENGINE", "embedded", "DOCKER_HOST", host), "version");

        String serverVersion = docker("version", "--format", "{{.Server.Version}}").out().strip();
        assertThat(info.exitCode()).as(info.toString()).isZero();
        assertThat(info.outLines()).containsSubsequence(
                " Engine:",
                "  Name:             docker",
                "  Version:          Docker/" + serverVersion + " (linux), API 1.41",
                "  Endpoint:         " + host,
                "  Selected because: DOCKER_HOST is set (" + host + ")");
        assertThat(info.out()).containsPattern("(?m)^ Containers: \\d+$").containsPattern("(?m)^ Images: [1-9]\\d*$");
        // rootless as dockerd says of itself, asked in this run; the embedded engine of this root process is not
        boolean dockerdRootless = docker("info", "--format", "{{json .SecurityOptions}}").out().contains("name=rootless");
        assertThat(info.outLines()).contains("  Rootless:         " + dockerdRootless);
        assertThat(stevedore(Map.of("STEVEDORE_ENGINE", "embedded"), "info").outLines()).contains("  Rootless:         false");
        assertThat(version.exitCode()).as(version.toString()).isZero();
        assertThat(version.outLines()).containsSubsequence("Client:", "Engine:", " Name:             docker",
                " Endpoint:         " + host, " Selected because: DOCKER_HOST is set (" + host + ")");
        assertThat(embedded.outLines()).as("STEVEDORE_ENGINE wins over DOCKER_HOST\n" + embedded).containsSubsequence(
                " Name:             embedded", " State directory:  " + home, " Selected because: STEVEDORE_ENGINE=embedded");
    }

    /** serve is the embedded engine behind the API; on dockerd it says to use dockerd's own endpoint, and serves nothing. */
    @Test
    void serveOnTheDockerEngineIsRefusedNamingTheEndpointToUse() throws Exception {
        Path socket = home.resolve("serve.sock");
        CliRunner.Result serve = stevedore("-H", host, "serve", "--socket", socket.toString());

        assertThat(serve.exitCode()).as(serve.toString()).isEqualTo(1);
        assertThat(serve.err()).contains("stevedore serve puts the embedded engine behind the Docker Engine API",
                "the engine chosen is docker (" + host, "point Docker clients at that endpoint itself");
        assertThat(socket).doesNotExist();
    }

    @Test
    void pullAndImagesShowWhatDockerdHolds() throws Exception {
        CliRunner.Result pulled = stevedore("-H", host, "pull", busybox);

        assertThat(pulled.exitCode()).as(pulled.toString()).isZero();
        Matcher digest = Pattern.compile("(?m)^Digest: (sha256:[0-9a-f]{64})$").matcher(pulled.out());
        assertThat(digest.find()).as(pulled.toString()).isTrue();
        assertThat(docker("image", "inspect", "--format", "{{json .RepoDigests}}", busybox).out())
                .contains("@" + digest.group(1));
        String id = docker("image", "inspect", "--format", "{{.Id}}", busybox).out().strip();

        CliRunner.Result images = stevedore("-H", host, "images");

        assertThat(images.exitCode()).as(images.toString()).isZero();
        assertThat(images.outLines()).anyMatch(line -> line.matches(Pattern.quote(testbed.get("PLAIN_REGISTRY"))
                + "/library/busybox +latest +" + id.substring("sha256:".length(), "sha256:".length() + 12) + " .*"));
    }

    @Test
    void runLeavesTheContainerDockerdReportsAndRunRmLeavesNone() throws Exception {
        String kept = prefix + "-kept";
        String removed = prefix + "-rm";
        cleanup.add(List.of("rm", "-f", kept, removed));

        CliRunner.Result run = stevedore("-H", host, "run", "--name", kept, busybox, "sh", "-c", "echo out; echo err >&2; exit 3");
        CliRunner.Result rm = stevedore("-H", host, "run", "--rm", "--name", removed, busybox, "true");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(3);
        assertThat(run.out()).isEqualTo("out\n");
        // before the container's own: what dockerd warned of on create (here "IPv4 forwarding is disabled"), as docker's
        assertThat(run.err()).endsWith("err\n");
        assertThat(docker("inspect", "--format", "{{.State.Status}} {{.State.ExitCode}} {{.Config.Image}}", kept).out())
                .isEqualTo("exited 3 " + busybox + "\n");
        assertThat(rm.exitCode()).as(rm.toString()).isZero();
        CliRunner.Result gone = docker("inspect", removed);
        assertThat(gone.exitCode()).as(gone.toString()).isEqualTo(1);
        assertThat(gone.err()).contains("No such object");
    }

    @Test
    void runPrintsTheWarningsOfTheCreateAsDockerDoes() throws Exception {
        CliRunner.Result ours = stevedore("-H", host, "run", "--rm", busybox, "true");
        CliRunner.Result dockers = docker("run", "--rm", busybox, "true");

        assertThat(ours.exitCode()).as(ours.toString()).isZero();
        assertThat(dockers.exitCode()).as(dockers.toString()).isZero();
        // the test bed's host has IPv4 forwarding off, which dockerd's create answer warns of
        assertThat(dockers.errLines()).contains("WARNING: IPv4 forwarding is disabled. Networking will not work.");
        assertThat(ours.errLines()).as(ours.toString()).isEqualTo(dockers.errLines());
    }

    @Test
    void psExecAndLogsWorkOnContainersOfEitherClient() throws Exception {
        String ours = prefix + "-ours";
        String theirs = prefix + "-theirs";
        cleanup.add(List.of("rm", "-f", ours, theirs));

        CliRunner.Result started = stevedore("-H", host, "run", "-d", "--name", ours, busybox, "sleep", "600");
        CliRunner.Result dockers = docker("run", "-d", "--name", theirs, busybox, "sh", "-c", "echo to-out; echo to-err >&2; sleep 600");

        assertThat(started.exitCode()).as(started.toString()).isZero();
        assertThat(dockers.exitCode()).as(dockers.toString()).isZero();
        assertThat(docker("inspect", "--format", "{{.Id}} {{.State.Running}}", ours).out())
                .as("the container outlives the command that started it").isEqualTo(started.out().strip() + " true\n");

        CliRunner.Result ps = stevedore("-H", host, "ps");
        assertThat(ps.exitCode()).as(ps.toString()).isZero();
        assertThat(ps.outLines()).anyMatch(line -> line.endsWith(" " + ours)).anyMatch(line -> line.endsWith(" " + theirs));

        CliRunner.Result exec = stevedore("-H", host, "exec", theirs, "sh", "-c", "echo made-by-exec > /tmp/f; echo $((6 * 7)); exit 4");
        assertThat(exec.exitCode()).as(exec.toString()).isEqualTo(4);
        assertThat(exec.out()).isEqualTo("42\n");
        assertThat(docker("exec", theirs, "cat", "/tmp/f").out()).isEqualTo("made-by-exec\n");

        CliRunner.Result logs = stevedore("-H", host, "logs", theirs);
        assertThat(logs.exitCode()).as(logs.toString()).isZero();
        assertThat(logs.out()).isEqualTo("to-out\n");
        assertThat(logs.err()).isEqualTo("to-err\n");
    }

    @Test
    void networksAndVolumesCreatedByTheCommandOutliveItInDockerd() throws Exception {
        String network = prefix + "-net";
        String volume = prefix + "-vol";
        String theirs = prefix + "-theirs-vol";
        cleanup.add(List.of("network", "rm", network));
        cleanup.add(List.of("volume", "rm", "-f", volume, theirs));

        assertThat(stevedore("-H", host, "network", "create", network).exitCode()).isZero();
        assertThat(stevedore("-H", host, "volume", "create", volume).exitCode()).isZero();
        assertThat(docker("volume", "create", theirs).exitCode()).isZero();

        // a later command opens a new engine, which sweeps what ended sessions left: these were made, not left
        assertThat(stevedore("-H", host, "volume", "ls", "-q").outLines()).contains(volume, theirs);
        assertThat(docker("network", "inspect", "--format", "{{.Name}}", network).out()).isEqualTo(network + "\n");
        assertThat(docker("volume", "inspect", "--format", "{{.Name}}", volume).out()).isEqualTo(volume + "\n");

        assertThat(stevedore("-H", host, "network", "rm", network).exitCode()).isZero();
        assertThat(stevedore("-H", host, "volume", "rm", volume).exitCode()).isZero();
        assertThat(docker("network", "inspect", network).exitCode()).isEqualTo(1);
        assertThat(docker("volume", "inspect", volume).exitCode()).isEqualTo(1);
    }

    @Test
    void formatsAndFiltersPrintWhatTheDockerCliPrints() throws Exception {
        String network = prefix + "-fmt-net";
        String volume = prefix + "-fmt-vol";
        String up = prefix + "-fmt-up";
        String exited = prefix + "-fmt-exited";
        cleanup.add(List.of("rm", "-f", up, exited));
        cleanup.add(List.of("network", "rm", network));
        cleanup.add(List.of("volume", "rm", "-f", volume));
        assertThat(docker("network", "create", "--label", "team=web", network).exitCode()).isZero();
        assertThat(docker("volume", "create", "--label", "team=web", volume).exitCode()).isZero();
        CliRunner.Result running = docker("run", "-d", "--name", up, "--label", "team=web", "--label", "app=shop",
                "-e", "A=1", "-p", "127.0.0.1::80", "--network", network, "-v", volume + ":/data", busybox, "sleep", "600");
        CliRunner.Result done = docker("run", "--name", exited, "--label", "team=batch", busybox, "sh", "-c", "exit 3");
        assertThat(running.exitCode()).as(running.toString()).isZero();
        assertThat(done.exitCode()).as(done.toString()).isEqualTo(3);

        // each line: the same arguments to both CLIs, on the same dockerd, and the same output
        List<List<String>> commands = List.of(
                List.of("ps", "-a", "--filter", "name=" + prefix + "-fmt", "--format",
                        "{{.Names}}|{{.Image}}|{{.State}}|{{.Label \"team\"}}|{{.Networks}}|{{.Ports}}|{{.Command}}|{{.Mounts}}"),
                List.of("ps", "-a", "--filter", "name=" + prefix + "-fmt", "--format", "table {{.Names}}\\t{{.Label \"app\"}}"),
                List.of("ps", "-aq", "--filter", "name=" + prefix + "-fmt", "--filter", "exited=3"),
                List.of("ps", "-aq", "--filter", "name=" + prefix + "-fmt", "--filter", "ancestor=" + busybox),
                List.of("ps", "-aq", "--filter", "name=" + prefix + "-fmt", "--filter", "network=" + network),
                List.of("ps", "-aq", "--filter", "name=" + prefix + "-fmt", "--filter", "volume=" + volume),
                List.of("inspect", "-f", "{{.Name}} {{.State.Status}} {{.State.ExitCode}} {{json .Config.Labels}} "
                        + "{{index .Config.Labels \"team\"}} {{range $k, $v := .Config.Labels}}{{$k}}={{$v}},{{end}} "
                        + "{{.HostConfig.NetworkMode}} {{range .Mounts}}{{.Name}}:{{.Destination}}:{{.RW}}{{end}} "
                        + "{{if .State.Running}}up{{else}}down{{end}} {{len .Config.Env}} {{upper .State.Status}}", up, exited),
                List.of("inspect", "--format", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}|"
                        + "{{(index (index .NetworkSettings.Ports \"80/tcp\") 0).HostIp}}", up),
                List.of("network", "ls", "--filter", "name=" + network, "--format", "{{.Name}} {{.Driver}} {{.Scope}} {{.Label \"team\"}}"),
                List.of("network", "ls", "--filter", "label=team=web", "--filter", "name=" + prefix, "-q"),
                List.of("network", "inspect", "-f", "{{.Name}} {{json .Labels}}", network),
                List.of("volume", "ls", "--filter", "name=" + volume, "--format", "table {{.Name}}\\t{{.Driver}}"),
                List.of("volume", "ls", "-q", "--filter", "name=" + volume, "--filter", "dangling=false"),
                List.of("volume", "inspect", "--format", "{{.Name}} {{.Driver}} {{.Labels}}", volume),
                List.of("images", "--filter", "reference=" + busybox, "--format", "{{.Repository}}:{{.Tag}} {{.ID}}"));
        printSameAsDocker(commands);
    }

    @Test
    void historyEventsStatsAndDfFormatsPrintWhatTheDockerCliPrints() throws Exception {
        String up = prefix + "-stats";
        String gone = prefix + "-events";
        cleanup.add(List.of("rm", "-f", up, gone));
        assertThat(docker("pull", "-q", busybox).exitCode()).isZero();
        long since = System.currentTimeMillis() / 1000 - 1;
        CliRunner.Result ran = docker("run", "--name", gone, "--label", "team=web", busybox, "sh", "-c", "exit 2");
        assertThat(docker("rm", gone).exitCode()).isZero();
        CliRunner.Result started = docker("run", "-d", "--name", up, busybox, "sleep", "600");
        assertThat(ran.exitCode()).as(ran.toString()).isEqualTo(2);
        assertThat(started.exitCode()).as(started.toString()).isZero();
        // a second on: a --until in the past ends both commands once the record is printed
        long until = System.currentTimeMillis() / 1000 + 1;
        String window = Long.toString(since);
        String end = Long.toString(until);

        List<List<String>> commands = List.of(
                List.of("history", "--format", "{{.ID}}|{{.CreatedAt}}|{{.CreatedBy}}|{{.Size}}|{{.Comment}}", busybox),
                List.of("history", "--no-trunc", "--format", "table {{.ID}}\t{{.Size}}\t{{.CreatedBy}}", busybox),
                List.of("history", "--format", "json", busybox),
                List.of("history", "-q", "--no-trunc", busybox),
                List.of("history", "-H=false", "--format", "{{.CreatedSince}} {{.Size}}", busybox),
                List.of("events", "--since", window, "--until", end, "--filter", "container=" + gone,
                        "--format", "{{.Type}} {{.Action}} {{.Actor.Attributes.name}}"),
                List.of("events", "--since", window, "--until", end, "--filter", "container=" + gone,
                        "--format", "{{.Status}} {{.From}} {{.Actor.Attributes.team}} {{.Actor.Attributes.nope}} {{.Scope}}"),
                List.of("events", "--since", window, "--until", end, "--filter", "container=" + gone, "--filter", "event=die",
                        "--format", "{{json .}}"),
                // an events format is a template as written: "table " printed, \t and spaces kept
                List.of("events", "--since", window, "--until", end, "--filter", "container=" + gone,
                        "--format", "table {{.Type}} {{.Action}}"),
                List.of("events", "--since", window, "--until", end, "--filter", "container=" + gone, "--filter", "event=die",
                        "--format", " {{.Type}}\\t{{.Action}} "),
                List.of("events", "--since", window, "--until", end, "--filter", "container=" + gone, "--filter", "event=die",
                        "--format", "json"),
                List.of("stats", "--no-stream", "--format", "{{.Name}}", up),
                List.of("stats", "--no-stream", "--format", "table {{.Name}}\t{{.Container}}\t{{.ID}}", up),
                List.of("system", "df", "--format", "{{.Type}}"),
                List.of("system", "df"),
                List.of("system", "df", "--format", "json"));
        printSameAsDocker(commands);
    }

    /** Runs each command through the docker CLI and through stevedore on the same dockerd: the same output. */
    private void printSameAsDocker(List<List<String>> commands) throws IOException, InterruptedException {
        for (List<String> command : commands) {
            CliRunner.Result theirs = docker(command.toArray(String[]::new));
            List<String> withHost = new ArrayList<>(List.of("-H", host));
            withHost.addAll(command);
            CliRunner.Result ours = stevedore(withHost.toArray(String[]::new));
            assertThat(theirs.exitCode()).as("docker " + command + "\n" + theirs).isZero();
            assertThat(theirs.out()).as("docker " + command + " prints something to compare").isNotBlank();
            assertThat(ours.out()).as("stevedore " + command + "\n" + ours).isEqualTo(theirs.out());
        }
    }

    @Test
    void healthChecksAskedForByStevedoreAreDockerdsAndPsShowsThemAsDockerDoes() throws Exception {
        String ours = prefix + "-checked-ours";
        String theirs = prefix + "-checked-theirs";
        cleanup.add(List.of("rm", "-f", ours, theirs));
        CliRunner.Result run = stevedore("-H", host, "run", "-d", "--name", ours, "--health-cmd", "echo ok",
                "--health-interval", "1s", busybox, "sleep", "600");
        docker("run", "-d", "--name", theirs, "--health-cmd", "echo ok", "--health-interval", "1s", busybox, "sleep", "600");
        assertThat(run.exitCode()).as(run.toString()).isZero();

        // dockerd holds the check stevedore asked for, as the docker CLI asks for it, and runs it
        assertThat(docker("inspect", "-f", "{{json .Config.Healthcheck}}", ours).out())
                .isEqualTo(docker("inspect", "-f", "{{json .Config.Healthcheck}}", theirs).out());
        for (String name : List.of(ours, theirs)) {
            await().atMost(Duration.ofSeconds(90)).until(() -> docker("inspect", "-f", "{{.State.Health.Status}}", name)
                    .out().strip().equals("healthy"));
        }
        String[] listing = {"ps", "--filter", "name=" + prefix + "-checked", "--filter", "health=healthy", "--format",
                "{{.Names}} {{.Status}}"};
        List<String> dockers = docker(listing).outLines();
        List<String> stevedores = stevedore(withHost(listing)).outLines();
        assertThat(dockers).hasSize(2).allMatch(l -> l.matches(".* Up .* \\(healthy\\)"));
        assertThat(stevedores).as("stevedore ps, same filters and format").hasSize(2)
                .allMatch(l -> l.matches(".* Up .* \\(healthy\\)"));
        assertThat(stevedores.stream().map(l -> l.substring(0, l.indexOf(' '))))
                .containsExactlyInAnyOrderElementsOf(dockers.stream().map(l -> l.substring(0, l.indexOf(' '))).toList());
        assertThat(stevedore("-H", host, "inspect", "-f", "{{.State.Health.Status}} {{(index .State.Health.Log 0).Output}}",
                theirs).out()).isEqualTo("healthy ok\n\n");
    }

    private static String[] withHost(String... args) {
        List<String> all = new ArrayList<>(List.of("-H", host));
        all.addAll(List.of(args));
        return all.toArray(String[]::new);
    }

    private CliRunner.Result stevedore(String... args) throws IOException, InterruptedException {
        return stevedore(Map.of(), args);
    }

    private CliRunner.Result stevedore(Map<String, String> env, String... args) throws IOException, InterruptedException {
        return new PackagedCli(home, scratch).run(env, args);
    }

    /** The real docker CLI on the test bed's dockerd, with a configuration directory of its own. */
    private CliRunner.Result docker(String... args) throws IOException, InterruptedException {
        return TestbedDocker.run(scratch, host, args);
    }
}
