package dev.stevedore.engine.internal.runtime;

import dev.stevedore.engine.Capability;

import static dev.stevedore.engine.internal.runtime.RuntimeFixture.stderr;
import static dev.stevedore.engine.internal.runtime.RuntimeFixture.stdout;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.stevedore.engine.ContainerStartException;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real containers on the busybox root file system: run as root, with real namespaces and mounts. */
class ContainerProcessIT {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final int SIGKILL = 9;
    private static final int SIGTERM = 15;

    private static RuntimeFixture fixture;

    @BeforeAll
    static void createFixture() {
        fixture = new RuntimeFixture();
    }

    @AfterAll
    static void closeFixture() {
        fixture.close();
    }

    private static ExitStatus runToEnd(RuntimeSpec spec) {
        ContainerProcess container = fixture.run(spec);
        return container.waitFor(WAIT).orElseThrow(() -> new AssertionError(container + " did not end within " + WAIT));
    }

    private static String output(String... args) {
        ContainerProcess container = fixture.run(fixture.spec(args).build());
        ExitStatus status = container.waitFor(WAIT).orElseThrow();
        assertThat(status.code()).as("exit of %s; stderr: %s", List.of(args), stderr(container)).isZero();
        return stdout(container);
    }

    @Test
    void echoGoesToTheStdoutLogAndExitsWithZero() {
        Instant before = Instant.now();
        ContainerProcess container = fixture.run(fixture.spec("echo", "hello from busybox").build());
        ExitStatus status = container.waitFor(WAIT).orElseThrow();

        assertThat(status.code()).isZero();
        assertThat(status.signaled()).isFalse();
        assertThat(status.finishedAt()).isAfterOrEqualTo(before.minusMillis(5)).isBeforeOrEqualTo(Instant.now());
        assertThat(stdout(container)).isEqualTo("hello from busybox\n");
        assertThat(container.isAlive()).isFalse();
    }

    @Test
    void stderrIsKeptApartFromStdout() {
        ContainerProcess container = fixture.run(fixture.spec("sh", "-c", "echo out; echo err >&2").build());
        container.waitFor(WAIT).orElseThrow();

        assertThat(stdout(container)).isEqualTo("out\n");
        assertThat(stderr(container)).isEqualTo("err\n");
    }

    @Test
    void exitCodeIsReported() {
        ExitStatus status = runToEnd(fixture.spec("sh", "-c", "exit 3").build());

        assertThat(status.code()).isEqualTo(3);
        assertThat(status.signaled()).isFalse();
    }

    @Test
    void deathBySignalIsReportedAsTheSignal() {
        ContainerProcess container = fixture.run(fixture.spec("sleep", "1000").build());
        assertThat(container.isAlive()).isTrue();

        container.signal(SIGKILL);
        ExitStatus status = container.waitFor(WAIT).orElseThrow();

        assertThat(status.signaled()).isTrue();
        assertThat(status.signal()).isEqualTo(SIGKILL);
        assertThat(status.code()).isEqualTo(128 + SIGKILL);
    }

    @Test
    void stopDeliversTheSignalToAHandlingInit() {
        ContainerProcess container = fixture.run(fixture.spec("sh", "-c",
                "trap 'echo got TERM; exit 42' TERM; echo ready; sleep 1000 & wait").build());
        await().atMost(WAIT).until(() -> stdout(container).contains("ready"));

        ExitStatus status = container.stop(SIGTERM, Duration.ofSeconds(10));

        assertThat(status.code()).isEqualTo(42);
        assertThat(stdout(container)).contains("got TERM");
    }

