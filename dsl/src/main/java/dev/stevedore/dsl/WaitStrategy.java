package dev.stevedore.dsl;

import java.time.Duration;
import java.util.Optional;

/**
 * What makes a started container ready. {@link Wait} has the common ones; implement this for others.
 *
 * <p>A strategy blocks in {@link #waitUntilReady} until the container is ready and throws
 * {@link ContainerNotReadyException} when it is not ready in time. The container is running (its ports are
 * published, it can be exec'd into) but not yet marked ready while the strategy runs.
 */
public interface WaitStrategy {

    /**
     * Blocks until {@code container} is ready.
     *
     * @param timeout how long it may take: this strategy's own {@link #timeout()}, else the container's startup timeout
     * @throws ContainerNotReadyException when it is not ready within {@code timeout} or exits meanwhile
     */
    void waitUntilReady(ContainerHandle container, Duration timeout);

    /** This strategy's own timeout; empty to use the container's startup timeout. */
    default Optional<Duration> timeout() {
        return Optional.empty();
    }

    /** What it waits for, in words that finish "waited for: ...". */
    String description();
}
