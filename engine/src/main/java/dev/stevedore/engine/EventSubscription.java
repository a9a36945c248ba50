package dev.stevedore.engine;

/**
 * An open subscription to an engine's events ({@link ContainerEngine#events}). Closing it stops the deliveries: the
 * listener is not called after {@link #close()} returns (unless from inside the listener itself). Closing twice is
 * harmless; closing the engine closes its subscriptions.
 */
public interface EventSubscription extends AutoCloseable {
    @Override
    void close();
}
