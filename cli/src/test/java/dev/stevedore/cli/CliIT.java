package dev.stevedore.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged {@code stevedore} command, run as a user runs it (a child process with its own state directory),
 * against the test bed's real registry; containers run in the embedded engine (chosen with
 * {@code STEVEDORE_ENGINE=embedded} where a test does not say otherwise) from the test bed's busybox.
 * The same commands on dockerd: {@link CliDockerIT}.
 */
class CliIT {
    private static LocalTestbed testbed;

    @TempDir
    Path home;
    @TempDir
    Path scratch;

    @BeforeAll
    static void findTestbed() {
        testbed = LocalTestbed.load();
    }

    @Test
    void pullsListsPullsAgainAndRemovesAnImage() throws Exception {
        String reference = testbed.get("PLAIN_REGISTRY") + "/library/busybox:latest";

        CliRunner.Result pulled = stevedore("pull", reference);

        assertThat(pulled.exitCode()).as(pulled.toString()).isZero();
        List<String> lines = pulled.outLines();
        assertThat(lines.get(0)).isEqualTo("latest: Pulling from library/busybox");
        assertThat(lines).anyMatch(line -> line.matches("[0-9a-f]{12}: Pull complete"));
        assertThat(lines.subList(lines.size() - 3, lines.size())).satisfiesExactly(
                digest -> assertThat(digest).matches("Digest: sha256:[0-9a-f]{64}"),
                status -> assertThat(status).isEqualTo("Status: Downloaded newer image for " + reference),
                last -> assertThat(last).isEqualTo(reference));
        assertThat(pulled.out()).as("no escape sequences when not on a terminal").doesNotContain("\u001b");

        CliRunner.Result images = stevedore("images");

        assertThat(images.exitCode()).as(images.toString()).isZero();
        assertThat(images.outLines().get(0)).matches("REPOSITORY +TAG +IMAGE ID +CREATED +SIZE");
        assertThat(images.outLines()).anyMatch(line ->
                line.matches(java.util.regex.Pattern.quote(testbed.get("PLAIN_REGISTRY")) + "/library/busybox +latest +[0-9a-f]{12} +.+ago +[0-9.]+[kMG]?B"));

        CliRunner.Result again = stevedore("pull", reference);

        assertThat(again.exitCode()).as(again.toString()).isZero();
        assertThat(again.out()).contains("Status: Image is up to date for " + reference);
        assertThat(again.outLines()).noneMatch(line -> line.contains("Downloading"));

        CliRunner.Result removed = stevedore("rmi", reference);

        assertThat(removed.exitCode()).as(removed.toString()).isZero();
        assertThat(removed.outLines().get(0)).isEqualTo("Untagged: " + reference);
        assertThat(removed.outLines()).anyMatch(line -> line.matches("Deleted: sha256:[0-9a-f]{64}"));
        assertThat(stevedore("images", "-q").out()).isEmpty();
    }

    @Test
    void pullOfAMissingImageNamesRegistryAndReferenceAndExitsOne() throws Exception {
        String registry = testbed.get("PLAIN_REGISTRY");

        CliRunner.Result result = stevedore("pull", registry + "/library/nope:1");

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(1);
        assertThat(result.err()).startsWith("stevedore: ").contains(registry, "library/nope")
                .doesNotContain("\tat ");
    }

    @Test
    void loadsTheBusyboxDockerArchive() throws Exception {
        Path archive = testbed.file("BUSYBOX_DOCKER_ARCHIVE");

        CliRunner.Result loaded = stevedore("--home", home.toString(), "load", "-i", archive.toString());

        assertThat(loaded.exitCode()).as(loaded.toString()).isZero();
        assertThat(loaded.outLines()).isNotEmpty().allMatch(line -> line.startsWith("Loaded image"));
        assertThat(loaded.out()).contains("busybox");

        CliRunner.Result images = stevedore("images", "--format", "json");

        assertThat(images.exitCode()).as(images.toString()).isZero();
        assertThat(images.outLines()).anyMatch(line -> line.contains("busybox") && line.matches("\\{\"Containers\":.*\"ID\":\"[0-9a-f]{12}\",\"Repository\":.*}"));
    }

