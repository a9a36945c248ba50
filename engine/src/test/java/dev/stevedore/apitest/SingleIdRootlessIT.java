package dev.stevedore.apitest;

import dev.stevedore.engine.CommitSpec;
import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.ContainerState;
import dev.stevedore.engine.EngineSettings;
import dev.stevedore.engine.ExecSpec;
import dev.stevedore.engine.ImageReference;
import dev.stevedore.engine.LogLine;
import dev.stevedore.engine.LogOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static dev.stevedore.apitest.ContainerTestbed.busybox;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The single-id fallback, run as the test bed's ordinary user without a subordinate id range (the engine's
 * rootless-single-id Failsafe execution): containers run as root (the user), and an image or a USER that needs
 * other ids fails saying why and how to give the user a range. This user has no delegated cgroup subtree either: a
 * limit is refused naming the controller and how to delegate it, while a container without one starts.
 */
class SingleIdRootlessIT {
    @TempDir
    static Path state;
    static ContainerEngine engine;

    @BeforeAll
    static void open() throws IOException {
        String user = System.getProperty("user.name");
        assertThat(user).as("SingleIdRootlessIT runs as an ordinary user (the rootless-single-id Failsafe execution)")
                .isNotEqualTo("root");
        assertThat(Files.readAllLines(Path.of("/etc/subuid"))).as("user %s has no subordinate range", user)
                .noneMatch(l -> l.startsWith(user + ":"));
        engine = ContainerEngine.embedded(EngineSettings.fromEnvironment().withStateDirectory(state));
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    @Test
    void containersRunAsTheUserWithASingleMappedId() {
        ContainerInfo info = engine.runContainer(ContainerSpec.builder(busybox())
                .cmd("sh", "-c", "id -u; cat /proc/self/uid_map | wc -l").build());
        try {
            ContainerState state = engine.waitContainer(info.id(), Duration.ofSeconds(30));
            assertThat(state.exitCode()).isZero();
            try (var logs = engine.logs(info.id(), LogOptions.all()); Stream<LogLine> lines = logs.lines()) {
                assertThat(lines.map(l -> l.text().strip()).collect(Collectors.toList())).containsExactly("0", "1");
            }
        } finally {
            engine.removeContainer(info.id(), true);
        }
    }

    @Test
    void withoutADelegatedCgroupSubtreeALimitIsRefusedNamingTheControllerAndTheFix() {
        // this user's JVM runs in root's groups (the rootless-single-id execution moves it nowhere)
        assertThatThrownBy(() -> engine.createContainer(ContainerSpec.builder(busybox()).pidsLimit(10).cmd("true").build()))
                .hasMessageContaining("asks for a pids limit")
                .hasMessageContaining("no pids cgroup controller delegated to it")
                .hasMessageContaining("Delegate=pids memory cpu")
                .hasMessageContaining("chowns it");
        assertThatThrownBy(() -> engine.createContainer(ContainerSpec.builder(busybox()).memoryBytes(64L << 20).cmd("true").build()))
                .hasMessageContaining("no memory cgroup controller delegated to it");
        assertThat(engine.containers(true, java.util.Map.of())).isEmpty();
    }

    @Test
    void anotherUserIsRefusedNamingTheMissingRange() {
        assertThatThrownBy(() -> engine.runContainer(ContainerSpec.builder(busybox()).user("1000").cmd("true").build()))
                .hasMessageContaining("not mapped in the rootless user namespace")
                .hasMessageContaining("subordinate id range");
    }

    @Test
    void anImageWithFilesOfOtherIdsIsRefusedNamingTheFix() {
        assertThatThrownBy(() -> engine.runContainer(ContainerSpec.builder(ContainerTestbed.image("layered:latest"))
                .cmd("true").build()))
                .hasMessageContaining("needs owner 1000:1000")
                .hasMessageContaining("usermod --add-subuids");
    }

    /**
     * Without a freezer (no delegated cgroup, cgroup v1 here) a running container cannot be paused, and says why; a
     * commit, which pauses by Docker's default, still commits — unpaused, as Podman's commit does — where it used to
     * fail with the pause's refusal.
     */
    @Test
    void withoutAFreezerACommitOfARunningContainerGoesOnUnpaused() {
        ContainerInfo info = engine.runContainer(ContainerSpec.builder(busybox()).cmd("sleep", "3600").build());
        ImageReference committed = ImageReference.parse("local.test/unpaused-commit:" + info.id().substring(0, 12));
        try {
            assertThat(engine.exec(info.id(), ExecSpec.of("sh", "-c", "echo kept > /kept.txt")).exitCode()).isZero();
            assertThatThrownBy(() -> engine.pauseContainer(info.id())).hasMessageContaining("no cgroup a freezer can act on");

            engine.commit(info.id(), CommitSpec.to(committed));

            assertThat(engine.inspectContainer(info.id()).state().running()).isTrue();
            ContainerInfo fromImage = engine.runContainer(ContainerSpec.builder(committed.toString())
                    .pullPolicy(ContainerSpec.PullPolicy.NEVER).cmd("cat", "/kept.txt").build());
            try {
                assertThat(engine.waitContainer(fromImage.id(), Duration.ofSeconds(30)).exitCode()).isZero();
                try (var logs = engine.logs(fromImage.id(), LogOptions.all()); Stream<LogLine> lines = logs.lines()) {
                    assertThat(lines.map(l -> l.text().strip()).collect(Collectors.toList())).containsExactly("kept");
                }
            } finally {
                engine.removeContainer(fromImage.id(), true);
            }
        } finally {
            engine.removeContainer(info.id(), true);
            engine.image(committed).ifPresent(i -> engine.removeImage(committed));
        }
    }
}
