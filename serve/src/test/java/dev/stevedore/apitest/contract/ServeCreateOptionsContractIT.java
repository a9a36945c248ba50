package dev.stevedore.apitest.contract;

import dev.stevedore.engine.ContainerEngine;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** {@link CreateOptionsContract} through `stevedore serve`: the Docker backend against the server over an embedded engine. */
class ServeCreateOptionsContractIT extends CreateOptionsContract {
    @TempDir
    static Path directory;
    private ServeEngines serve;

    @Override
    protected ContainerEngine openEngine() {
        if (serve == null) {
            serve = new ServeEngines(directory);
        }
        return serve.client();
    }

    @Override
    protected void afterEngineClosed(ContainerEngine closed) {
        try {
            serve.assertNothingLeft(closed);
        } finally {
            serve.close();
        }
    }

    @Override
    protected String ulimitRefusal() {
        return "--ulimit"; // the embedded engine's launcher, through serve
    }
}
