package dev.stevedore.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.HealthCheck;
import dev.stevedore.engine.ContainerSpec.PullPolicy;
import dev.stevedore.engine.ContainerState;
import dev.stevedore.engine.Image;
import dev.stevedore.engine.ImageConfig;
import dev.stevedore.engine.LogLine;
import dev.stevedore.engine.Mount;
import dev.stevedore.engine.PortBinding;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class RunCommandTest {
    private static final String BUSYBOX = "127.0.0.1:5000/library/busybox:latest";

    private final Image busybox = withConfig(InMemoryEngine.image("busybox", Instant.parse("2025-04-01T12:00:00Z"), 2_150_000),
            new ImageConfig(List.of(), List.of("sh"), List.of("PATH=/bin"), "", "", java.util.Set.of(), java.util.Set.of(),
                    Map.of(), "", null));
    private final InMemoryEngine engine = new InMemoryEngine().publish(BUSYBOX, busybox);
    private final CliRunner cli = new CliRunner(engine);

    @TempDir
    Path scratch;

    static Image withConfig(Image image, ImageConfig config) {
        return new Image(image.references(), image.id(), image.manifestDigest(), image.platform(), image.layers(),
                image.size(), image.created(), config);
    }

    @Test
    void everyOptionReachesTheContainerSpec() throws Exception {
        Path envFile = Files.writeString(scratch.resolve("env"), "# comment\n\nFROM_FILE=1\n  SHARED=file\nCOPIED\n");
        cli.environment.put("COPIED", "from-shell");
        cli.environment.put("HOME_VALUE", "/root");

        CliRunner.Result result = cli.run("run", "-d", "--rm", "--name", "web-1", "--env-file", envFile.toString(),
                "-e", "SHARED=flag", "-e", "HOME_VALUE", "-e", "UNSET_IN_SHELL", "-v", "/srv/data:/data:ro", "-v", "cache:/cache",
                "-v", "/anonymous", "--tmpfs", "/run:size=64m,mode=1777", "--tmpfs", "/tmp", "-w", "/work", "-u", "1000:1000",
                "--entrypoint", "/bin/app", "-h", "box", "-l", "team=core", "-l", "flag", "--read-only",
                "--shm-size", "256m", "-m", "1g", "--cpus", "1.5", "--pids-limit", "100", "--network", "backend",
                "--network-alias", "api", "--network-alias", "web", "--ip", "10.5.0.9", "-p", "8080", "-p", "9000:90/udp",
                "-p", "0.0.0.0:8443:443", "-P", "--expose", "7000", "--pull", "always", "--stop-signal", "SIGINT",
                "--stop-timeout", "3", BUSYBOX, "serve", "-l", "--port", "80");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        ContainerSpec spec = engine.created.get(0);
        assertThat(spec.image()).isEqualTo(BUSYBOX);
        assertThat(spec.name()).isEqualTo("web-1");
        assertThat(spec.env()).containsExactly("FROM_FILE=1", "SHARED=file", "COPIED=from-shell", "SHARED=flag",
                "HOME_VALUE=/root");
        assertThat(spec.mounts()).containsExactly(
                new Mount(Mount.Type.BIND, "/srv/data", "/data", true, "ro"), Mount.volume("cache", "/cache", false),
                Mount.volume("", "/anonymous", false), Mount.tmpfs("/run", "size=64m,mode=1777"), Mount.tmpfs("/tmp", ""));
        assertThat(spec.workingDir()).isEqualTo("/work");
        assertThat(spec.user()).isEqualTo("1000:1000");
        assertThat(spec.entrypoint()).containsExactly("/bin/app");
        assertThat(spec.cmd()).as("options after the image belong to the command").containsExactly("serve", "-l", "--port", "80");
        assertThat(spec.hostname()).isEqualTo("box");
        assertThat(spec.labels()).containsExactlyInAnyOrderEntriesOf(Map.of("team", "core", "flag", "",
                ContainerSpec.KEEP_LABEL, "true"));
        assertThat(spec.readOnlyRootfs()).isTrue();
        assertThat(spec.shmSizeBytes()).isEqualTo(256L * 1024 * 1024);
        assertThat(spec.memoryBytes()).isEqualTo(1024L * 1024 * 1024);
        assertThat(spec.cpus()).isEqualTo(1.5);
        assertThat(spec.pidsLimit()).isEqualTo(100);
        assertThat(spec.networkMode()).isEqualTo("backend");
        assertThat(spec.networkAliases()).containsExactly("api", "web");
        assertThat(spec.ipv4Address()).isEqualTo("10.5.0.9");
        assertThat(spec.ports()).containsExactly(new PortBinding(8080, "tcp", "127.0.0.1", 0),
                new PortBinding(90, "udp", "127.0.0.1", 9000), new PortBinding(443, "tcp", "0.0.0.0", 8443));
        assertThat(spec.publishAllPorts()).isTrue();
        assertThat(spec.exposedPorts()).containsExactly("7000/tcp");
        assertThat(spec.stopSignal()).isEqualTo("SIGINT");
        assertThat(spec.stopTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(spec.autoRemove()).as("detached --rm is the engine's to do").isTrue();
        assertThat(spec.pullPolicy()).as("pulled already by the command").isEqualTo(PullPolicy.MISSING);
        assertThat(engine.pulls).as("--pull always").hasSize(1);
    }

    @Test
    void securityOptSendsASeccompProfilesContentAsTheDockerCliDoes() throws Exception {
        String profile = "{\"defaultAction\": \"SCMP_ACT_ALLOW\"}";
        Path file = Files.writeString(scratch.resolve("profile.json"), profile);

        cli.run("run", "-d", "--security-opt", "seccomp=" + file, "--security-opt", "seccomp=unconfined", BUSYBOX);
        CliRunner.Result missing = cli.run("run", "-d", "--security-opt", "seccomp=" + scratch.resolve("absent.json"), BUSYBOX);

        assertThat(engine.created.get(0).securityOpts()).containsExactly("seccomp=" + profile, "seccomp=unconfined");
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("cannot read the seccomp profile").contains("absent.json");
        assertThat(engine.created).hasSize(1);
    }

    @Test
    void healthOptionsReachTheSpecWithDockersNamesAndDurations() {
        cli.run("run", "-d", "--health-cmd", "curl -f localhost || exit 1", "--health-interval", "1m30s", "--health-timeout",
                "500ms", "--health-retries", "5", "--health-start-period", "10s", "--health-start-interval", "2s", BUSYBOX);
        cli.run("run", "-d", "--health-interval", "5s", BUSYBOX);
        cli.run("run", "-d", "--no-healthcheck", BUSYBOX);
        cli.run("run", "-d", BUSYBOX);
        CliRunner.Result conflict = cli.run("run", "-d", "--no-healthcheck", "--health-retries", "2", BUSYBOX);
        CliRunner.Result negative = cli.run("run", "-d", "--health-interval", "-1s", BUSYBOX);

        assertThat(engine.created.get(0).healthCheck()).isEqualTo(HealthCheck.shell("curl -f localhost || exit 1")
                .withInterval(Duration.ofSeconds(90)).withTimeout(Duration.ofMillis(500)).withRetries(5)
                .withStartPeriod(Duration.ofSeconds(10)).withStartInterval(Duration.ofSeconds(2)));
        assertThat(engine.created.get(1).healthCheck().test()).as("the image's test, with this interval").isEmpty();
        assertThat(engine.created.get(1).healthCheck().interval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(engine.created.get(2).healthCheck()).isEqualTo(HealthCheck.NONE);
        assertThat(engine.created.get(3).healthCheck()).isNull();
        assertThat(conflict.exitCode()).isEqualTo(2);
        assertThat(conflict.err()).contains("--no-healthcheck conflicts with --health-* options");
        assertThat(negative.exitCode()).isEqualTo(2);
        assertThat(negative.err()).contains("--health-interval cannot be negative");
        assertThat(engine.created).hasSize(4);
    }

    @Test
    void capAddAndCapDropReachTheSpecAndAnUnknownCapabilityIsAUsageError() {
        cli.run("run", "-d", "--cap-add", "NET_ADMIN", "--cap-add", "cap_sys_time", "--cap-drop", "ALL", BUSYBOX);
        CliRunner.Result unknown = cli.run("run", "-d", "--cap-add", "FLY", BUSYBOX);

        assertThat(engine.created.get(0).capAdd()).containsExactly("NET_ADMIN", "cap_sys_time");
        assertThat(engine.created.get(0).capDrop()).containsExactly("ALL");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("unknown capability: \"FLY\"");
        assertThat(engine.created).hasSize(1);
    }

    @Test
    void addHostAndDnsFlagsReachTheSpecAndABadAddressIsAUsageError() {
        cli.run("run", "-d", "--add-host", "db:10.1.2.3", "--add-host", "gw:host-gateway", "--dns", "10.0.0.53",
                "--dns-search", "example.org", "--dns-option", "ndots:2", BUSYBOX);
        CliRunner.Result bad = cli.run("run", "-d", "--add-host", "db:example.org", BUSYBOX);

        assertThat(engine.created.get(0).extraHosts()).containsExactly("db:10.1.2.3", "gw:host-gateway");
        assertThat(engine.created.get(0).dns()).containsExactly("10.0.0.53");
        assertThat(engine.created.get(0).dnsSearch()).containsExactly("example.org");
        assertThat(engine.created.get(0).dnsOptions()).containsExactly("ndots:2");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("invalid IP address \"example.org\"");
        assertThat(engine.created).hasSize(1);
    }

    @Test
    void ulimitFlagsReachTheSpecAndABadOneIsAUsageError() {
        cli.run("run", "-d", "--ulimit", "nofile=1024:2048", "--ulimit", "core=-1", BUSYBOX);
        CliRunner.Result bad = cli.run("run", "-d", "--ulimit", "nofile=2048:1024", BUSYBOX);

        assertThat(engine.created.get(0).ulimits()).containsExactly("nofile=1024:2048", "core=-1:-1");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("must be less than or equal to the hard limit");
        assertThat(engine.created).hasSize(1);
    }

    @Test
    void volumesFromFlagsReachTheSpecAndABadModeIsAUsageError() {
        cli.run("run", "-d", "--volumes-from", "data", "--volumes-from", "logs:ro", BUSYBOX);
        CliRunner.Result bad = cli.run("run", "-d", "--volumes-from", "data:z", BUSYBOX);

        assertThat(engine.created.get(0).volumesFrom()).containsExactly("data", "logs:ro");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("invalid mode for volumes-from: data:z");
        assertThat(engine.created).hasSize(1);
    }

    @Test
    void linkFlagsReachTheSpecAndLinksWithTheHostsNetworkAreAUsageErrorInDockerdsWords() {
        cli.run("run", "-d", "--link", "db:database", "--link", "cache", BUSYBOX);
        CliRunner.Result bad = cli.run("run", "-d", "--network", "host", "--link", "db", BUSYBOX);

        assertThat(engine.created.get(0).links()).containsExactly("db:database", "cache:cache");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("conflicting options: host type networking can't be used with links");
        assertThat(engine.created).hasSize(1);
    }

    @Test
    void namespaceFlagsReachTheSpecAndAConflictIsAUsageErrorInDockerdsWords() {
        cli.run("run", "-d", "--pid", "container:db", "--ipc", "shareable", "--uts", "host", "--cgroupns", "host",
                "--userns", "host", "--network", "container:db", BUSYBOX);
        CliRunner.Result bad = cli.run("run", "-d", "--network", "container:db", "-p", "8080:80", BUSYBOX);

        ContainerSpec spec = engine.created.get(0);
        assertThat(List.of(spec.pidMode(), spec.ipcMode(), spec.utsMode(), spec.cgroupnsMode(), spec.usernsMode(),
                spec.networkMode())).containsExactly("container:db", "shareable", "host", "host", "host", "container:db");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("conflicting options: port publishing and the container type network mode");
        assertThat(engine.created).hasSize(1);
    }

    @Test
    void defaultsLeaveTheImagesValuesInPlace() {
        engine.programs = spec -> FakeContainer.Program.exiting(0);

        cli.run("run", BUSYBOX);

        ContainerSpec spec = engine.created.get(0);
        // the CLI's containers are the user's: they outlive the command's JVM
        assertThat(spec).isEqualTo(ContainerSpec.builder(BUSYBOX).label(ContainerSpec.KEEP_LABEL, "true").build());
    }

    @Test
    void emptyEntrypointClearsTheImagesAndRelativeBindsResolveAgainstTheWorkingDirectory() {
        cli.run("run", "-d", "--entrypoint", "", "-v", "./conf:/etc/app:rw", BUSYBOX);

        ContainerSpec spec = engine.created.get(0);
        assertThat(spec.entrypoint()).isEmpty();
        assertThat(spec.mounts()).containsExactly(
                new Mount(Mount.Type.BIND, Path.of("conf").toAbsolutePath().toString(), "/etc/app", false, "rw"));
    }

    @Test
    void malformedOptionsAreUsageErrorsAndCreateNothing() {
        engine.programs = spec -> FakeContainer.Program.exiting(0);
        List<List<String>> commands = List.of(
                List.of("-p", "http"), List.of("-v", "/a:/b:rx"), List.of("-v", "a"), List.of("--tmpfs", "run"),
                List.of("-m", "lots"), List.of("--shm-size", "-1"), List.of("--cpus", "0"), List.of("--pull", "sometimes"),
                List.of("--name", "-bad"), List.of("-e", "=x"), List.of("-l", "=x"), List.of("--stop-timeout", "-5"),
                List.of("--expose", "80-90"), List.of("--detach-keys", "ctrl-1"), List.of("--detach-keys", "ab"));
        for (List<String> options : commands) {
            String[] args = new java.util.ArrayList<String>() {{
                add("run");
                addAll(options);
                add(BUSYBOX);
            }}.toArray(String[]::new);

            CliRunner.Result result = cli.run(args);

            assertThat(result.exitCode()).as(options + "\n" + result).isEqualTo(2);
            assertThat(result.err()).as(options.toString()).startsWith("stevedore: ").contains("Run 'stevedore run --help'");
        }
        assertThat(engine.created).isEmpty();
        assertThat(cli.opened).isEmpty();
    }

    @Test
    void runTGivesTheContainerATerminalOfThisOnesSize() {
        engine.programs = spec -> FakeContainer.Program.exiting(0, "on a terminal");

        CliRunner.Result result = cli.run("run", "-t", BUSYBOX, "sh");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(engine.created).singleElement().satisfies(spec -> assertThat(spec.tty()).isTrue());
        assertThat(engine.resized).as("sized once it runs").hasSize(1);
    }

    @Test
    void missingImageIsPulledWithTheReportOnStderr() {
        engine.programs = spec -> FakeContainer.Program.exiting(0, "hello");

        CliRunner.Result result = cli.run("run", BUSYBOX);

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out()).isEqualTo("hello" + System.lineSeparator());
        assertThat(result.errLines()).startsWith("Unable to find image '" + BUSYBOX + "' locally",
                "latest: Pulling from library/busybox");
        assertThat(result.errLines()).contains(Ids.shortId(busybox.layers().get(0)) + ": Pull complete",
                "Status: Downloaded newer image for " + BUSYBOX);
        assertThat(engine.pulls).singleElement().satisfies(options ->
                assertThat(options.listener()).isInstanceOf(PullProgressRenderer.class));
    }

    @Test
    void presentImageIsNotPulledAndPullNeverRefusesAMissingOne() {
        CliRunner.Result missing = cli.run("run", "--pull", "never", BUSYBOX);

        assertThat(missing.exitCode()).isEqualTo(125);
        assertThat(missing.err()).startsWith("stevedore: running " + BUSYBOX + " failed: the image is not in the local store")
                .contains("stevedore pull " + BUSYBOX);

        engine.store(BUSYBOX, busybox);
        engine.programs = spec -> FakeContainer.Program.exiting(0);

        CliRunner.Result present = cli.run("run", BUSYBOX);

        assertThat(present.exitCode()).as(present.toString()).isZero();
        assertThat(present.err()).isEmpty();
        assertThat(engine.pulls).isEmpty();
    }

    @Test
    void interactiveRunOpensTheContainersStdinAndFeedsItThisCommandsInput() {
        engine.programs = spec -> FakeContainer.Program.exiting(0);
        engine.store(BUSYBOX, busybox);
        cli.stdin("line 1\nline 2\n".getBytes(StandardCharsets.UTF_8));

        CliRunner.Result result = cli.run("run", "-i", "--name", "fed", BUSYBOX, "cat");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(engine.created).singleElement().satisfies(spec -> {
            assertThat(spec.openStdin()).isTrue();
            assertThat(spec.stdinOnce()).as("the input's end is the container's").isTrue();
        });
        String id = engine.inspectContainer("fed").id();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(engine.stdinsClosed).contains(id);
            assertThat(engine.stdins.get(id).toString(StandardCharsets.UTF_8)).isEqualTo("line 1\nline 2\n");
        });
    }

    @Test
    void interactiveDetachedRunKeepsStdinOpenPastAnyAttach() {
        CliRunner.Result result = cli.run("run", "-d", "-i", BUSYBOX, "cat");

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(engine.created).hasSize(1);
        assertThat(engine.created.get(0).openStdin()).isTrue();
        assertThat(engine.created.get(0).stdinOnce()).as("docker's CLI sends StdinOnce false with -d").isFalse();
    }

    @Test
    void attachedRunCopiesBothStreamsAndExitsWithTheContainersCode() {
        engine.programs = spec -> new FakeContainer.Program(List.of(
                new LogLine(LogLine.Stream.STDOUT, CliRunner.NOW, "out 1"),
                new LogLine(LogLine.Stream.STDERR, CliRunner.NOW, "err 1"),
                new LogLine(LogLine.Stream.STDOUT, CliRunner.NOW, "out 2")), 3, null);
        engine.store(BUSYBOX, busybox);

        CliRunner.Result result = cli.run("run", BUSYBOX, "sh", "-c", "exit 3");

        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.outLines()).containsExactly("out 1", "out 2");
        assertThat(result.errLines()).containsExactly("err 1");
        assertThat(engine.removed).as("no --rm").isEmpty();
        assertThat(cli.shutdownHooks).isEmpty();
        assertThat(engine.attaches).as("attached before its start, as docker run records it").hasSize(1);
    }

    @Test
    void privilegedReachesTheSpecOfRunAndCreate() {
        cli.run("run", "-d", "--privileged", BUSYBOX);
        cli.run("create", "--privileged", BUSYBOX);
        cli.run("run", "-d", BUSYBOX);

        assertThat(engine.created).extracting(ContainerSpec::privileged).containsExactly(true, true, false);
        assertThat(engine.attaches).as("detached: no attach").isEmpty();
    }

    @Test
    void attachedRunStreamsOutputWhileTheContainerRuns() {
        engine.store(BUSYBOX, busybox);

        CliRunner.Running running = cli.start("run", "--rm", "--name", "live", BUSYBOX);

        await().until(() -> engine.containers(false, Map.of()).size() == 1);
        engine.emit("live", LogLine.Stream.STDOUT, "first");
        await().until(() -> running.out().toString().contains("first"));
        engine.emit("live", LogLine.Stream.STDERR, "warning");
        await().until(() -> running.err().toString().contains("warning"));
        assertThat(running.exitCode()).isNotDone();
        engine.emit("live", LogLine.Stream.STDOUT, "last");
        engine.exit("live", 42);

        CliRunner.Result result = running.result();
        assertThat(result.exitCode()).isEqualTo(42);
        assertThat(result.outLines()).containsExactly("first", "last");
        assertThat(result.errLines()).containsExactly("warning");
        assertThat(engine.created.get(0).autoRemove()).as("attached --rm is done by the command, after the logs").isFalse();
        assertThat(engine.removed).hasSize(1);
        assertThat(engine.containers(true, Map.of())).isEmpty();
        assertThat(cli.shutdownHooks).as("the Ctrl-C hook is gone when the run ends").isEmpty();
    }

    @Test
    void interruptStopsAndRemovesTheContainer() {
        engine.store(BUSYBOX, busybox);
        CliRunner.Running running = cli.start("run", "--rm", "--stop-timeout", "2", "--name", "sleeper", BUSYBOX, "sleep", "100");
        await().until(() -> !cli.shutdownHooks.isEmpty() && engine.containers(false, Map.of()).size() == 1);
        String id = engine.find("sleeper").id;

        cli.interrupt();

        CliRunner.Result result = running.result();
        assertThat(engine.stops).containsOnlyKeys(id);
        assertThat(engine.removed).containsExactly(id);
        assertThat(result.exitCode()).as("SIGTERM's exit code, as the fake engine stops").isEqualTo(143);
    }

    @Test
    void interruptWithoutRmLeavesTheStoppedContainer() {
        engine.store(BUSYBOX, busybox);
        CliRunner.Running running = cli.start("run", "--name", "kept", BUSYBOX, "sleep", "100");
        await().until(() -> !cli.shutdownHooks.isEmpty() && engine.containers(false, Map.of()).size() == 1);

        cli.interrupt();

        assertThat(running.result().exitCode()).isEqualTo(143);
        assertThat(engine.inspectContainer("kept").state().status()).isEqualTo(ContainerState.Status.EXITED);
        assertThat(engine.removed).isEmpty();
    }

    @Test
    void detachedRunPrintsTheIdAndLeavesTheContainerRunning() {
        engine.store(BUSYBOX, busybox);

        CliRunner.Result result = cli.run("run", "-d", BUSYBOX, "sleep", "100");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        ContainerInfo info = engine.containers(false, Map.of()).get(0);
        assertThat(result.out()).isEqualTo(info.id() + System.lineSeparator());
        assertThat(info.state().running()).isTrue();
        assertThat(cli.shutdownHooks).isEmpty();
    }

    @Test
    void missingExecutableExits127AndRemovesWithRm() {
        engine.store(BUSYBOX, busybox);
        engine.programs = spec -> FakeContainer.Program.failing(
                "exec of \"nope\" in container failed: executable file not found in $PATH (/bin)");

        CliRunner.Result attached = cli.run("run", "--rm", BUSYBOX, "nope");
        CliRunner.Result detached = cli.run("run", "-d", BUSYBOX, "nope");

        assertThat(attached.exitCode()).isEqualTo(127);
        assertThat(attached.err()).isEqualTo("stevedore: exec of \"nope\" in container failed: executable file not found"
                + " in $PATH (/bin)" + System.lineSeparator());
        assertThat(engine.removed).hasSize(1);
        assertThat(detached.exitCode()).isEqualTo(127);
        assertThat(detached.out()).isEmpty();
        assertThat(engine.containers(true, Map.of())).as("without --rm the created container stays, as Docker's").hasSize(1);
    }

    @Test
    void notExecutableExits126() {
        engine.store(BUSYBOX, busybox);
        engine.programs = spec -> FakeContainer.Program.failing(
                "exec of \"/etc/passwd\" in container failed: permission denied (is it executable, and by the container's user?)");

        CliRunner.Result result = cli.run("run", BUSYBOX, "/etc/passwd");

        assertThat(result.exitCode()).isEqualTo(126);
    }

    @Test
    void engineFailuresExit125() {
        CliRunner.Result missingImage = cli.run("run", "127.0.0.1:5000/library/nope:1");
        engine.store(BUSYBOX, busybox);
        cli.run("run", "-d", "--name", "taken", BUSYBOX);
        CliRunner.Result nameInUse = cli.run("run", "-d", "--name", "taken", BUSYBOX);
        CliRunner.Result noEnvFile = cli.run("run", "--env-file", scratch.resolve("absent").toString(), BUSYBOX);

        assertThat(missingImage.exitCode()).isEqualTo(125);
        assertThat(missingImage.err()).contains("stevedore: pull of 127.0.0.1:5000/library/nope:1");
        assertThat(nameInUse.exitCode()).isEqualTo(125);
        assertThat(nameInUse.err()).startsWith("stevedore: creating container taken failed: the name is already in use");
        assertThat(noEnvFile.exitCode()).isEqualTo(125);
        assertThat(noEnvFile.err()).startsWith("stevedore: reading the env file ").contains("no such file");
    }

    @Test
    void processFlagsReachTheSpecAndABadSysctlIsAUsageError() {
        cli.run("run", "-d", "--init", "--group-add", "audio", "--group-add", "1234", "--domainname", "example.org",
                "--sysctl", "net.ipv4.ip_forward=1", BUSYBOX);
        CliRunner.Result outside = cli.run("run", "-d", "--sysctl", "kernel.panic=1", BUSYBOX);
        CliRunner.Result malformed = cli.run("run", "-d", "--sysctl", "net.ipv4.ip_forward", BUSYBOX);

        ContainerSpec spec = engine.created.get(0);
        assertThat(spec.init()).isTrue();
        assertThat(spec.groupAdd()).containsExactly("audio", "1234");
        assertThat(spec.domainname()).isEqualTo("example.org");
        assertThat(spec.sysctls()).containsExactly(java.util.Map.entry("net.ipv4.ip_forward", "1"));
        assertThat(outside.exitCode()).isEqualTo(2);
        assertThat(outside.err()).contains("sysctl \"kernel.panic\" is not in a separate kernel namespace");
        assertThat(malformed.exitCode()).isEqualTo(2);
        assertThat(malformed.err()).contains("sysctl 'net.ipv4.ip_forward' is not whitelisted");
        assertThat(engine.created).hasSize(1);
    }
}
