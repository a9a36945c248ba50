package dev.stevedore.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code rename}, {@code pause}, {@code unpause}, {@code update}, {@code stats --no-stream}, {@code top}, {@code events},
 * {@code diff}, {@code export -o} and {@code commit} of the packaged command, on the embedded engine and on the test bed's dockerd in the same test. What stevedore did to
 * dockerd's container is read back with the docker CLI. And {@code run --privileged} and the attach event: on the
 * embedded engine the container sees every capability and no filter (the same run without it, the defaults); on
 * dockerd, which cannot start a privileged container on this host (its root lacks CAP_SYS_RESOURCE), its own inspect
 * and events say the same.
 */
class CliControlsIT {
    /** Each capability and seccomp line of its status, as {@code /proc/self/status} writes it, tabs and blanks taken out. */
    private static final String STATUS = "grep -E '^(CapEff|Seccomp):' /proc/self/status | tr -d '\\t '";

    private static final String ADVANCED = "{{json .HostConfig.MemorySwap}} {{json .HostConfig.OomKillDisable}}"
            + " {{json .HostConfig.CpuRealtimePeriod}} {{json .HostConfig.DeviceCgroupRules}}";

    private static LocalTestbed testbed;
    private static String busybox;

    @TempDir
    Path home;
    @TempDir
    Path scratch;

    private final String prefix = "cli-controls-" + Long.toHexString(System.nanoTime());

    @BeforeAll
    static void findTestbed() {
        testbed = LocalTestbed.load();
        busybox = testbed.get("PLAIN_REGISTRY") + "/library/busybox:latest";
    }

    @Test
    void renamePauseUpdateStatsAndEventsOnBothEngines() throws Exception {
        String dockerHost = "unix://" + testbed.get("DOCKER_SOCKET");
        for (Map<String, String> engine : List.of(Map.of("STEVEDORE_ENGINE", "embedded"),
                Map.of("STEVEDORE_ENGINE", "docker", "DOCKER_HOST", dockerHost))) {
            String who = engine.get("STEVEDORE_ENGINE");
            String name = prefix + "-" + who;
            ok(engine, "run", "-d", "--name", name, busybox, "sh", "-c", "while true; do :; done");
            try {
                CliRunner.Result renamed = ok(engine, "rename", name, name + "-b");
                assertThat(renamed.out()).as(who + ": docker rename prints nothing").isEmpty();
                assertThat(ok(engine, "pause", name + "-b").outLines()).containsExactly(name + "-b");
                if (who.equals("docker")) {
                    assertThat(docker(dockerHost, "inspect", "-f", "{{.State.Status}}", name + "-b")).isEqualTo("paused");
                }
                ok(engine, "unpause", name + "-b");
                assertThat(ok(engine, "update", "--memory", "64m", "--memory-swap", "-1", "--pids-limit", "100", name + "-b")
                        .outLines()).containsExactly(name + "-b");
                if (who.equals("docker")) {
                    assertThat(docker(dockerHost, "inspect", "-f", "{{.HostConfig.Memory}} {{.HostConfig.PidsLimit}}", name + "-b"))
                            .isEqualTo("67108864 100");
                }
                List<String> stats = ok(engine, "stats", "--no-stream", name + "-b").outLines();
                assertThat(stats.get(0)).as(who).matches("CONTAINER ID +NAME +CPU % +MEM USAGE / LIMIT +MEM % +NET I/O +BLOCK I/O +PIDS");
                assertThat(stats.get(1)).as(who).matches("[0-9a-f]{12} +" + name + "-b +[0-9.]+% +.+ / 64MiB +[0-9.]+% +.+ +[1-9][0-9]*");
                ok(engine, "update", "--restart", "on-failure:2", name + "-b");
                String policy = "{{.HostConfig.RestartPolicy.Name}} {{.HostConfig.RestartPolicy.MaximumRetryCount}}";
                if (who.equals("docker")) {
                    assertThat(docker(dockerHost, "inspect", "-f", policy, name + "-b")).isEqualTo("on-failure 2");
                } else {
                    var host = new ObjectMapper().readTree(ok(engine, "inspect", name + "-b").out()).path(0).path("HostConfig");
                    assertThat(host.path("RestartPolicy").path("Name").asText() + " "
                            + host.path("RestartPolicy").path("MaximumRetryCount").asInt()).as(who).isEqualTo("on-failure 2");
                }
            } catch (AssertionError e) {
                throw new AssertionError(who + ": " + e.getMessage(), e);
            } finally {
                stevedore(engine, "rm", "-f", name + "-b");
            }
            List<String> events = ok(engine, "events", "--since", "2m", "--until", "0s", "--filter", "type=container",
                    "--filter", "container=" + name + "-b", "--format", "{{.Action}}").outLines();
            assertThat(events).as(who).containsSubsequence("rename", "pause", "unpause", "update", "destroy");
        }
    }

