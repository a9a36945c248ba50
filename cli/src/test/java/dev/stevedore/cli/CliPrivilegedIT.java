package dev.stevedore.cli;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code run --privileged} and the attach event of the packaged command: on the embedded engine the container sees
 * every capability and no filter (and the same run without it the defaults), and an attached run is recorded as
 * dockerd records one (attach, then start); on the test bed's dockerd, dockerd's own inspect and events say the same
 * (dockerd cannot start a privileged container on this host: its root lacks CAP_SYS_RESOURCE).
 */
class CliPrivilegedIT {
    private static final String STATUS = "grep -E '^(CapEff|Seccomp):' /proc/self/status | tr -d '\\t '";

    private static LocalTestbed testbed;
    private static String busybox;

    @TempDir
    Path home;
    @TempDir
    Path scratch;

    private final String prefix = "cli-priv-" + Long.toHexString(System.nanoTime());

    @BeforeAll
    static void findTestbed() {
        testbed = LocalTestbed.load();
        busybox = testbed.get("PLAIN_REGISTRY") + "/library/busybox:latest";
    }

    @Test
    void runPrivilegedOnTheEmbeddedEngineTurnsTheDefaultsOffAndItsAttachIsRecorded() throws Exception {
        Map<String, String> embedded = Map.of("STEVEDORE_ENGINE", "embedded");
        String name = prefix + "-e";

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
        String created = prefix + "-created";
        String attached = prefix + "-attached";
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
        CliRunner.Result result = new PackagedCli(home, scratch).run(env, args);
        assertThat(result.exitCode()).as(String.join(" ", args) + "\n" + result).isZero();
        return result;
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
