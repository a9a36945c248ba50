package dev.stevedore.dsl;

import java.time.Duration;

/** Ready as soon as it runs: {@link Wait#running()}. */
final class RunningWait implements WaitStrategy {
    static final RunningWait INSTANCE = new RunningWait();

    private RunningWait() {
    }

    @Override
    public void waitUntilReady(ContainerHandle container, Duration timeout) {
        // started is ready
    }

    @Override
    public String description() {
        return "the container to run";
    }
}
