package dev.stevedore.apitest.contract;

import dev.stevedore.engine.ContainerEngine;

/** {@link LogsContract} on the Docker backend, against the test bed's dockerd. */
class DockerLogsContractIT extends LogsContract {
    @Override
    protected ContainerEngine openEngine() {
        return TestbedDocker.open();
    }

    /** dockerd 20.10's {@code local} follower can lose the last lines when files rotate before it reads them. */
    @Override
    protected boolean followerReachesTheEnd() {
        return false;
    }

    /** dockerd's json-file stores each message as JSON text: bytes that are not UTF-8 come back as U+FFFD. */
    @Override
    protected boolean jsonFileKeepsBytes() {
        return false;
    }

    @Override
    protected void afterEngineClosed(ContainerEngine closed) {
        TestbedDocker.assertNothingLeft(closed);
    }
}
