package dev.stevedore.serve.internal;

import dev.stevedore.engine.internal.docker.DockerCli;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.stevedore.serve.internal.ServeResourcesIT.groupFiles;
import static dev.stevedore.serve.internal.ServeResourcesIT.settingWarnings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * {@code docker run --memory-swap --oom-kill-disable --cpu-rt-period --device-cgroup-rule} with the docker CLI,
 * against serve and the test bed's dockerd in the same run (#17): the CLI's warnings and refusals, inspect's echo, the
 * values in the container's v1 memory and cpu groups (this host's layout) and what a device rule lets a process in the
 * container open must be dockerd's. ({@code --kernel-memory} is not here: the docker CLI sends it only to a daemon of
 * API 1.41 or older, which serve is not; {@code AdvancedResourcesContract} has it.)
 */
class ServeAdvancedResourcesIT extends ServeWithDockerCli {
    private static final String MEMORY = "{{json .HostConfig.MemorySwap}} {{json .HostConfig.OomKillDisable}}";

    @Test
    void runWithSwapAndOomKillDisableAppliesThemLikeDockerd() throws IOException {
        Map<Path, List<String>> seen = new LinkedHashMap<>();
        for (Path server : dockerdThenServe()) {
            List<String> output = settingWarnings(DockerCli.run(server, "run", "-d", "-m", "64m", "--memory-swap", "128m",
                    "--oom-kill-disable", busybox, "sleep", "600"));
            String id = made(server, output.remove(output.size() - 1));
            output.addAll(DockerCli.run(server, "inspect", "-f", MEMORY, id));
            output.addAll(groupFiles(server, id, "memory/memory.memsw.limit_in_bytes", "memory/memory.oom_control"));
            seen.put(server, output.stream().map(line -> line.replaceAll("\\s+(under_oom|oom_kill) \\d+", "")).toList());
        }
        assertThat(seen.get(socket)).isEqualTo(seen.get(dockerd())).containsExactly("134217728 true", "134217728",
                "oom_kill_disable 1");
    }

    @Test
    void anOomKillerDisabledWithoutAMemoryLimitWarnsLikeDockerd() {
        Map<Path, List<String>> seen = new LinkedHashMap<>();
        for (Path server : dockerdThenServe()) {
            List<String> output = settingWarnings(DockerCli.run(server, "create", "--oom-kill-disable", busybox, "true"));
            made(server, output.remove(output.size() - 1));
            seen.put(server, output);
        }
        assertThat(seen.get(socket)).isEqualTo(seen.get(dockerd())).containsExactly("WARNING: OOM killer is disabled for the"
                + " container, but no memory limit is set, this can result in the system running out of resources.");
    }

    @Test
    void aSwapLimitDockerdRefusesIsRefusedInItsWords() {
        for (List<String> options : List.of(List.of("--memory-swap", "64m"), List.of("-m", "64m", "--memory-swap", "32m"))) {
            Map<Path, String> seen = new LinkedHashMap<>();
            for (Path server : dockerdThenServe()) {
                String[] args = java.util.stream.Stream.of(List.of("create"), options, List.of(busybox, "true"))
                        .flatMap(List::stream).toArray(String[]::new);
                Throwable refused = catchThrowable(() -> DockerCli.run(server, args));
                assertThat(refused).as(server + " " + options).isInstanceOf(AssertionError.class);
                String message = refused.getMessage();
                seen.put(server, message.substring(message.indexOf("Error response from daemon:")));
            }
            assertThat(seen.get(socket)).as(options.toString()).isEqualTo(seen.get(dockerd()))
                    .startsWith("Error response from daemon: ").contains("see usage");
        }
    }

