package dev.stevedore.spring.internal;

import dev.stevedore.dsl.Startable;
import java.util.function.Supplier;

/**
 * Starts a container the first time a connection detail is read, and remembers whether it was this that started it:
 * only then does the application context's end stop it (a JUnit {@code @Container} that ran first is its
 * extension's to stop).
 */
final class StartOnDemand implements Supplier<Startable> {
    private final Supplier<? extends Startable> container;
    private boolean startedHere;

    StartOnDemand(Supplier<? extends Startable> container) {
        this.container = container;
    }

    @Override
    public synchronized Startable get() {
        Startable startable = container.get();
        if (!startable.isRunning()) {
            startable.start();
            startedHere = true;
        }
        return startable;
    }

    synchronized void stopIfStartedHere() {
        if (startedHere) {
            startedHere = false;
            container.get().stop();
        }
    }
}
