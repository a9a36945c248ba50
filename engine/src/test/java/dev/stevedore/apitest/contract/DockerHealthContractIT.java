package dev.stevedore.apitest.contract;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.HealthCheck;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link HealthContract} on the Docker backend, against the test bed's dockerd (whose own checks it reads). */
class DockerHealthContractIT extends HealthContract {
    @Override
    protected ContainerEngine openEngine() {
        return TestbedDocker.open();
    }

    /** The test bed's dockerd 20.10 (API 1.41) knows no start interval: refused by name, not sent and ignored. */
    @Test
    void aStartIntervalIsRefusedByADaemonOlderThanApi144() {
        assertThatThrownBy(() -> engine.createContainer(busybox("sleep 600")
                .healthCheck(HealthCheck.shell("true").withStartInterval(Duration.ofSeconds(1))).build()))
                .isInstanceOf(ContainerEngineException.class)
                .hasMessageContaining("has no health check start interval (API 1.44, Docker 25)");
    }

    @Override
    protected void afterEngineClosed(ContainerEngine closed) {
        TestbedDocker.assertNothingLeft(closed);
    }
}