    @Test
    void updateChangesTheSwapLimitLikeDockerd() throws IOException {
        Map<Path, List<String>> seen = new LinkedHashMap<>();
        for (Path server : dockerdThenServe()) {
            String id = made(server, last(DockerCli.run(server, "run", "-d", "-m", "64m", "--memory-swap", "192m", busybox,
                    "sleep", "600")));
            Throwable refused = catchThrowable(() -> DockerCli.run(server, "update", "-m", "256m", id));
            assertThat(refused).as(server.toString()).isInstanceOf(AssertionError.class).hasMessageContaining("Memory limit"
                    + " should be smaller than already set memoryswap limit, update the memoryswap at the same time");
            DockerCli.run(server, "update", "-m", "256m", "--memory-swap", "512m", id);
            List<String> output = new java.util.ArrayList<>(DockerCli.run(server, "inspect", "-f",
                    "{{json .HostConfig.Memory}} {{json .HostConfig.MemorySwap}}", id));
            output.addAll(groupFiles(server, id, "memory/memory.limit_in_bytes", "memory/memory.memsw.limit_in_bytes"));
            DockerCli.run(server, "update", "-m", "128m", "--memory-swap", "-1", id);
            output.addAll(DockerCli.run(server, "inspect", "-f", "{{json .HostConfig.Memory}} {{json .HostConfig.MemorySwap}}",
                    id));
            output.addAll(groupFiles(server, id, "memory/memory.limit_in_bytes", "memory/memory.memsw.limit_in_bytes"));
            seen.put(server, output);
        }
        // dockerd 20.10 says -1 (unlimited) but leaves the kernel's memsw at the 512 MiB before; serve lifts it
        assertThat(seen.get(dockerd())).endsWith("134217728 -1", "134217728", "536870912");
        assertThat(seen.get(socket).subList(0, 4)).isEqualTo(seen.get(dockerd()).subList(0, 4)).containsExactly(
                "268435456 536870912", "268435456", "536870912", "134217728 -1");
        assertThat(seen.get(socket)).endsWith("134217728", "9223372036854771712");
    }

    @Test
    void aRealtimePeriodIsWrittenLikeDockerd() throws IOException {
        Map<Path, List<String>> seen = new LinkedHashMap<>();
        for (Path server : dockerdThenServe()) {
            String id = made(server, last(DockerCli.run(server, "run", "-d", "--cpu-rt-period", "500000", busybox, "sleep",
                    "600")));
            List<String> output = new java.util.ArrayList<>(DockerCli.run(server, "inspect", "-f",
                    "{{json .HostConfig.CpuRealtimePeriod}} {{json .HostConfig.CpuRealtimeRuntime}}", id));
            output.addAll(groupFiles(server, id, "cpu/cpu.rt_period_us"));
            seen.put(server, output);
        }
        assertThat(seen.get(socket)).isEqualTo(seen.get(dockerd())).containsExactly("500000 0", "500000");
    }

    /**
     * /dev/fuse (10:229) given for reading only ({@code --device /dev/fuse:/dev/fuse:r}): a rule lets the container open
     * it for writing too. (Not a node the container makes itself: the embedded engine mounts the root and /dev nodev.)
     */
    @Test
    void aDeviceCgroupRuleLetsTheContainerOpenTheDeviceLikeDockerd() {
        String script = "(exec 3<>/dev/fuse) 2>/dev/null && echo opened || echo denied";
        Map<Path, List<String>> seen = new LinkedHashMap<>();
        for (Path server : dockerdThenServe()) {
            List<String> output = new java.util.ArrayList<>(runToEnd(server, "{{json .HostConfig.DeviceCgroupRules}}", script,
                    "--device", "/dev/fuse:/dev/fuse:r", "--device-cgroup-rule", "c 10:229 rw"));
            output.addAll(runToEnd(server, "{{json .HostConfig.DeviceCgroupRules}}", script, "--device", "/dev/fuse:/dev/fuse:r"));
            seen.put(server, output);
        }
        assertThat(seen.get(socket)).isEqualTo(seen.get(dockerd()))
                .containsExactly("opened", "[\"c 10:229 rw\"]", "denied", "null");
    }
}
