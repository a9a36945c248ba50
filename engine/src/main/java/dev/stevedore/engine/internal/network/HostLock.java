package dev.stevedore.engine.internal.network;

import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.internal.store.CrossProcessLock;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The lock every engine on the machine takes while it changes networks: bridge names and subnets belong to
 * the host (for rootless engines: to the user's network namespace), whatever state directory an engine uses.
 */
final class HostLock {
    /** Work done under the lock. */
    interface Action<T> {
        T run() throws IOException;
    }

    private final Path file;

    HostLock(Path file) {
        this.file = file;
    }

    /** Runs {@code action} under the lock; an {@link IOException} becomes "{@code what} failed: ...". */
    <T> T run(String what, Action<T> action) {
        try {
            Files.createDirectories(file.getParent());
            try (CrossProcessLock lock = CrossProcessLock.acquire(file)) {
                return action.run();
            }
        } catch (IOException e) {
            throw new ContainerEngineException(what + " failed: " + e.getMessage(), e);
        }
    }
}