    /**
     * {@code run} and {@code update} with the CPU options: the kernel's files of the container's groups (read from the
     * host through its first process) hold them on both engines, dockerd's inspect too, and both print dockerd's
     * warning for a block I/O weight where the host cannot weigh.
     */
    @Test
    void cpuOptionsOfRunAndUpdateOnBothEngines() throws Exception {
        String dockerHost = "unix://" + testbed.get("DOCKER_SOCKET");
        boolean weighs = Files.exists(Path.of("/sys/fs/cgroup/blkio/blkio.weight"))
                || Files.exists(Path.of("/sys/fs/cgroup/blkio/blkio.bfq.weight"));
        for (Map<String, String> engine : List.of(Map.of("STEVEDORE_ENGINE", "embedded"),
                Map.of("STEVEDORE_ENGINE", "docker", "DOCKER_HOST", dockerHost))) {
            String who = engine.get("STEVEDORE_ENGINE");
            String name = prefix + "-cpu-" + who;
            CliRunner.Result run = ok(engine, "run", "-d", "--name", name, "-c", "512", "--cpu-period", "50000",
                    "--cpu-quota", "25000", "--cpuset-cpus", "0", "--blkio-weight", "300", busybox, "sleep", "600");
            try {
                if (!weighs) {
                    assertThat(run.errLines()).as(who).contains("WARNING: Your kernel does not support Block I/O weight or the"
                            + " cgroup is not mounted. Weight discarded.");
                }
                long pid = Long.parseLong(who.equals("docker") ? docker(dockerHost, "inspect", "-f", "{{.State.Pid}}", name)
                        : ok(engine, "inspect", "-f", "{{.State.Pid}}", name).out().strip());
                assertThat(cgroupFile(pid, "cpu", "cpu.shares")).as(who).isEqualTo("512");
                assertThat(cgroupFile(pid, "cpu", "cpu.cfs_quota_us")).as(who).isEqualTo("25000");
                assertThat(cgroupFile(pid, "cpuset", "cpuset.cpus")).as(who).isEqualTo("0");
                assertThat(ok(engine, "update", "--cpu-shares", "256", "--cpu-quota", "30000", name).outLines()).containsExactly(name);
                assertThat(cgroupFile(pid, "cpu", "cpu.shares")).as(who).isEqualTo("256");
                assertThat(cgroupFile(pid, "cpu", "cpu.cfs_quota_us")).as(who).isEqualTo("30000");
                if (who.equals("docker")) {
                    assertThat(docker(dockerHost, "inspect", "-f", "{{.HostConfig.CpuShares}} {{.HostConfig.CpuPeriod}}"
                            + " {{.HostConfig.CpuQuota}} {{.HostConfig.CpusetCpus}} {{.HostConfig.BlkioWeight}}", name))
                            .isEqualTo("256 50000 30000 0 " + (weighs ? 300 : 0));
                }
            } catch (AssertionError e) {
                throw new AssertionError(who + ": " + e.getMessage(), e);
            } finally {
                stevedore(engine, "rm", "-f", name);
            }
        }
    }

