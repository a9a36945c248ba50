package dev.stevedore.apitest.contract;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerTop;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link TopContract} on the Docker backend, against the test bed's dockerd; each listing as the docker CLI's. */
class DockerTopContractIT extends TopContract {
    @Override
    protected ContainerEngine openEngine() {
        return TestbedDocker.open();
    }

    @Override
    protected void afterEngineClosed(ContainerEngine closed) {
        TestbedDocker.assertNothingLeft(closed);
    }

    @Test
    void theListingIsTheDockerClisForTheSameContainer() {
        ContainerInfo container = started(busybox("sleep 3601 & exec sleep 3600"));

        ContainerTop ours = engine.top(container.id(), "-o pid,ppid,args");

        assertThat(ours).isEqualTo(dockerTop(container.id(), "-o", "pid,ppid,args"));
    }
}
