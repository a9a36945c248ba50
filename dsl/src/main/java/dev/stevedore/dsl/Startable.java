package dev.stevedore.dsl;

import dev.stevedore.engine.ContainerEngine;
import java.util.List;

/**
 * Something that runs on a container engine between {@link #start(ContainerEngine)} and {@link #stop()}:
 * a container, an environment of them. The JUnit extension manages {@code @Container} fields of this type.
 *
 * <p>Starting what already runs does nothing; stopping what does not run does nothing; a stopped one can be
 * started again (it gets fresh containers).
 */
public interface Startable extends AutoCloseable {

    /** Starts it on {@code engine} and returns once it is ready. */
    Startable start(ContainerEngine engine);

    /** Starts it on the JVM-wide engine ({@link Engines#shared()}). */
    default Startable start() {
        return start(Engines.shared());
    }

    /** Stops it and removes what it created. */
    void stop();

    /** Whether it runs (it may still be waiting to become ready). */
    boolean isRunning();

    /** What has to run before this starts. */
    default List<? extends Startable> dependencies() {
        return List.of();
    }

    /** {@link #stop()}. */
    @Override
    default void close() {
        stop();
    }
}