    @Test
    void tagsPushesSavesAndLoadsAnImage() throws Exception {
        String registry = testbed.get("PLAIN_REGISTRY");
        String busybox = registry + "/library/busybox:latest";
        String repository = registry + "/cli-" + java.util.UUID.randomUUID().toString().substring(0, 8) + "/busybox";
        assertThat(stevedore("pull", "-q", busybox).exitCode()).isZero();

        CliRunner.Result tag = stevedore("tag", busybox, repository + ":v1");
        CliRunner.Result push = stevedore("push", repository + ":v1");

        assertThat(tag.exitCode()).as(tag.toString()).isZero();
        assertThat(tag.out()).isEmpty();
        assertThat(push.exitCode()).as(push.toString()).isZero();
        assertThat(push.outLines()).as(push.toString()).first().isEqualTo("The push refers to repository [" + repository + "]");
        assertThat(push.outLines()).as(push.toString()).last().asString().matches("v1: digest: sha256:[0-9a-f]{64} size: \\d+");
        String digest = push.outLines().get(push.outLines().size() - 1).split(" ")[2];

        Path archive = scratch.resolve("saved.tar");
        CliRunner.Result save = stevedore("save", "-o", archive.toString(), repository + ":v1");
        assertThat(save.exitCode()).as(save.toString()).isZero();
        assertThat(Files.size(archive)).isPositive();
        assertThat(stevedore("rmi", repository + ":v1").exitCode()).isZero();
        CliRunner.Result load = stevedore("load", "-i", archive.toString());
        assertThat(load.outLines()).as(load.toString()).contains("Loaded image: " + repository + ":v1");
        CliRunner.Result run = stevedore("run", "--rm", repository + ":v1", "echo", "loaded");
        assertThat(run.out()).as(run.toString()).isEqualTo("loaded\n");

        CliRunner.Result byDigest = stevedore("pull", repository + "@" + digest);
        assertThat(byDigest.exitCode()).as(byDigest.toString()).isZero();
        assertThat(byDigest.out()).contains("Digest: " + digest);
    }

