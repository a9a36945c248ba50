package dev.stevedore.apitest.contract;

import dev.stevedore.engine.ContainerEngine;

/** {@link UntaggedImageContract} on the Docker backend: the test bed's dockerd, its classic builder. */
class DockerUntaggedImageContractIT extends UntaggedImageContract {
    @Override
    protected ContainerEngine openEngine() {
        return TestbedDocker.open();
    }

    @Override
    protected void afterEngineClosed(ContainerEngine closed) {
        TestbedDocker.assertNothingLeft(closed);
    }
}
