package dev.stevedore.apitest.contract;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ExecResult;
import dev.stevedore.engine.ExecSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * What a rootless engine cannot reach yet: a directory private to another user of the container (postgres' data
 * directory is one). It reads a container's files as the ordinary user, whom such a directory shuts out, so a copy out
 * of it and a diff below it fail — with an error that says so and what to run instead, not a bare "Permission
 * denied". (Rootful and on dockerd the same copy works.)
 */
class RootlessPrivateFilesIT extends EngineContract {
    @TempDir
    static Path state;

    @Override
    protected ContainerEngine openEngine() {
        return RootlessEngines.open(state);
    }

    @Test
    void aDirectoryPrivateToAnotherUserOfTheContainerIsRefusedWithWhatToRunInstead() {
        ContainerInfo container = started(busybox(
                "mkdir -p /priv/sub && echo x > /priv/sub/f && chown -R 1000 /priv && chmod 700 /priv && exec sleep 3600"));
        await().atMost(PATIENCE).until(() -> exec(container, "stat", "-c", "%a %u", "/priv").stdout().strip().equals("700 1000"));

        assertThatThrownBy(() -> engine.copyFromContainer(container.id(), "/priv"))
                .isInstanceOf(ContainerEngineException.class)
                .hasMessageContaining("private to another user of the container")
                .hasMessageContaining("'stevedore exec " + container.name() + " tar -c /priv > archive.tar'");
        assertThatThrownBy(() -> engine.changes(container.id()))
                .isInstanceOf(ContainerEngineException.class)
                .hasMessageContaining("/priv is private to another user of the container");
        assertThat(exec(container, "sh", "-c", "tar -c /priv | tar -t").stdout())
                .as("what the message offers instead works").contains("priv/sub/f");
    }

    private ExecResult exec(ContainerInfo container, String... command) {
        return engine.exec(container.id(), ExecSpec.of(command));
    }
}
