package dev.stevedore.engine.internal.runtime;

import dev.stevedore.engine.Capability;

import static dev.stevedore.engine.internal.runtime.RuntimeFixture.stderr;
import static dev.stevedore.engine.internal.runtime.RuntimeFixture.stdout;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every container's own cgroups and cgroup namespace, its memory and pids limits (the default one too), Stevedore's
 * device policy and exec's namespace order, through whatever hierarchies this host offers (detected, not assumed:
 * here v1 controllers beside a v2 hierarchy).
 */
class CgroupLimitsIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final List<String> PATH = List.of("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");

    private static RuntimeFixture fixture;

    @BeforeAll
    static void createFixture() {
        fixture = new RuntimeFixture();
    }

    @AfterAll
    static void closeFixture() {
        fixture.close();
    }

    @Test
    void containerRunsInItsOwnGroupWithTheLimitsWrittenAndTheGroupGoesAwayAfter() throws Exception {
        RuntimeSpec spec = fixture.spec("sleep", "1000").limits(new ResourceLimits(64L << 20, 0, 100)).build();
        ContainerProcess container = fixture.run(spec);
        List<Path> groups = StateFiles.readCgroups(spec.stateDirectory());

        assertThat(groups).isNotEmpty().allSatisfy(group -> assertThat(group.resolve("cgroup.procs")).content()
                .contains(Long.toString(container.pid())));
        String limits = String.join("\n", groups.stream().flatMap(g -> List.of("memory.limit_in_bytes", "memory.max", "pids.max")
                .stream().map(g::resolve)).filter(Files::exists).map(RuntimeFixture::read).toList());
        assertThat(limits).contains("67108864", "100");
        assertThat(Files.readString(Path.of("/proc", Long.toString(container.pid()), "cgroup"))).contains("stevedore");

        container.close();

        assertThat(groups).allSatisfy(group -> assertThat(group).doesNotExist());
    }

    @Test
    void exceedingTheMemoryLimitGetsTheContainerOomKilled() {
        RuntimeSpec spec = fixture.spec("sh", "-c", "echo filling; x=$(head -c 268435456 /dev/zero | tr '\\0' a); echo survived")
                .limits(new ResourceLimits(32L << 20, 0, 0)).build();
        ContainerProcess container = fixture.run(spec);

        ExitStatus status = container.waitFor(WAIT).orElseThrow();

        assertThat(status.signal()).as("stdout %s stderr %s", stdout(container), stderr(container)).isEqualTo(9);
        assertThat(stdout(container)).isEqualTo("filling\n");
    }

    @Test
    void aContainerThatAsksForNothingGetsItsOwnGroupsACgroupNamespaceAndTheDefaultPidsLimit() throws Exception {
        ContainerProcess container = fixture.run(fixture.spec("sh", "-c", "cat /proc/self/cgroup; sleep 1000").build());
        List<Path> groups = StateFiles.readCgroups(container.spec().stateDirectory());
        await(() -> stdout(container).contains("0::/"));

        assertThat(groups).isNotEmpty().allSatisfy(group -> assertThat(group.resolve("cgroup.procs")).content()
                .contains(Long.toString(container.pid())));
        assertThat(groups.stream().map(g -> g.resolve("pids.max")).filter(Files::exists).map(RuntimeFixture::read))
                .containsExactly(ResourceLimits.DEFAULT_PIDS + "\n");
        assertThat(stdout(container).lines()).as("every hierarchy's path inside is its root").isNotEmpty()
                .allSatisfy(line -> assertThat(line).endsWith(":/")).contains("0::/");
        assertThat(Files.readString(Path.of("/proc", Long.toString(container.pid()), "cgroup"))).as("seen from the host")
                .contains("stevedore");

        container.close();

        assertThat(groups).allSatisfy(group -> assertThat(group).doesNotExist());
    }

    @Test
    void aBoundedForkBombHitsThePidsLimitWhileTheHostStaysResponsive() throws Exception {
        ContainerProcess container = fixture.run(fixture.spec("sh", "-c",
                "i=0; while [ $i -lt 400 ]; do (sleep 60 &) 2>/dev/null || echo refused; i=$((i+1)); done; echo done; sleep 1000")
                .limits(new ResourceLimits(0, 0, 64)).build());
        Path pids = StateFiles.readCgroups(container.spec().stateDirectory()).stream()
                .filter(g -> Files.exists(g.resolve("pids.max"))).findFirst().orElseThrow();

        await(() -> stdout(container).contains("done"));
        long started = System.nanoTime();
        Process host = new ProcessBuilder("true").start();
        boolean hostForked = host.waitFor(10, TimeUnit.SECONDS);

        assertThat(hostForked).as("the host still starts processes").isTrue();
        assertThat(System.nanoTime() - started).as("and promptly").isLessThan(TimeUnit.SECONDS.toNanos(5));
        assertThat(stdout(container)).as("the container was refused forks").contains("refused");
        assertThat(Long.parseLong(RuntimeFixture.read(pids.resolve("pids.current")).trim())).isBetween(2L, 64L);
        assertThat(RuntimeFixture.read(pids.resolve("pids.events"))).doesNotContain("max 0");

        container.close();

        assertThat(pids).doesNotExist();
    }

    @Test
    void theDevicePolicyRefusesABlockDeviceNodeOnADevTmpfsAndAllowsTheStandardOnes() throws Exception {
        assertThat(fixture.launcher.devicePolicyApplies()).as("this host has a cgroup v2 hierarchy or v1 devices").isTrue();
        ContainerProcess container = fixture.run(fixture.spec("sh", "-c",
                "mknod /x/disk b 7 0 2>&1; echo disk=$?; mknod /x/null c 1 3 && head -c 3 /x/null; echo null=$?;"
                        + " head -c 1 /dev/zero | wc -c; grep CapEff /proc/self/status; sleep 1000")
                .mount(new RuntimeSpec.Tmpfs("/x", "dev,size=1m")).build());
        await(() -> stdout(container).contains("CapEff"));
        Path unified = StateFiles.readCgroups(container.spec().stateDirectory()).stream()
                .filter(g -> g.startsWith("/sys/fs/cgroup/unified") || Files.exists(g.resolve("cgroup.controllers")))
                .findFirst().orElseThrow();

        assertThat(stdout(container)).as(stderr(container))
                .contains("mknod: /x/disk: Operation not permitted", "disk=1", "null=0", "\n1\n");
        long capEff = Long.parseLong(stdout(container).lines().filter(l -> l.startsWith("CapEff")).findFirst().orElseThrow()
                .split("\\s+")[1], 16);
        assertThat(capEff & (1L << Capability.MKNOD.number())).as("Docker's MKNOD: the program, not the capability, refuses")
                .isNotZero();
        assertThat(BpfQuery.devicePrograms(unified)).as("the container's own group holds one device program")
                .isEqualTo(new BpfQuery.Attached(2 /* BPF_F_ALLOW_MULTI */, 1));
        assertThat(BpfQuery.devicePrograms(unified.getParent()).count()).as("not its parent").isZero();
    }

    @Test
    void execJoinsEveryNamespaceAndTheCgroupsAndIsPolicedToo() throws Exception {
        ContainerProcess container = fixture.run(fixture.spec("sleep", "1000").mount(new RuntimeSpec.Tmpfs("/x", "dev")).build());
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        ExecProcess.Outcome outcome = exec(container, List.of("sh", "-c",
                "for n in cgroup ipc mnt net pid uts; do echo $n $(readlink /proc/self/ns/$n); done;"
                        + " cat /proc/self/cgroup; pwd; mknod /x/disk b 7 0"), out);

        String pid1 = "/proc/" + container.pid() + "/ns/";
        for (String ns : List.of("cgroup", "ipc", "mnt", "net", "pid", "uts")) {
            assertThat(out.toString()).contains(ns + " " + RuntimeFixture.readLink(Path.of(pid1 + ns)));
        }
        assertThat(out.toString()).contains("0::/\n", "\n/\n").contains("Operation not permitted");
        assertThat(outcome.exitCode()).isEqualTo(1);
    }

    @Test
    void theProcSelfExeOverwriteAttemptLeavesTheLauncherUntouched() throws Exception {
        byte[] before = sha256(fixture.launcher.binary());
        Path attack = Files.createTempDirectory(fixture.stateRoot, "attack");
        Path evil = attack.resolve("evil");
        // CVE-2019-5736: the runtime that executes this runs itself (/proc/self/exe) inside the container
        Files.writeString(evil, "#!/proc/self/exe\n");
        Files.setPosixFilePermissions(evil, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(attack, PosixFilePermissions.fromString("rwxr-xr-x"));
        String overwrite = "i=0; while [ $i -lt 300 ]; do for p in /proc/[0-9]*; do"
                + " (echo pwned > $p/exe) 2>/dev/null && echo WROTE $(readlink $p/exe); done; i=$((i+1)); done; echo over";

        ContainerProcess run = fixture.run(fixture.spec("/attack/evil").mount(new RuntimeSpec.Bind(attack, "/attack", true)).build());
        ExitStatus runStatus = run.waitFor(WAIT).orElseThrow();
        ContainerProcess victim = fixture.run(fixture.spec("sh", "-c", overwrite + "; sleep 1000")
                .mount(new RuntimeSpec.Bind(attack, "/attack", true)).build());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ExecProcess.Outcome exec = exec(victim, List.of("/attack/evil"), out);
        await(() -> stdout(victim).contains("over"));

        assertThat(runStatus.code()).as("the launcher ran as the entrypoint's interpreter and gave up").isNotZero();
        assertThat(exec.exitCode()).as(out.toString()).isNotZero();
        assertThat(out.toString()).as("the launcher ran inside the container").contains("error");
        assertThat(stdout(victim)).doesNotContain("WROTE");
        assertThat(sha256(fixture.launcher.binary())).isEqualTo(before);
    }

    private static ExecProcess.Outcome exec(ContainerProcess container, List<String> args, ByteArrayOutputStream out) {
        ExecRequest request = new ExecRequest(ProcessIdentity.of(container.pid()).orElseThrow(), container.spec().stateDirectory(),
                args, PATH, "/", "", List.of(), Capability.containerDefaults(), true, container.spec().seccomp());
        return fixture.launcher.exec(request, null, WAIT, (stderr, data) -> out.writeBytes(data));
    }

    private static byte[] sha256(Path file) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
    }

    private static void await(java.util.concurrent.Callable<Boolean> condition) {
        org.awaitility.Awaitility.await().atMost(WAIT).until(condition);
    }
}
