package dev.stevedore.apitest;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.ContainerState;
import dev.stevedore.engine.EngineSettings;
import dev.stevedore.engine.RestartPolicy;
import dev.stevedore.engine.testbed.Testbed;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A kept container ({@code stevedore run -d}) outlives the engine that started it, and so may its run's end: the
 * next engine that opens on the state directory finds the ended run and applies its restart policy, as dockerd
 * restarts its containers when it comes back; one a user stopped stays stopped.
 */
class KeptContainerRestartIT {
    @TempDir
    Path state;

    private ContainerEngine open() {
        return ContainerEngine.embedded(EngineSettings.fromEnvironment().withStateDirectory(state));
    }

    private static ContainerSpec kept(String image, String script) {
        return ContainerSpec.builder(image).cmd("sh", "-c", script)
                .label(ContainerSpec.KEEP_LABEL, "true").restartPolicy(RestartPolicy.parse("unless-stopped")).build();
    }

    /**
     * The child JVM (the {@code stevedore run -d} of this test): runs the two kept containers on the state directory
     * and with the image it is given, stops the second, prints {@code kept <id> <id> <started at>} and ends, so no JVM owns them after.
     */
    public static void main(String[] args) {
        try (ContainerEngine engine = ContainerEngine.embedded(EngineSettings.fromEnvironment()
                .withStateDirectory(Path.of(args[0])))) {
            ContainerInfo ending = engine.runContainer(kept(args[1], "sleep 3; exit 1"));
            String stopped = engine.runContainer(kept(args[1], "sleep 600")).id();
            engine.stopContainer(stopped, Duration.ZERO);
            System.out.println("kept " + ending.id() + " " + stopped + " "
                    + engine.inspectContainer(ending.id()).state().startedAt());
        }
    }

    @Test
    void theNextEngineRestartsAKeptContainerWhoseRunEndedWithoutAnOwner() throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                KeptContainerRestartIT.class.getName(), state.toString(),
                Testbed.get().plainRegistry() + "/library/busybox:latest").redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String report = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(child.waitFor()).as("the child JVM's exit (%s)", report).isZero();
        assertThat(report).startsWith("kept ");
        String[] parts = report.split(" ");
        String ending = parts[1];
        String stopped = parts[2];
        Instant firstStart = Instant.parse(parts[3]);
        try {
            // an engine opened while the first run still goes finds nothing to do: open them until one finds the end
            await("an engine restarts it").atMost(Duration.ofSeconds(120)).until(() -> {
                try (ContainerEngine next = open()) {
                    await().atMost(Duration.ofSeconds(10)).until(() -> {
                        ContainerState now = next.inspectContainer(ending).state();
                        return now.running() && now.startedAt().isAfter(firstStart);
                    });
                    return true;
                } catch (ConditionTimeoutException notYet) {
                    return false;
                }
            });
            try (ContainerEngine last = open()) {
                assertThat(last.inspectContainer(stopped).state().running()).as("stopped by the user").isFalse();
                assertThat(last.inspectContainer(stopped).restartCount()).isZero();
            }
        } finally {
            try (ContainerEngine cleanup = open()) {
                cleanup.removeContainer(ending, true);
                cleanup.removeContainer(stopped, true);
            }
        }
    }
}