    @Test
    void memoryAndDeviceOptionsOfRunAndUpdateOnBothEngines() throws Exception {
        String dockerHost = "unix://" + testbed.get("DOCKER_SOCKET");
        String disk = dev.stevedore.apitest.BlockDisks.root();
        String numbers = dev.stevedore.apitest.BlockDisks.numbers(disk);
        for (Map<String, String> engine : List.of(Map.of("STEVEDORE_ENGINE", "embedded"),
                Map.of("STEVEDORE_ENGINE", "docker", "DOCKER_HOST", dockerHost))) {
            String who = engine.get("STEVEDORE_ENGINE");
            String name = prefix + "-io-" + who;
            ok(engine, "run", "-d", "--name", name, "--memory-reservation", "64m", "--memory-swappiness", "10",
                    "--device-read-bps", disk + ":1mb", "--device-write-bps", disk + ":512k", "--device-read-iops",
                    disk + ":200", "--device-write-iops", disk + ":100", busybox, "sleep", "600");
            try {
                long pid = Long.parseLong(who.equals("docker") ? docker(dockerHost, "inspect", "-f", "{{.State.Pid}}", name)
                        : ok(engine, "inspect", "-f", "{{.State.Pid}}", name).out().strip());
                assertThat(cgroupFile(pid, "memory", "memory.soft_limit_in_bytes")).as(who).isEqualTo("67108864");
                assertThat(cgroupFile(pid, "memory", "memory.swappiness")).as(who).isEqualTo("10");
                assertThat(cgroupFile(pid, "blkio", "blkio.throttle.read_bps_device")).as(who).isEqualTo(numbers + " 1048576");
                assertThat(cgroupFile(pid, "blkio", "blkio.throttle.write_bps_device")).as(who).isEqualTo(numbers + " 524288");
                assertThat(cgroupFile(pid, "blkio", "blkio.throttle.read_iops_device")).as(who).isEqualTo(numbers + " 200");
                assertThat(cgroupFile(pid, "blkio", "blkio.throttle.write_iops_device")).as(who).isEqualTo(numbers + " 100");
                assertThat(ok(engine, "update", "--memory-reservation", "32m", name).outLines()).containsExactly(name);
                assertThat(cgroupFile(pid, "memory", "memory.soft_limit_in_bytes")).as(who).isEqualTo("33554432");
                if (who.equals("docker")) {
                    assertThat(docker(dockerHost, "inspect", "-f", "{{json .HostConfig.MemoryReservation}}"
                            + " {{json .HostConfig.MemorySwappiness}} {{json .HostConfig.BlkioDeviceWriteBps}}", name))
                            .isEqualTo("33554432 10 [{\"Path\":\"" + disk + "\",\"Rate\":524288}]");
                }
            } catch (AssertionError e) {
                throw new AssertionError(who + ": " + e.getMessage(), e);
            } finally {
                stevedore(engine, "rm", "-f", name);
            }
        }
        CliRunner.Result bad = stevedore(Map.of("STEVEDORE_ENGINE", "embedded"), "create", "--device-read-bps",
                disk + ":fast", busybox, "true");
        assertThat(bad.exitCode()).isNotZero();
        assertThat(bad.err()).contains("invalid rate for device: " + disk + ":fast. The correct format is"
                + " <device-path>:<number>[<unit>]");
    }

    /** run --memory-swap --oom-kill-disable --cpu-rt-period --device-cgroup-rule: the groups' values, inspect's echo. */
    @Test
    void swapOomRealtimeAndDeviceRuleReachTheGroupsOnBothEngines() throws Exception {
        String dockerHost = "unix://" + testbed.get("DOCKER_SOCKET");
        for (Map<String, String> engine : List.of(Map.of("STEVEDORE_ENGINE", "embedded"),
                Map.of("STEVEDORE_ENGINE", "docker", "DOCKER_HOST", dockerHost))) {
            String who = engine.get("STEVEDORE_ENGINE");
            String name = prefix + "-advanced-" + who;
            ok(engine, "run", "-d", "--name", name, "-m", "64m", "--memory-swap", "192m", "--oom-kill-disable",
                    "--cpu-rt-period", "500000", "--device", "/dev/fuse:/dev/fuse:r", "--device-cgroup-rule", "c 10:229 rw", busybox,
                    "sleep", "600");
            try {
                long pid = Long.parseLong(ok(engine, "inspect", "-f", "{{.State.Pid}}", name).out().strip());
                assertThat(cgroupFile(pid, "memory", "memory.memsw.limit_in_bytes")).as(who).isEqualTo("201326592");
                assertThat(cgroupFile(pid, "memory", "memory.oom_control")).as(who).startsWith("oom_kill_disable 1");
                assertThat(cgroupFile(pid, "cpu", "cpu.rt_period_us")).as(who).isEqualTo("500000");
                // given for reading only; the rule lets it be opened for writing too
                assertThat(ok(engine, "exec", name, "sh", "-c", "(exec 3<>/dev/fuse) && echo opened").out().strip()).as(who)
                        .isEqualTo("opened");
                String echo = who.equals("docker") ? docker(dockerHost, "inspect", "-f", ADVANCED, name)
                        : ok(engine, "inspect", "-f", ADVANCED, name).out().strip();
                assertThat(echo).as(who).isEqualTo("201326592 true 500000 [\"c 10:229 rw\"]");
            } finally {
                stevedore(engine, "rm", "-f", name);
            }
        }
        CliRunner.Result bad = stevedore(Map.of("STEVEDORE_ENGINE", "embedded"), "create", "--device-cgroup-rule", "c 1:3",
                busybox, "true");
        assertThat(bad.exitCode()).isNotZero();
        assertThat(bad.err()).contains("invalid device cgroup format 'c 1:3'");
        CliRunner.Result noMemory = stevedore(Map.of("STEVEDORE_ENGINE", "embedded"), "create", "--memory-swap", "64m",
                busybox, "true");
        assertThat(noMemory.exitCode()).isNotZero();
        assertThat(noMemory.err()).contains("You should always set the Memory limit when using Memoryswap limit, see usage");
    }

