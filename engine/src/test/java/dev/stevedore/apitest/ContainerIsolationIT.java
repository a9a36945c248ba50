package dev.stevedore.apitest;

import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.ContainerState;
import dev.stevedore.engine.Mount;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static dev.stevedore.apitest.ContainerTestbed.busybox;
import static dev.stevedore.apitest.ContainerTestbed.exited;
import static dev.stevedore.apitest.ContainerTestbed.stdout;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What a container may see and touch: its own processes, hostname and files, Docker's capabilities, its limits. */
class ContainerIsolationIT extends ContainerTestBase {
    /** Runs {@code script} in busybox to its end and returns what it printed; fails unless it exits 0. */
    private String output(ContainerSpec.Builder spec, String script) {
        ContainerInfo info = run(spec.cmd("sh", "-c", script));
        assertThat(exited(engine, info.id()).exitCode()).as("exit of %s; output: %s", script, stdout(engine, info.id())).isZero();
        return stdout(engine, info.id());
    }

    private String output(String script) {
        return output(ContainerSpec.builder(busybox()), script);
    }

    @Test
    void whatTheLauncherWouldRefuseIsRefusedAtCreate() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> engine.createContainer(ContainerSpec.builder(busybox())
                        .hostname("no spaces allowed").build()))
                .isInstanceOf(dev.stevedore.engine.ContainerEngineException.class)
                .hasMessageContaining("hostname \"no spaces allowed\"");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> engine.createContainer(ContainerSpec.builder(busybox())
                        .mount(Mount.tmpfs("/proc/x", "")).build()))
                .hasMessageContaining("nothing may be mounted over / or /proc");
    }

    @Test
    void noHostProcessIsVisible() {
        String pids = output("ls /proc | grep -E '^[0-9]+$'; ps -o pid,comm");

        assertThat(pids.lines().filter(l -> l.matches("[0-9]+")).map(Integer::parseInt)).contains(1).allMatch(pid -> pid < 10);
        assertThat(pids).doesNotContain("java");
    }

    @Test
    void theContainerHasItsOwnHostname() throws IOException {
        String host = Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();

        assertThat(output(ContainerSpec.builder(busybox()).hostname("db-1"), "hostname; cat /etc/hostname; grep db-1 /etc/hosts"))
                .matches("db-1\ndb-1\n[0-9.]+\tdb-1 .*").doesNotContain(host);
        assertThat(output(ContainerSpec.builder(busybox()).hostname("db-2").networkMode("none"), "grep db-2 /etc/hosts"))
                .isEqualTo("127.0.0.1\tdb-2");
    }

    @Test
    void procKcoreAndTheOtherMaskedPathsReadEmptyAndProcSysIsReadOnly() throws IOException {
        String script = "for p in /proc/kcore /proc/keys /proc/timer_list; do if [ -e $p ]; then echo \"$p $(wc -c < $p)\"; "
                + "else echo \"$p absent\"; fi; done; ls /sys/firmware | wc -l; "
                + "echo 1 > /proc/sys/kernel/printk_ratelimit 2>/dev/null || echo refused";

        String out = output(script);

        // some kernels (this CI's among them) have no /proc/kcore at all: then there is nothing to mask
        String kcore = Files.exists(Path.of("/proc/kcore")) ? "/proc/kcore 0" : "/proc/kcore absent";
        assertThat(Files.readString(Path.of("/proc/keys"))).as("the host's /proc/keys").isNotEmpty();
        assertThat(out.split("\n")).containsExactly(kcore, "/proc/keys 0", "/proc/timer_list 0", "0", "refused");
    }

    @Test
    void capabilitiesAreDockersDefaultSetAndNonRootHasNone() {
        // MKNOD (bit 27) among them, as in Docker: this host has a device cgroup to police the nodes it makes
        assertThat(output("grep -E '^Cap(Eff|Bnd|Inh|Amb)' /proc/self/status"))
                .contains("CapEff:\t00000000a80425fb", "CapBnd:\t00000000a80425fb", "CapInh:\t0000000000000000",
                        "CapAmb:\t0000000000000000");
        assertThat(output(ContainerSpec.builder(busybox()).user("nobody"), "grep CapEff /proc/self/status"))
                .isEqualTo("CapEff:\t0000000000000000");
    }

    @Test
    void deviceNodesAreRefusedAtMknodByStevedoresOwnRuleWhileTheStandardOnesWork(@TempDir Path host) {
        // as Docker: MKNOD kept, and the container's device policy (a cgroup device program here) refuses a node of the
        // host's first disk (8:0) and of /dev/mem (1:1) where they would be made, whatever the machine's own device
        // policy; FIFOs need no capability and still work
        String out = output(ContainerSpec.builder(busybox()).mount(Mount.bind(host.toString(), "/data", false)),
                "for d in /dev/made /tmp/made /data/made; do mknod $d b 8 0 2>/dev/null && echo $d made || echo $d refused; "
                        + "mknod $d.c c 1 1 2>/dev/null && echo $d.c made || echo $d.c refused; done; "
                        + "mknod /tmp/fifo p && echo fifo-ok; "
                        + "head -c 3 /dev/zero | wc -c; echo x > /dev/null && echo null-ok; head -c 1 /dev/urandom | wc -c");

        assertThat(out.split("\n")).containsExactly("/dev/made refused", "/dev/made.c refused", "/tmp/made refused",
                "/tmp/made.c refused", "/data/made refused", "/data/made.c refused", "fifo-ok", "3", "null-ok", "1");
        try (Stream<Path> made = Files.list(host)) {
            assertThat(made).isEmpty();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aTmpfsWithTheDevOptionHoldsTheStandardNodesOnly() {
        String out = output(ContainerSpec.builder(busybox()).mount(Mount.tmpfs("/devices", "dev")),
                "mknod /devices/disk b 8 0 2>&1; mknod /devices/zero c 1 5 && head -c 2 /devices/zero | wc -c");

        assertThat(out.split("\n")).containsExactly("mknod: /devices/disk: Operation not permitted", "2");
    }

    @Test
    void aWriteOutsideTheVolumesNeverReachesTheHost(@TempDir Path host) throws IOException {
        Path marker = host.resolve("marker");
        String out = output("echo inside > /etc/written-in-container; echo x > " + marker + "; ls " + host + " 2>&1; "
                + "cat /etc/written-in-container");

        assertThat(out).endsWith("inside");
        assertThat(marker).doesNotExist();
        assertThat(Path.of("/etc/written-in-container")).doesNotExist();
        try (Stream<Path> files = Files.list(host)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void theRootFileSystemCanBeReadOnlyWithTmpfsAndShmStillWritable() {
        String out = output(ContainerSpec.builder(busybox()).readOnlyRootfs(true).mount(Mount.tmpfs("/scratch", "size=1m"))
                        .shmSizeBytes(8L << 20),
                "touch /x 2>&1 || true; touch /scratch/y && echo scratch-ok; touch /dev/shm/z && echo shm-ok; "
                        + "grep -E ' /(scratch|dev/shm) ' /proc/mounts");

        assertThat(out).contains("Read-only file system", "scratch-ok", "shm-ok")
                .containsPattern("tmpfs /scratch tmpfs rw,nosuid,nodev,noexec,.*size=1024k")
                .containsPattern("/dev/shm tmpfs rw,nosuid,nodev,noexec,.*size=8192k");
    }

    @Test
    void bindMountsAreReadOnlyOrWritableAsAsked(@TempDir Path host) throws IOException {
        Path in = Files.createDirectories(host.resolve("in"));
        Files.writeString(in.resolve("file"), "from the host");
        Path out = Files.createDirectories(host.resolve("out"));

        String printed = output(ContainerSpec.builder(busybox()).mount(Mount.bind(in.toString(), "/data", true))
                        .mount(Mount.parse(out + ":/out")),
                "cat /data/file; echo; touch /data/x 2>&1 || true; echo written > /out/y");

        assertThat(printed).startsWith("from the host\n").contains("Read-only file system");
        assertThat(in.resolve("x")).doesNotExist();
        assertThat(out.resolve("y")).hasContent("written");
    }

    @Test
    void namedVolumesOutliveTheirContainersAndAnonymousOnesGoWithThem() {
        String volume = "it-volume-" + System.nanoTime();
        output(ContainerSpec.builder(busybox()).mount(Mount.volume(volume, "/data", false)), "echo kept > /data/file");

        assertThat(output(ContainerSpec.builder(busybox()).mount(Mount.volume(volume, "/data", true)),
                "cat /data/file; touch /data/other 2>&1 || true")).startsWith("kept").contains("Read-only file system");
        assertThat(ContainerTestbed.state().resolve("volumes").resolve(volume).resolve("_data").resolve("file")).hasContent("kept\n");
    }

    @Test
    void anEmptyVolumeTakesTheImagesContentAtItsMountPoint() {
        String volume = "it-copy-up-" + System.nanoTime();

        String out = output(ContainerSpec.builder(busybox()).mount(Mount.volume(volume, "/etc", false)),
                "grep -c root /etc/passwd; stat -c '%a %u' /etc");

        assertThat(out).isEqualTo("1\n755 0");
    }

    @Test
    void memoryCpuAndPidsLimitsAreEnforced() {
        ContainerInfo hog = run(ContainerSpec.builder(busybox()).memoryBytes(16L << 20)
                .cmd("sh", "-c", "head -c 200m /dev/zero | tail"));
        ContainerState hogState = exited(engine, hog.id());
        assertThat(hogState.exitCode()).as("a process over its memory limit is killed").isEqualTo(137);
        assertThat(hogState.oomKilled()).isTrue();

        // busybox's shell gives up at the first fork the limit refuses
        ContainerInfo forks = run(ContainerSpec.builder(busybox()).pidsLimit(4)
                .cmd("sh", "-c", "for i in 1 2 3 4 5 6; do sleep 5 & done; echo all-started"));
        assertThat(exited(engine, forks.id()).exitCode()).isEqualTo(2);
        assertThat(ContainerTestbed.lines(engine, forks.id())).anyMatch(line -> line.contains("can't fork"))
                .doesNotContain("all-started");

        String cpus = output(ContainerSpec.builder(busybox()).cpus(0.5), "cat /proc/self/cgroup");
        assertThat(cpus).as("its own cgroup namespace hides the host's paths").contains("0::/").doesNotContain("stevedore");
    }
}
