package dev.stevedore.apitest.contract;

import dev.stevedore.engine.ContainerEngine;

/** {@link CreateOptionsContract} on the Docker backend, against the test bed's dockerd. */
class DockerCreateOptionsContractIT extends CreateOptionsContract {
    @Override
    protected ContainerEngine openEngine() {
        return TestbedDocker.open();
    }

    @Override
    protected void afterEngineClosed(ContainerEngine closed) {
        TestbedDocker.assertNothingLeft(closed);
    }

    @Override
    protected String ulimitRefusal() {
        return "rlimit"; // runc: "error setting rlimit type 7"
    }
}
