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

    private static ContainerSpec kept(String script) {
        return ContainerSpec.builder(Testbed.get().plainRegistry() + "/library/busybox:latest").cmd("sh", "-c", script)
                .label(ContainerSpec.KEEP_LABEL, "true").restartPolicy(RestartPolicy.parse("unless-stopped")).build();
    }

    @Test
    void theNextEngineRestartsAKeptContainerWhoseRunEndedWithoutAnOwner() {
        String ending;
        String stopped;
        Instant firstStart;
        try (ContainerEngine first = open()) {
            ContainerInfo c = first.runContainer(kept("sleep 3; exit 1"));
            ending = c.id();
            firstStart = first.inspectContainer(ending).state().startedAt();
            stopped = first.runContainer(kept("sleep 600")).id();
            first.stopContainer(stopped, Duration.ZERO);
        }
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
