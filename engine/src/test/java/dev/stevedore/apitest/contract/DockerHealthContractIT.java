package dev.stevedore.apitest.contract;

import dev.stevedore.engine.ContainerEngine;

/** {@link HealthContract} on the Docker backend, against the test bed's dockerd (whose own checks it reads). */
class DockerHealthContractIT extends HealthContract {
    @Override
    protected ContainerEngine openEngine() {
        return TestbedDocker.open();
    }

    @Override
    protected void afterEngineClosed(ContainerEngine closed) {
        TestbedDocker.assertNothingLeft(closed);
    }
}
