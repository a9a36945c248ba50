package dev.stevedore.apitest.contract;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.internal.docker.DockerCli;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code --privileged} on the Docker backend, asked of the test bed's dockerd: the create carries
 * {@code HostConfig.Privileged} (dockerd's own inspect says so) and the engine reads it back. Only the create: this
 * host's root lacks CAP_SYS_RESOURCE, so runc cannot give a privileged container every capability and dockerd fails
 * its start ("unable to apply caps: operation not permitted"); {@link PrivilegedContract} runs on the embedded engine.
 */
class DockerPrivilegedIT extends EngineContract {
    @Override
    protected ContainerEngine openEngine() {
        return TestbedDocker.open();
    }

    @Override
    protected void afterEngineClosed(ContainerEngine closed) {
        TestbedDocker.assertNothingLeft(closed);
    }

    @Test
    void privilegedReachesDockerdAndIsReadBack() {
        String privileged = engine.createContainer(busybox("true").privileged(true).build()).id();
        String plain = engine.createContainer(busybox("true").build()).id();

        assertThat(dockerdSays(privileged)).containsExactly("true");
        assertThat(dockerdSays(plain)).containsExactly("false");
        assertThat(engine.inspectContainer(privileged).spec().privileged()).isTrue();
        assertThat(engine.inspectContainer(plain).spec().privileged()).isFalse();
        engine.removeContainer(privileged, true);
        engine.removeContainer(plain, true);
    }

    private static List<String> dockerdSays(String container) {
        return DockerCli.run(TestbedDocker.socket(), "inspect", "-f", "{{.HostConfig.Privileged}}", container);
    }
}
