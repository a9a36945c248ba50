package dev.stevedore.apitest.contract;

import dev.stevedore.engine.ContainerEngine;

/** {@link ResourcesContract} on the Docker backend, against the test bed's dockerd (its inspect, its groups). */
class DockerResourcesContractIT extends ResourcesContract {
    @Override
    protected ContainerEngine openEngine() {
        return TestbedDocker.open();
    }

    @Override
    protected void afterEngineClosed(ContainerEngine closed) {
        TestbedDocker.assertNothingLeft(closed);
    }
}