    @Test
    void stopFallsBackToSigkillAfterTheGracePeriodWhenTermIsIgnored() {
        ContainerProcess container = fixture.run(fixture.spec("sh", "-c", "trap '' TERM; echo trapped; sleep 1000").build());
        await().atMost(WAIT).until(() -> stdout(container).contains("trapped"));

        long start = System.nanoTime();
        ExitStatus status = container.stop(SIGTERM, Duration.ofMillis(500));
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(status.signal()).isEqualTo(SIGKILL);
        // the upper bound only tells a SIGKILL from the sleep ending on its own (1000 s): at load 15 a stop takes seconds
        assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(500)).isLessThan(Duration.ofSeconds(60));
    }

    @Test
    void missingEntrypointFailsWithAClearMessageNamingThePath() {
        RuntimeSpec spec = fixture.spec("/nope", "arg").build();

        assertThatThrownBy(() -> fixture.run(spec))
                .isInstanceOf(ContainerStartException.class)
                .hasMessage("exec of \"/nope\" in container failed: no such file or directory (is the entrypoint in the image?)")
                .satisfies(e -> {
                    LauncherError failure = (LauncherError) e.getCause();
                    assertThat(failure.step()).isEqualTo("exec");
                    assertThat(failure.errno()).isEqualTo(2);
                    assertThat(failure.path()).isEqualTo("/nope");
                    assertThat(failure.dockerExitCode()).isEqualTo(127);
                    assertThat(((ContainerStartException) e).containerId()).isEqualTo(spec.stateDirectory().getFileName().toString());
                });
    }

    @Test
    void commandMissingFromPathFailsNamingThePath() {
        RuntimeSpec spec = fixture.spec("no-such-command").env(List.of("PATH=/bin:/usr/bin")).build();

        assertThatThrownBy(() -> fixture.run(spec))
                .isInstanceOf(ContainerStartException.class)
                .hasMessage("exec of \"no-such-command\" in container failed: executable file not found in $PATH (/bin:/usr/bin)");
    }

    @Test
    void nonExecutableEntrypointFailsWithPermissionDenied() {
        RuntimeSpec spec = fixture.spec("/etc/passwd").build();

        assertThatThrownBy(() -> fixture.run(spec))
                .isInstanceOf(ContainerStartException.class)
                .hasMessageStartingWith("exec of \"/etc/passwd\" in container failed: permission denied");
    }

    @Test
    void setupFailureInTheLauncherNamesTheStepAndThePath() {
        RuntimeSpec spec = fixture.spec("true").mount(new RuntimeSpec.Tmpfs("/scratch", "size=lots")).build();

        assertThatThrownBy(() -> fixture.start(spec))
                .isInstanceOf(ContainerStartException.class)
                .hasMessage("setup of container " + spec.stateDirectory() + " failed: cannot mount the tmpfs \"/scratch\": "
                        + "invalid argument")
                .satisfies(e -> assertThat(((LauncherError) e.getCause()).step()).isEqualTo("mount the tmpfs"));
        assertThat(fixture.ownMounts()).isEmpty();
    }

    @Test
    void missingBindMountSourceIsRefusedBeforeTheLauncherRuns(@TempDir Path host) {
        Path missing = host.resolve("not-there");
        RuntimeSpec spec = fixture.spec("true").mount(new RuntimeSpec.Bind(missing, "/data", true)).build();

        assertThatThrownBy(() -> fixture.start(spec))
                .isInstanceOf(ContainerStartException.class)
                .hasMessageContaining("the source " + missing + " of its bind mount on /data does not exist");
    }

    @Test
    void containerSeesOnlyItsOwnProcesses() {
        String pids = output("sh", "-c", "ls /proc | grep -E '^[0-9]+$'");
        List<Integer> seen = pids.lines().map(Integer::parseInt).toList();

        assertThat(seen).contains(1).allMatch(pid -> pid < 10);
        assertThat(output("ps", "-o", "pid,comm")).contains("1 ps").doesNotContain("java");
    }

    @Test
    void containerHasTheSpecsHostname() {
        ContainerProcess container = fixture.run(fixture.spec("hostname").hostname("box-7").build());
        container.waitFor(WAIT).orElseThrow();

        assertThat(stdout(container)).isEqualTo("box-7\n");
    }

    @Test
    void maskedProcPathsReadEmptyAndReadonlyPathsRefuseWrites() throws Exception {
        List<String> existing = RuntimeSpec.DEFAULT_MASKED_PATHS.stream()
                .filter(p -> Files.exists(Path.of(p)) && Files.isRegularFile(Path.of(p))).toList();
        assertThat(existing).as("masked files on this host").isNotEmpty();

        String sizes = output("sh", "-c", "for p in " + String.join(" ", existing) + "; do printf '%s %s\\n' $p $(cat $p | wc -c); done");
        for (String path : existing) {
            assertThat(sizes).contains(path + " 0\n");
        }
        assertThat(Files.readString(Path.of(existing.get(0)))).as("the host's " + existing.get(0)).isNotEmpty();
        assertThat(output("sh", "-c", "ls /sys/firmware | wc -l")).isEqualTo("0\n");

        ContainerProcess write = fixture.run(fixture.spec("sh", "-c", "echo 1 > /proc/sys/kernel/printk_ratelimit").build());
        assertThat(write.waitFor(WAIT).orElseThrow().code()).isNotZero();
        assertThat(stderr(write)).contains("Read-only file system");
    }

    @Test
    void capabilitiesAreDockersDefaultSetWhereADevicePolicyAppliesAndNoNewPrivsIsOn() {
        String status = output("grep", "-E", "^(Cap|NoNewPrivs)", "/proc/self/status");

        assertThat(Capability.mask(Capability.dockerDefaults())).isEqualTo(0xa80425fbL);
        assertThat(Capability.containerDefaults()).isEqualTo(Capability.dockerDefaults());
        assertThat(fixture.launcher.devicePolicyApplies()).as("MKNOD stays only under a device policy").isTrue();
        assertThat(status).contains("CapEff:\t00000000a80425fb", "CapPrm:\t00000000a80425fb", "CapBnd:\t00000000a80425fb",
                "CapInh:\t0000000000000000", "CapAmb:\t0000000000000000", "NoNewPrivs:\t1");
    }

    @Test
    void nonRootUserRunsWithItsIdsAndNoCapabilities() {
        ContainerProcess container = fixture.run(fixture.spec("sh", "-c", "id; grep CapEff /proc/self/status")
                .user(65534, 65534, List.of(100, 200)).build());
        container.waitFor(WAIT).orElseThrow();

        assertThat(stdout(container)).contains("uid=65534", "gid=65534", "groups=100,200", "CapEff:\t0000000000000000");
    }

    @Test
    void writesLandInTheUpperLayerNeverInTheImageLayer() {
        RuntimeSpec spec = fixture.spec("sh", "-c", "touch /etc/x && echo new > /bin/added && rm /etc/group").build();
        ExitStatus status = runToEnd(spec);

        assertThat(status.code()).isZero();
        assertThat(spec.upperDirectory().resolve("etc/x")).exists();
        assertThat(spec.upperDirectory().resolve("bin/added")).hasContent("new");
        assertThat(fixture.rootfs.resolve("etc/x")).doesNotExist();
        assertThat(fixture.rootfs.resolve("bin/added")).doesNotExist();
        assertThat(fixture.rootfs.resolve("etc/group")).exists();
    }

    @Test
    void aWritableLayerStartsAgainInTheSameBootButNotAfterTheMachineWentDownWithIt() throws Exception {
        RuntimeSpec first = fixture.spec("sh", "-c", "echo one > /kept").build();
        assertThat(runToEnd(first).code()).isZero();
        // the overlay was volatile (its unmount syncs nothing): overlayfs marked the work directory so
        Path mark = first.workDirectory().resolve("work/incompat/volatile");
        assertThat(mark).isDirectory();

        RuntimeSpec again = fixture.spec("cat", "/kept").upperDirectory(first.upperDirectory())
                .workDirectory(first.workDirectory()).build();
        ContainerProcess second = fixture.run(again);
        assertThat(second.waitFor(WAIT).orElseThrow().code()).isZero();
        assertThat(stdout(second)).isEqualTo("one\n");

        // a mark older than this boot: the machine went down while the layer was mounted
        Files.setLastModifiedTime(mark, java.nio.file.attribute.FileTime.from(Instant.parse("2000-01-01T00:00:00Z")));
        RuntimeSpec afterCrash = fixture.spec("true").upperDirectory(first.upperDirectory())
                .workDirectory(first.workDirectory()).build();
        assertThatThrownBy(() -> fixture.run(afterCrash))
                .isInstanceOf(ContainerStartException.class)
                .hasMessageContaining("it was running when the machine went down")
                .hasMessageContaining(first.upperDirectory().toString());
    }

    @Test
    void hostMountTableIsUnchangedWhileRunningAndAfterExit() throws Exception {
        List<String> before = fixture.ownMounts();
        List<String> hostBefore = Files.readAllLines(Path.of("/proc/self/mountinfo"));
        ContainerProcess container = fixture.run(fixture.spec("sleep", "1000").build());

        assertThat(fixture.ownMounts()).isEqualTo(before).isEmpty();
        assertThat(Files.readSymbolicLink(Path.of("/proc", Long.toString(container.pid()), "ns/mnt")))
                .isNotEqualTo(Files.readSymbolicLink(Path.of("/proc/self/ns/mnt")));
        assertThat(Files.readAllLines(Path.of("/proc/self/mountinfo")))
                .as("no mount with the container's root or layers").noneMatch(l -> l.contains(container.spec().rootfs().toString()))
                .hasSameSizeAs(hostBefore);

        container.close();

        assertThat(container.exitStatus()).hasValueSatisfying(s -> assertThat(s.signal()).isEqualTo(SIGKILL));
        assertThat(fixture.ownMounts()).isEmpty();
    }

    @Test
    void ownNetworkNamespaceHasOnlyLoopbackAndItIsUp() {
        assertThat(output("ls", "/sys/class/net")).isEqualTo("lo\n");
        assertThat(output("cat", "/sys/class/net/lo/operstate", "/sys/class/net/lo/flags")).isEqualTo("unknown\n0x9\n");
    }

    @Test
    void hostNetworkModeSharesTheHostsNamespace() throws Exception {
        ContainerProcess container = fixture.run(fixture.spec("sleep", "1000").network(RuntimeSpec.NetworkMode.HOST).build());
        ContainerProcess isolated = fixture.run(fixture.spec("sleep", "1000").build());

        Path ownNet = Files.readSymbolicLink(Path.of("/proc/self/ns/net"));
        assertThat(Files.readSymbolicLink(Path.of("/proc", Long.toString(container.pid()), "ns/net"))).isEqualTo(ownNet);
        assertThat(Files.readSymbolicLink(Path.of("/proc", Long.toString(isolated.pid()), "ns/net"))).isNotEqualTo(ownNet);
        container.close();
        isolated.close();
    }

    @Test
    void bindMountsAreReadOnlyOrWritableAsAsked(@TempDir Path host) throws Exception {
        Path in = Files.createDirectories(host.resolve("in"));
        Files.writeString(in.resolve("file"), "from the host");
        Path out = Files.createDirectories(host.resolve("out"));
        Path single = Files.writeString(host.resolve("single.txt"), "one file");
        RuntimeSpec spec = fixture.spec("sh", "-c",
                "cat /data/file; echo; cat /config/single.txt; echo; touch /data/x 2>&1; echo written > /out/y")
                .mount(new RuntimeSpec.Bind(in, "/data", true))
                .mount(new RuntimeSpec.Bind(out, "/out", false))
                .mount(new RuntimeSpec.Bind(single, "/config/single.txt", true))
                .build();
        ContainerProcess container = fixture.run(spec);
        container.waitFor(WAIT).orElseThrow();

        assertThat(stdout(container)).startsWith("from the host\none file\n").contains("Read-only file system");
        assertThat(in.resolve("x")).doesNotExist();
        assertThat(out.resolve("y")).hasContent("written");
    }

    @Test
    void tmpfsMountsGetDockersDefaultFlagsAndShmItsSize() {
        ContainerProcess container = fixture.run(fixture.spec("grep", "-E", " /(scratch|dev/shm) ", "/proc/mounts")
                .mount(new RuntimeSpec.Tmpfs("/scratch", "size=1m,mode=1770")).shmSize(8L << 20).build());
        container.waitFor(WAIT).orElseThrow();

        assertThat(stdout(container))
                .containsPattern("tmpfs /scratch tmpfs rw,nosuid,nodev,noexec,.*size=1024k,.*mode=1770")
                .containsPattern("shm /dev/shm tmpfs rw,nosuid,nodev,noexec,.*size=8192k");
    }

    @Test
    void etcFilesPreparedByTheJvmAreBoundIn(@TempDir Path host) throws Exception {
        Path hosts = Files.writeString(host.resolve("hosts"), "127.0.0.1 localhost\n10.0.0.2 db\n");
        Path hostname = Files.writeString(host.resolve("hostname"), "box-7\n");
        Path resolv = Files.writeString(host.resolve("resolv.conf"), "nameserver 10.0.0.1\n");
        ContainerProcess container = fixture.run(fixture.spec("cat", "/etc/hosts", "/etc/hostname", "/etc/resolv.conf")
                .etcFiles(hosts, hostname, resolv).build());
        container.waitFor(WAIT).orElseThrow();

        assertThat(stdout(container)).isEqualTo("127.0.0.1 localhost\n10.0.0.2 db\nbox-7\nnameserver 10.0.0.1\n");
    }

    @Test
    void readonlyRootfsRefusesWritesButLeavesShmWritable() {
        ContainerProcess container = fixture.run(fixture.spec("sh", "-c", "touch /x 2>&1; touch /dev/shm/y && echo shm-ok")
                .readonlyRootfs(true).build());
        container.waitFor(WAIT).orElseThrow();

        assertThat(stdout(container)).contains("Read-only file system", "shm-ok");
    }

    @Test
    void workingDirectoryIsCreatedAndEnvironmentIsExactlyTheSpecs() {
        ContainerProcess container = fixture.run(fixture.spec("sh", "-c", "pwd; env | sort")
                .workingDirectory("/srv/app").env(List.of("PATH=/bin", "GREETING=hello world")).build());
        container.waitFor(WAIT).orElseThrow();

        List<String> lines = Arrays.asList(stdout(container).split("\n"));
        assertThat(lines.get(0)).isEqualTo("/srv/app");
        assertThat(lines).contains("GREETING=hello world", "PATH=/bin");
    }

    @Test
    void devHoldsTheStandardNodesAndLinks() {
        String listing = output("sh", "-c", "ls /dev; head -c 5 /dev/zero | wc -c; echo gone > /dev/null && echo null-ok; readlink /dev/fd; readlink /dev/ptmx");

        assertThat(Set.of(listing.split("\n"))).contains("null", "zero", "full", "random", "urandom", "tty", "pts", "shm",
                "mqueue", "stdin", "stdout", "stderr", "fd", "ptmx", "5", "null-ok", "/proc/self/fd", "pts/ptmx");
    }

    /**
     * CVE-2019-5736: the launcher runs from a sealed in-memory copy of itself. The overwrite is attempted as the
     * classic exploit does it: hold the executable open while the process runs, then write through that handle once
     * it has ended (while it runs the kernel refuses any write with ETXTBSY, sealed or not).
     */
    @Test
    void launcherRunsFromASealedCopyThatTheClassicOverwriteCannotReach() throws Exception {
        Path onDisk = LauncherBinary.extract(fixture.stateRoot);
        String before = sha256(onDisk);
        ContainerProcess container = fixture.run(fixture.spec("sleep", "30").build());
        long supervisor = ProcessHandle.of(container.pid()).flatMap(ProcessHandle::parent).orElseThrow().pid();

        assertThat(Files.readSymbolicLink(Path.of("/proc/" + supervisor + "/exe")).toString())
                .startsWith("/memfd:stevedore-launcher");
        assertThat(Files.readAllLines(Path.of("/proc/" + supervisor + "/status")))
                .as("non-dumpable: /proc/PID is root's alone").isNotEmpty();
        assertThat(Files.getOwner(Path.of("/proc/" + container.pid())).getName()).isEqualTo("root");

        // hold the supervisor's executable open, end the container (and with it the supervisor), then write
        Process attack = new ProcessBuilder("sh", "-c", "exec 3</proc/" + supervisor + "/exe; echo held; read go; "
                + "while kill -0 " + supervisor + " 2>/dev/null; do sleep 0.05; done; "
                + "if printf overwritten 1<>/proc/self/fd/3; then echo written; else echo refused; fi")
                .redirectErrorStream(true).start();
        byte[] held = attack.getInputStream().readNBytes(5);
        assertThat(new String(held, StandardCharsets.UTF_8)).isEqualTo("held\n");
        container.signal(9);
        container.waitFor(WAIT).orElseThrow();
        attack.getOutputStream().write('\n');
        attack.getOutputStream().flush();
        assertThat(attack.waitFor(20, TimeUnit.SECONDS)).isTrue();
        String said = new String(attack.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(said).contains("refused").doesNotContain("written");
        assertThat(sha256(onDisk)).as("the launcher on disk").isEqualTo(before);
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
