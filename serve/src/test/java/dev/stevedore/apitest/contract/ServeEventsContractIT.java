package dev.stevedore.apitest.contract;

import dev.stevedore.engine.ContainerEngine;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/**
 * {@link EventsContract} through `stevedore serve`: the Docker backend reads the server's {@code /events}, which the
 * served embedded engine's own event feed drives: a hundred short-lived containers, a hundred die events.
 */
class ServeEventsContractIT extends EventsContract {
    @TempDir
    static Path directory;
    private ServeEngines serve;

    @Override
    protected ContainerEngine openEngine() {
        serve = serve != null ? serve : new ServeEngines(directory);
        return serve.client();
    }

    @Override
    protected void afterEngineClosed(ContainerEngine closed) {
        serve.closeAfterChecking(closed);
    }
}
