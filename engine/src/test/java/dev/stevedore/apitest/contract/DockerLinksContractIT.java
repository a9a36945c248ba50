package dev.stevedore.apitest.contract;

import dev.stevedore.engine.ContainerEngine;

/** {@link LinksContract} on the Docker backend, against the test bed's dockerd. */
class DockerLinksContractIT extends LinksContract {
    @Override
    protected ContainerEngine openEngine() {
        return TestbedDocker.open();
    }

    @Override
    protected void afterEngineClosed(ContainerEngine closed) {
        TestbedDocker.assertNothingLeft(closed);
    }
}