    /** A v1 control file of {@code pid}'s group (this host mounts cpu and cpuset as v1), as the host sees it. */
    private static String cgroupFile(long pid, String controller, String file) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "cgroup"))) {
            String[] parts = line.split(":", 3);
            if (List.of(parts[1].split(",")).contains(controller)) {
                return Files.readString(Path.of("/sys/fs/cgroup", controller, parts[2].substring(1), file)).strip();
            }
        }
        throw new AssertionError("process " + pid + " has no v1 " + controller + " group: this test reads v1 files");
    }

    @Test
    void diffExportAndCommitOnBothEngines() throws Exception {
        String dockerHost = "unix://" + testbed.get("DOCKER_SOCKET");
        for (Map<String, String> engine : List.of(Map.of("STEVEDORE_ENGINE", "embedded"),
                Map.of("STEVEDORE_ENGINE", "docker", "DOCKER_HOST", dockerHost))) {
            String who = engine.get("STEVEDORE_ENGINE");
            String name = prefix + "-changes-" + who;
            ok(engine, "run", "--name", name, busybox, "sh", "-c", "rm /etc/group && echo made > /tmp/made.txt");
            try {
                assertThat(ok(engine, "diff", name).outLines()).as(who)
                        .containsExactlyInAnyOrder("C /etc", "D /etc/group", "C /tmp", "A /tmp/made.txt");
                if (who.equals("docker")) {
                    assertThat(docker(dockerHost, "diff", name).lines().sorted().toList())
                            .containsExactly("A /tmp/made.txt", "C /etc", "C /tmp", "D /etc/group");
                }
                Path tar = scratch.resolve(who + ".tar");
                assertThat(ok(engine, "export", "-o", tar.toString(), name).out()).as(who).isEmpty();
                assertThat(member(tar, "tmp/made.txt")).as(who).isEqualTo("made\n");
                String image = "local.test/" + name + ":committed";
                assertThat(ok(engine, "commit", "-m", "from the cli", "-c", "CMD [\"cat\", \"/tmp/made.txt\"]", name, image)
                        .outLines()).as(who).singleElement().asString().matches("sha256:[0-9a-f]{64}");
                try {
                    assertThat(ok(engine, "run", "--rm", image).outLines()).as(who).containsExactly("made");
                    if (who.equals("docker")) {
                        assertThat(docker(dockerHost, "history", "--no-trunc", "--format", "{{.Comment}}", image).lines()
                                .findFirst()).contains("from the cli");
                    }
                } finally {
                    stevedore(engine, "rmi", "-f", image);
                }
            } catch (AssertionError e) {
                throw new AssertionError(who + ": " + e.getMessage(), e);
            } finally {
                stevedore(engine, "rm", "-f", name);
            }
        }
    }

    /** The content of member {@code name} of the tar at {@code tar}, null when it has none by that name. */
    private static String member(Path tar, String name) throws IOException {
        try (java.io.InputStream file = java.nio.file.Files.newInputStream(tar);
             org.apache.commons.compress.archivers.tar.TarArchiveInputStream in =
                     new org.apache.commons.compress.archivers.tar.TarArchiveInputStream(file)) {
            for (var entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                if (entry.getName().equals(name)) {
                    return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                }
            }
        }
        return null;
    }

    @Test
    void topPrintsWhatDockerTopPrintsOnBothEngines() throws Exception {
        String dockerHost = "unix://" + testbed.get("DOCKER_SOCKET");
        Map<String, List<String>> headers = new java.util.LinkedHashMap<>();
        for (Map<String, String> engine : List.of(Map.of("STEVEDORE_ENGINE", "docker", "DOCKER_HOST", dockerHost),
                Map.of("STEVEDORE_ENGINE", "embedded"))) {
            String who = engine.get("STEVEDORE_ENGINE");
            String name = prefix + "-top-" + who;
            ok(engine, "run", "-d", "--name", name, busybox, "sh", "-c", "sleep 601 & exec sleep 600");
            try {
                List<String> standard = ok(engine, "top", name).outLines();
                List<String> chosen = ok(engine, "top", name, "-o", "pid,args").outLines();
                assertThat(chosen.subList(1, chosen.size())).as(who).hasSize(2)
                        .anyMatch(l -> l.endsWith(" sleep 600")).anyMatch(l -> l.endsWith(" sleep 601"));
                if (who.equals("docker")) {
                    // the same container through the docker CLI: the same lines, but for ps's C column (the recent CPU
                    // share, which moves between two calls)
                    assertThat(withoutCpuShare(String.join("\n", standard)))
                            .isEqualTo(withoutCpuShare(docker(dockerHost, "top", name)));
                    assertThat(String.join("\n", chosen)).isEqualTo(docker(dockerHost, "top", name, "-o", "pid,args"));
                }
                headers.put(who, List.of(standard.get(0), chosen.get(0)));
                ok(engine, "stop", "-t", "1", name);
                CliRunner.Result stopped = stevedore(engine, "top", name);
                assertThat(stopped.exitCode()).as(who).isNotZero();
                assertThat(stopped.err()).as(who).contains("is not running");
            } finally {
                stevedore(engine, "rm", "-f", name);
            }
        }
        assertThat(headers.get("embedded")).isEqualTo(headers.get("docker"));
    }

    @Test
    void logDriversNoneAndLocalOnBothEngines() throws Exception {
        String host = "unix://" + testbed.get("DOCKER_SOCKET");
        String script = "echo gone; echo gone too >&2; exit 3";
        // the docker CLI on dockerd: a run shows the output (the attach stream bypasses the log driver), logs refuse
        String peer = prefix + "-lognone-peer";
        CliRunner.Result shown;
        CliRunner.Result peerLogs;
        try {
            shown = TestbedDocker.run(scratch, host, "run", "--name", peer, "--log-driver", "none", busybox, "sh", "-c", script);
            peerLogs = TestbedDocker.run(scratch, host, "logs", peer);
        } finally {
            TestbedDocker.run(scratch, host, "rm", "-f", peer);
        }
        assertThat(shown.exitCode()).as(shown.toString()).isEqualTo(3);
        assertThat(shown.out()).isEqualTo("gone\n");
        assertThat(shown.err()).endsWith("gone too\n");
        assertThat(peerLogs.exitCode()).isNotZero();
        assertThat(peerLogs.err()).contains("configured logging driver does not support reading");

        Map<String, String> docker = Map.of("STEVEDORE_ENGINE", "docker", "DOCKER_HOST", host);
        for (Map<String, String> engine : List.of(Map.of("STEVEDORE_ENGINE", "embedded"), docker)) {
            String who = engine.get("STEVEDORE_ENGINE");
            String name = prefix + "-lognone-" + who;
            CliRunner.Result none = stevedore(engine, "run", "--name", name, "--log-driver", "none", busybox, "sh", "-c", script);
            try {
                assertThat(none.exitCode()).as(who + "\n" + none).isEqualTo(shown.exitCode());
                assertThat(none.out()).as(who).isEqualTo(shown.out());
                assertThat(none.err()).as(who).endsWith("gone too\n");
                CliRunner.Result logs = stevedore(engine, "logs", name);
                assertThat(logs.exitCode()).as(who).isNotZero();
                assertThat(logs.err()).as(who).contains("configured logging driver does not support reading");
                assertThat(ok(engine, "inspect", name).out()).as(who).contains("\"Type\": \"none\"");
            } finally {
                stevedore(engine, "rm", "-f", name);
            }
            assertThat(ok(engine, "run", "--rm", "--log-driver", "local", busybox, "echo", "kept").outLines()).as(who)
                    .contains("kept");
        }
        CliRunner.Result refused = stevedore(Map.of("STEVEDORE_ENGINE", "embedded"), "run", "--rm", "--log-opt",
                "labels=a", busybox, "true");
        assertThat(refused.exitCode()).isNotZero();
        assertThat(refused.err()).contains("log option labels");
    }

    /** A {@code ps -ef} table with its fourth column ({@code C}) left out, the others joined by one space. */
    private static String withoutCpuShare(String table) {
        return table.lines().map(line -> {
            List<String> fields = new ArrayList<>(List.of(line.strip().split("\\s+")));
            fields.remove(3);
            return String.join(" ", fields);
        }).collect(java.util.stream.Collectors.joining("\n"));
    }

    @Test
    void runPrivilegedOnTheEmbeddedEngineTurnsTheDefaultsOffAndItsAttachIsRecorded() throws Exception {
        Map<String, String> embedded = Map.of("STEVEDORE_ENGINE", "embedded");
        String name = prefix + "-priv-e";

        List<String> privileged = ok(embedded, "run", "--rm", "--privileged", busybox, "sh", "-c", STATUS).outLines();
        List<String> plain = ok(embedded, "run", "--name", name, busybox, "sh", "-c", STATUS).outLines();
        List<String> events = ok(embedded, "events", "--since", "2m", "--until", "0s", "--filter", "container=" + name,
                "--format", "{{.Action}}").outLines();
        ok(embedded, "rm", name);

        assertThat(privileged).containsExactly("CapEff:" + boundingSet(), "Seccomp:0");
        assertThat(plain).containsExactly("CapEff:00000000a80425fb", "Seccomp:2");
        assertThat(events).containsSubsequence("create", "attach", "start", "die");
    }

    @Test
    void onDockerdPrivilegedIsInItsInspectAndTheAttachInItsEvents() throws Exception {
        String dockerHost = "unix://" + testbed.get("DOCKER_SOCKET");
        Map<String, String> docker = Map.of("STEVEDORE_ENGINE", "docker", "DOCKER_HOST", dockerHost);
        String created = prefix + "-priv-created";
        String attached = prefix + "-priv-attached";
        try {
            ok(docker, "create", "--name", created, "--privileged", busybox, "true");
            ok(docker, "run", "--name", attached, busybox, "true");

            assertThat(docker(dockerHost, "inspect", "-f", "{{.HostConfig.Privileged}}", created)).isEqualTo("true");
            assertThat(docker(dockerHost, "inspect", "-f", "{{.HostConfig.Privileged}}", attached)).isEqualTo("false");
            // dockerd writes its record as its events happen, the die after the run's wait returned: read until it is in
            java.util.concurrent.atomic.AtomicReference<List<String>> events = new java.util.concurrent.atomic.AtomicReference<>();
            await("dockerd's events of " + attached).atMost(Duration.ofSeconds(60)).until(() -> {
                events.set(docker(dockerHost, "events", "--since", "2m", "--until", "0s", "--filter",
                        "container=" + attached, "--format", "{{.Action}}").lines().toList());
                return events.get().contains("die");
            });
            assertThat(events.get()).containsSubsequence("create", "attach", "start", "die");
        } finally {
            docker(dockerHost, "rm", "-f", created, attached);
        }
    }

    /** The embedded engine runs as root here: a privileged container gets its bounding set. */
    private static String boundingSet() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("CapBnd:"))
                .map(l -> l.substring("CapBnd:".length()).strip()).findFirst().orElseThrow();
    }

    private CliRunner.Result ok(Map<String, String> env, String... args) throws IOException, InterruptedException {
        CliRunner.Result result = stevedore(env, args);
        assertThat(result.exitCode()).as(String.join(" ", args) + "\n" + result).isZero();
        return result;
    }

    private CliRunner.Result stevedore(Map<String, String> env, String... args) throws IOException, InterruptedException {
        return new PackagedCli(home, scratch).run(env, args);
    }

    private static String docker(String host, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("docker", "-H", host));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes()).strip();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return out;
    }
}
