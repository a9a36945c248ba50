package dev.stevedore.apitest.contract;

import dev.stevedore.engine.ContainerEngine;

/** {@link BuildContract} on the Docker backend: the test bed's dockerd, its classic builder. */
class DockerBuildContractIT extends BuildContract {
    @Override
    protected ContainerEngine openEngine() {
        return TestbedDocker.open();
    }

    @Override
    protected void afterEngineClosed(ContainerEngine closed) {
        TestbedDocker.assertNothingLeft(closed);
    }
}
