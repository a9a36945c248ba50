package dev.stevedore.engine.internal.embedded;

import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.ContainerState;
import dev.stevedore.engine.internal.runtime.ExitStatus;
import dev.stevedore.engine.internal.runtime.Signals;

import java.io.OutputStream;
import java.time.Duration;
import java.util.Optional;

/** A run this JVM started: reached through its {@link dev.stevedore.engine.internal.runtime.ContainerProcess}. */
record OwnedRun(String id, OwnedRuns.Owned owned, OwnedRuns runs) implements RunningContainer {

    @Override
    public Optional<ExitStatus> knownExit() {
        return owned.process().exitStatus();
    }

    @Override
    public Optional<ContainerState> await(Duration timeout) {
        return owned.process().waitFor(timeout).map(status -> runs.exited(id, owned, status));
    }

    @Override
    public void stop(ContainerRecord config, int signal, Duration grace, Runnable beforeKill) {
        runs.exited(id, owned, owned.process().stop(signal, grace, beforeKill));
    }

    @Override
    public void signal(int signal) {
        owned.process().signal(signal);
    }

    @Override
    public void endForRemoval(ContainerRecord config) {
        if ("true".equals(config.spec().labels().get(ContainerSpec.KEEP_LABEL))) {
            owned.process().signal(Signals.SIGKILL); // cutting its lifeline does not end a kept container
        }
        owned.process().close();
        runs.remove(id, owned);
    }

    @Override
    public OutputStream stdin(ContainerRecord config) {
        return owned.process().stdin(config.spec().stdinOnce());
    }

    @Override
    public void resize(ContainerRecord config, int rows, int columns) {
        owned.process().resize(rows, columns);
    }
}
