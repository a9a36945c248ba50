package dev.stevedore.apitest.contract;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.internal.os.FileTrees;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link PostgresContract} on the rootless embedded engine (an ordinary user): the image's volume, owned by its
 * {@code postgres} user, is copied up with that owner, and JDBC reaches the server through a port published on the
 * host's loopback by a proxy that connects inside the container's own network namespace.
 */
class RootlessPostgresContractIT extends PostgresContract {
    @TempDir
    static Path state;

    @Override
    protected ContainerEngine openEngine() {
        return RootlessEngines.open(state);
    }

    /** The image's layers and the volume hold files of uid 999 (a subordinate id): deleted inside the user's namespace. */
    @Override
    protected void afterEngineClosed(ContainerEngine closed) {
        try {
            FileTrees.deleteRecursively(state);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertThat(state).doesNotExist();
    }
}
