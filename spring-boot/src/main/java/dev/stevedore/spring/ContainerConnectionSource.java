package dev.stevedore.spring;

import dev.stevedore.dsl.Startable;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * What a {@code ConnectionDetailsFactory} receives for a {@link ServiceConnection}: where the container was declared,
 * its type (known before it exists, for a bean), and the container itself, started on demand.
 *
 * <p>A factory decides by {@link #type()} whether it serves the container and returns connection details whose
 * getters call {@link #container()}: nothing starts until Spring Boot first reads a connection detail.
 *
 * @param origin    where it was declared, for messages: {@code field OrderServiceTest.db}, {@code bean 'db'}
 * @param type      the container's declared type
 * @param container gives the container, started (starting one that runs does nothing)
 */
public record ContainerConnectionSource(String origin, Class<? extends Startable> type, Supplier<? extends Startable> container) {

    public ContainerConnectionSource {
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(container, "container");
    }

    /** The container, started, as {@code expected}. */
    public <T extends Startable> T container(Class<T> expected) {
        return expected.cast(container.get());
    }

    @Override
    public String toString() {
        return origin + " (" + type.getSimpleName() + ")";
    }
}