    @Test
    void packagedJarShowsUsageAndRejectsUnknownCommands() throws Exception {
        CliRunner.Result help = stevedore("--help");
        CliRunner.Result version = stevedore("--version");
        CliRunner.Result unknown = stevedore("frobnicate");

        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).startsWith("Usage: stevedore").contains("pull", "images", "rmi", "load", "run", "ps", "exec");
        assertThat(version.out()).matches("(?s)stevedore \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\\R.*");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).startsWith("stevedore: ").contains("'frobnicate'");
    }

    @Test
    void runPullsTheImageAndPrintsOnlyTheContainersOutput() throws Exception {
        String reference = testbed.get("PLAIN_REGISTRY") + "/library/busybox:latest";

        CliRunner.Result result = stevedore("run", "--rm", reference, "echo", "hello");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out()).isEqualTo("hello\n");
        assertThat(result.err()).as("the pull report goes to stderr").contains("Unable to find image '" + reference + "' locally",
                "Status: Downloaded newer image for " + reference);
        assertThat(stevedore("ps", "-aq").out()).as("--rm removed it").isEmpty();
    }

    @Test
    void runExitsWithTheContainersExitCode() throws Exception {
        String reference = testbed.get("PLAIN_REGISTRY") + "/library/busybox:latest";

        CliRunner.Result result = stevedore("run", "--rm", reference, "sh", "-c", "echo to-stderr >&2; exit 3");

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(3);
        assertThat(result.out()).isEmpty();
        assertThat(result.err()).contains("to-stderr\n");
    }

    @Test
    void detachedContainerIsListedExecutedInLoggedStoppedAndRemoved() throws Exception {
        String reference = testbed.get("PLAIN_REGISTRY") + "/library/busybox:latest";
        String name = "cli-it-" + Long.toHexString(System.nanoTime());
        try {
            CliRunner.Result run = stevedore("run", "-d", "--name", name, reference,
                    "sh", "-c", "echo started; echo warming >&2; exec sleep 100");

            assertThat(run.exitCode()).as(run.toString()).isZero();
            String id = run.out().strip();
            assertThat(id).matches("[0-9a-f]{64}");

            CliRunner.Result ps = stevedore("ps");

            assertThat(ps.exitCode()).as(ps.toString()).isZero();
            assertThat(ps.outLines().get(0)).matches("CONTAINER ID +IMAGE +COMMAND +CREATED +STATUS +PORTS +NAMES");
            assertThat(ps.outLines()).anyMatch(line -> line.startsWith(id.substring(0, 12)) && line.contains(" Up ")
                    && line.endsWith(name));

            CliRunner.Result exec = stevedore("exec", name, "cat", "/etc/hostname");

            assertThat(exec.exitCode()).as(exec.toString()).isZero();
            assertThat(exec.out()).as("the hostname defaults to the short id").isEqualTo(id.substring(0, 12) + "\n");

            CliRunner.Result failingExec = stevedore("exec", name, "sh", "-c", "exit 4");

            assertThat(failingExec.exitCode()).as(failingExec.toString()).isEqualTo(4);

            CliRunner.Result logs = stevedore("logs", name);

            assertThat(logs.exitCode()).as(logs.toString()).isZero();
            assertThat(logs.out()).isEqualTo("started\n");
            assertThat(logs.err()).isEqualTo("warming\n");

            CliRunner.Result inspect = stevedore("inspect", name);

            assertThat(inspect.exitCode()).as(inspect.toString()).isZero();
            assertThat(inspect.out()).contains("\"Id\": \"" + id + "\"", "\"Running\": true", "\"Name\": \"/" + name + "\"");

            CliRunner.Result stop = stevedore("stop", "-t", "1", name);

            assertThat(stop.exitCode()).as(stop.toString()).isZero();
            assertThat(stop.out()).isEqualTo(name + "\n");

            CliRunner.Result all = stevedore("ps", "-a");

            assertThat(all.outLines()).anyMatch(line -> line.startsWith(id.substring(0, 12))
                    && line.matches(".* Exited \\(\\d+\\) .*ago .*" + name));
            assertThat(stevedore("ps", "-q").out()).doesNotContain(id.substring(0, 12));

            CliRunner.Result rm = stevedore("rm", name);

            assertThat(rm.exitCode()).as(rm.toString()).isZero();
            assertThat(stevedore("ps", "-aq").out()).isEmpty();
        } finally {
            stevedore("rm", "-f", name);
        }
    }

    @Test
    void aDetachedContainersPublishedPortAnswersAfterRunExitedUntilItIsRemoved() throws Exception {
        String reference = testbed.get("PLAIN_REGISTRY") + "/library/busybox:latest";
        String name = "cli-port-" + Long.toHexString(System.nanoTime());
        try {
            CliRunner.Result run = stevedore("run", "-d", "--name", name, "-p", "127.0.0.1::80", reference, "sh", "-c",
                    "mkdir -p /www && echo hello-cli-port > /www/index.html && exec httpd -f -p 80 -h /www");
            assertThat(run.exitCode()).as(run.toString()).isZero();
            String id = run.out().strip();

            CliRunner.Result port = stevedore("port", id);

            assertThat(port.exitCode()).as(port.toString()).isZero();
            assertThat(port.out()).matches("80/tcp -> 127\\.0\\.0\\.1:\\d+\n");
            int hostPort = Integer.parseInt(port.out().strip().substring(port.out().lastIndexOf(':') + 1));
            // the command that started it has exited: a process of the container's own serves its port
            await().atMost(Duration.ofSeconds(15)).ignoreExceptions()
                    .untilAsserted(() -> assertThat(httpGet(hostPort)).endsWith("hello-cli-port\n"));
            assertThat(stevedore("port", name, "80").out()).isEqualTo("127.0.0.1:" + hostPort + "\n");
            assertThat(stevedore("ps").outLines()).anyMatch(line -> line.contains("127.0.0.1:" + hostPort + "->80/tcp"));

            CliRunner.Result rm = stevedore("rm", "-f", id);

            assertThat(rm.exitCode()).as(rm.toString()).isZero();
            try (ServerSocket again = new ServerSocket()) {
                again.bind(new InetSocketAddress("127.0.0.1", hostPort));
            }
            assertThat(proxyProcesses(id)).as("port proxy processes left").isEmpty();
        } finally {
            stevedore("rm", "-f", name);
        }
    }

    /** The whole answer to {@code GET /index.html} on 127.0.0.1:port. */
    private static String httpGet(int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            socket.setSoTimeout(5000);
            socket.getOutputStream().write("GET /index.html HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Live processes whose command line is a port proxy's for this container. */
    private static List<Long> proxyProcesses(String containerId) throws IOException {
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            return procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).filter(p -> {
                try {
                    String stat = Files.readString(p.resolve("stat"));
                    String[] args = Files.readString(p.resolve("cmdline")).split("\0");
                    return args.length > 2 && args[1].equals("proxy") && (args[0].contains("/launcher-") // run from a file, or from the JVM's sealed memfd
                            || Files.readSymbolicLink(p.resolve("exe")).toString().startsWith("/memfd:stevedore-launcher"))
                            && String.join(" ", args).contains(containerId)
                            && stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
                } catch (IOException | RuntimeException gone) {
                    return false;
                }
            }).map(p -> Long.parseLong(p.getFileName().toString())).toList();
        }
    }

    @Test
    void missingEntrypointExits127WithAClearMessage() throws Exception {
        String reference = testbed.get("PLAIN_REGISTRY") + "/library/busybox:latest";

        CliRunner.Result result = stevedore("run", "--rm", reference, "/no/such/binary");

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(127);
        assertThat(result.out()).isEmpty();
        assertThat(result.err().lines().toList()).last().asString().startsWith("stevedore: ").contains("/no/such/binary");
        assertThat(result.err()).doesNotContain("\tat ");
        assertThat(stevedore("ps", "-aq").out()).as("--rm removed it").isEmpty();
    }

    @Test
    void unknownContainerExitsOneAndRunsEngineFailureExits125() throws Exception {
        CliRunner.Result stop = stevedore("stop", "no-such-container");
        CliRunner.Result run = stevedore("run", "--rm", testbed.get("PLAIN_REGISTRY") + "/library/nope:1");

        assertThat(stop.exitCode()).as(stop.toString()).isEqualTo(1);
        assertThat(stop.err()).startsWith("stevedore: ").contains("no-such-container");
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(125);
        assertThat(run.err()).contains("stevedore: ", "library/nope");
    }

    @Test
    void historyEventsStatsAndDfFormatsRunGoTemplatesOverDockersFields() throws Exception {
        String reference = testbed.get("PLAIN_REGISTRY") + "/library/busybox:latest";
        String up = "cli-fmt-up-" + Long.toHexString(System.nanoTime());
        String gone = "cli-fmt-gone-" + Long.toHexString(System.nanoTime());
        long since = System.currentTimeMillis() / 1000 - 1;
        CliRunner.Result ran = stevedore("run", "--name", gone, "--label", "team=web", reference, "sh", "-c", "exit 2");
        assertThat(ran.exitCode()).as(ran.toString()).isEqualTo(2);
        assertThat(stevedore("rm", gone).exitCode()).isZero();
        assertThat(stevedore("run", "-d", "--name", up, reference, "sleep", "600").exitCode()).isZero();
        try {
            String until = Long.toString(System.currentTimeMillis() / 1000 + 1);
            List<String> events = stevedore("events", "--since", Long.toString(since), "--until", until,
                    "--filter", "container=" + gone, "--format", "{{.Type}} {{.Action}} {{.Actor.Attributes.name}}"
                            + " {{.Actor.Attributes.team}} {{.Actor.Attributes.nope}}").outLines();
            assertThat(events).containsSubsequence("container create " + gone + " web <no value>",
                    "container start " + gone + " web <no value>", "container die " + gone + " web <no value>",
                    "container destroy " + gone + " web <no value>");
            List<String> json = stevedore("events", "--since", Long.toString(since), "--until", until,
                    "--filter", "container=" + gone, "--filter", "event=die", "--format", "{{json .}}").outLines();
            assertThat(json).singleElement().asString().startsWith("{\"status\":\"die\",\"id\":\"")
                    .contains("\",\"from\":\"" + reference + "\",\"Type\":\"container\",\"Action\":\"die\",\"Actor\":{\"ID\":\"",
                            "\"exitCode\":\"2\"", "\"name\":\"" + gone + "\"", "\"team\":\"web\"", "},\"scope\":\"local\",\"time\":")
                    .containsPattern("\"timeNano\":\\d{19}}$");
            CliRunner.Result badField = stevedore("events", "--since", "1s", "--until", "0s", "--format", "{{.Nope}}");
            assertThat(badField.exitCode()).as(badField.toString()).isNotZero();
            assertThat(badField.err()).contains("can't evaluate field Nope");

            String id = stevedore("inspect", "-f", "{{.Id}}", up).out().strip();
            assertThat(stevedore("stats", "--no-stream", "--format", "{{.Name}}|{{.Container}}|{{.ID}}", up).outLines())
                    .containsExactly(up + "|" + up + "|" + id.substring(0, 12));
            assertThat(stevedore("stats", "--no-stream", "--format", "table {{.Name}}\\t{{.PIDs}}", up).outLines())
                    .containsExactly("NAME" + " ".repeat(up.length() - 1) + "PIDS", up + "   1");

            List<String> history = stevedore("history", "--no-trunc", "--format", "{{.ID}}|{{.Size}}", reference).outLines();
            assertThat(history).isNotEmpty().allMatch(line -> line.matches("(sha256:[0-9a-f]{64}|<missing>)\\|\\d+(\\.\\d+)?[kMG]?B"));
            assertThat(stevedore("history", "-q", reference).outLines()).hasSameSizeAs(history);

            assertThat(stevedore("system", "df", "--format", "{{.Type}}: {{.TotalCount}}").outLines())
                    .containsExactly("Images: 1", "Containers: 1", "Local Volumes: 0", "Build Cache: 0");
        } finally {
            stevedore("rm", "-f", up);
        }
    }

    /** Runs the packaged command with STEVEDORE_HOME set to this test's state directory. */
    private CliRunner.Result stevedore(String... args) throws IOException, InterruptedException {
        return stevedore(Map.of(), args);
    }

    /** Runs the packaged command with STEVEDORE_HOME set to this test's state directory and {@code env} added. */
    private CliRunner.Result stevedore(Map<String, String> env, String... args) throws IOException, InterruptedException {
        return stevedore(env, new java.io.File("/dev/null"), args);
    }

    /** As {@link #stevedore(Map, String...)}, its standard input read from {@code input}. */
    private CliRunner.Result stevedore(Map<String, String> env, java.io.File input, String... args)
            throws IOException, InterruptedException {
        Map<String, String> embedded = new java.util.HashMap<>(Map.of("STEVEDORE_ENGINE", "embedded"));
        embedded.putAll(env);
        return new PackagedCli(home, scratch).run(embedded, input, args);
    }

    @Test
    void builderPruneAsksUnlessForcedAndPrintsWhatItRemovedAsDockerDoes() throws Exception {
        Path context = Files.createDirectories(scratch.resolve("prune-context"));
        Files.writeString(context.resolve("Dockerfile"), "FROM " + testbed.get("PLAIN_REGISTRY") + "/library/busybox:latest\n"
                + "RUN dd if=/dev/urandom of=/data bs=1k count=300\n");
        assertThat(stevedore("build", "-t", "local.test/cli-prune:1", context.toString()).exitCode()).isZero();
        assertThat(stevedore("rmi", "local.test/cli-prune:1").exitCode()).isZero();

        CliRunner.Result declined = stevedore("builder", "prune", "--all");
        CliRunner.Result pruned = stevedore("builder", "prune", "-f", "--filter", "until=0s", "--keep-storage", "1k");
        CliRunner.Result badFilter = stevedore("builder", "prune", "-f", "--filter", "colour=blue");

        assertThat(declined.out()).as(declined.toString()).isEqualTo("WARNING! This will remove all build cache. Are you sure you"
                + " want to continue? [y/N] Total reclaimed space: 0B\n");
        assertThat(pruned.exitCode()).as(pruned.toString()).isZero();
        List<String> lines = pruned.out().lines().toList();
        assertThat(lines.get(0)).isEqualTo("Deleted build cache objects:");
        assertThat(lines.subList(1, lines.size() - 2)).isNotEmpty().allMatch(id -> id.matches("[0-9a-f]{64}"));
        assertThat(lines.get(lines.size() - 2)).isEmpty();
        assertThat(lines.get(lines.size() - 1)).matches("Total reclaimed space: 3\\d\\d(\\.\\d+)?kB");
        assertThat(badFilter.exitCode()).isEqualTo(1);
        assertThat(badFilter.err()).contains("invalid filter 'colour'");
    }

    @Test
    void runWithDashIFeedsTheContainersStdinUntilTheInputEnds() throws Exception {
        String reference = testbed.get("PLAIN_REGISTRY") + "/library/busybox:latest";
        Path input = Files.writeString(scratch.resolve("stdin.txt"), "first line\nsecond line\n");

        CliRunner.Result cat = stevedore(Map.of(), input.toFile(), "run", "--rm", "-i", reference, "sh", "-c", "cat; echo end-of-input");
        CliRunner.Result closed = stevedore(Map.of(), input.toFile(), "run", "--rm", reference, "sh", "-c", "cat; echo nothing-read");

        assertThat(cat.exitCode()).as(cat.toString()).isZero();
        assertThat(cat.out()).as(cat.toString()).isEqualTo("first line\nsecond line\nend-of-input\n");
        assertThat(closed.out()).as("without -i the container's stdin is empty\n" + closed).isEqualTo("nothing-read\n");
    }

    @Test
    void containersOnOneNetworkReachEachOtherByAlias() throws Exception {
        String reference = testbed.get("PLAIN_REGISTRY") + "/library/busybox:latest";
        String network = "cli-net-" + Long.toHexString(System.nanoTime());
        String server = network + "-srv";
        try {
            CliRunner.Result created = stevedore("network", "create", network);
            assertThat(created.exitCode()).as(created.toString()).isZero();
            assertThat(stevedore("network", "ls").out()).contains(network);

            CliRunner.Result run = stevedore("run", "-d", "--name", server, "--network", network, "--network-alias", "web",
                    reference, "sh", "-c", "while true; do echo hello-from-web | nc -l -p 8080; done");
            assertThat(run.exitCode()).as(run.toString()).isZero();

            CliRunner.Result client = stevedore("run", "--rm", "--network", network, reference,
                    "sh", "-c", "for i in 1 2 3 4 5 6 7 8 9 10; do nc web 8080 </dev/null && exit 0; sleep 0.2; done; exit 1");
            assertThat(client.exitCode()).as(client.toString()).isZero();
            assertThat(client.out()).isEqualTo("hello-from-web\n");

            CliRunner.Result busy = stevedore("network", "rm", network);
            assertThat(busy.exitCode()).as("a network with a container on it is not removed").isEqualTo(1);
            assertThat(stevedore("rm", "-f", server).exitCode()).isZero();
            CliRunner.Result removed = stevedore("network", "rm", network);
            assertThat(removed.exitCode()).as(removed.toString()).isZero();
            assertThat(stevedore("network", "ls").out()).doesNotContain(network);
        } finally {
            stevedore("rm", "-f", server);
            stevedore("network", "rm", network);
        }
    }

    @Test
    void aVolumeKeepsDataBetweenRunsAndIsRemovedOnlyWhenNoContainerUsesIt() throws Exception {
        String reference = testbed.get("PLAIN_REGISTRY") + "/library/busybox:latest";
        String volume = "cli-vol-" + Long.toHexString(System.nanoTime());
        String writer = volume + "-writer";

        CliRunner.Result created = stevedore("volume", "create", "--label", "purpose=cli-it", volume);
        assertThat(created.exitCode()).as(created.toString()).isZero();
        assertThat(created.out()).isEqualTo(volume + "\n");
        assertThat(stevedore("volume", "ls", "-q").outLines()).contains(volume);

        CliRunner.Result write = stevedore("run", "--name", writer, "-v", volume + ":/data", reference, "sh", "-c", "echo kept > /data/f");
        assertThat(write.exitCode()).as(write.toString()).isZero();
        CliRunner.Result read = stevedore("run", "--rm", "-v", volume + ":/data:ro", reference, "cat", "/data/f");
        assertThat(read.out()).as(read.toString()).isEqualTo("kept\n");
        assertThat(stevedore("volume", "inspect", volume).out()).contains("\"purpose\": \"cli-it\"", "/volumes/" + volume + "/_data");

        CliRunner.Result busy = stevedore("volume", "rm", volume);
        assertThat(busy.exitCode()).as("a volume an exited container mounts is not removed").isEqualTo(1);
        assertThat(busy.err()).contains("in use by container " + writer);

        assertThat(stevedore("rm", writer).exitCode()).isZero();
        CliRunner.Result removed = stevedore("volume", "rm", volume);
        assertThat(removed.exitCode()).as(removed.toString()).isZero();
        assertThat(stevedore("volume", "ls", "-q").outLines()).doesNotContain(volume);
    }
}
