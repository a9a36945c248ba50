package dev.stevedore.apitest.contract;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.internal.docker.DockerCli;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Host ports on the Docker backend: refused before anything is made, with a message that says why and what to do.
 * dockerd offers a container no way to the host's loopback; a relay on its bridge's gateway would open the test's
 * server to every container on that bridge, and Stevedore runs no sidecar. Asked of dockerd itself: no container made.
 */
class DockerHostServicesIT {
    @Test
    void hostPortsAreRefusedSayingWhyAndNothingIsCreated() {
        String name = EngineContract.uniqueName("host-ports");
        ContainerSpec spec = ContainerSpec.builder(EngineContract.busyboxImage()).name(name).cmd("sleep", "3600")
                .exposeHostPorts(8080).build();

        try (ContainerEngine engine = TestbedDocker.open()) {
            assertThatThrownBy(() -> engine.createContainer(spec))
                    .isInstanceOf(ContainerEngineException.class)
                    .hasMessageContaining("cannot expose host ports [8080]")
                    .hasMessageContaining("use the embedded engine")
                    .hasMessageContaining("host-gateway");
            TestbedDocker.assertNothingLeft(engine);
        }
        assertThat(DockerCli.run(TestbedDocker.socket(), "ps", "-a", "-q", "--filter", "name=^/" + name + "$"))
                .as("containers named %s in dockerd", name).isEmpty();
    }
}
