package dev.stevedore.apitest.contract;

import dev.stevedore.engine.ContainerEngine;

/** {@link EventsContract} on the Docker backend: the events come from the test bed dockerd's {@code /events}. */
class DockerEventsContractIT extends EventsContract {
    @Override
    protected ContainerEngine openEngine() {
        return TestbedDocker.open();
    }

    @Override
    protected void afterEngineClosed(ContainerEngine closed) {
        TestbedDocker.assertNothingLeft(closed);
    }
}
