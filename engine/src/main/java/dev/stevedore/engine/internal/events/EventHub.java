package dev.stevedore.engine.internal.events;

import dev.stevedore.engine.EngineEvent;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The subscriptions of one engine in this JVM: publishing hands an event to each of them (a queue add apiece, so
 * publishing with nobody subscribed costs one volatile read).
 */
public final class EventHub implements AutoCloseable {
    private final List<Subscriber> subscribers = new CopyOnWriteArrayList<>();

    /** A new subscription; {@code onLast} runs when closing it leaves no subscription. */
    public Subscriber subscribe(Consumer<EngineEvent> listener, Runnable onLast) {
        Subscriber[] made = new Subscriber[1];
        made[0] = new Subscriber(listener, () -> {
            subscribers.remove(made[0]);
            if (subscribers.isEmpty() && onLast != null) {
                onLast.run();
            }
        });
        subscribers.add(made[0]);
        return made[0];
    }

    public boolean hasSubscribers() {
        return !subscribers.isEmpty();
    }

    public void publish(EngineEvent event) {
        for (Subscriber subscriber : subscribers) {
            subscriber.offer(event);
        }
    }

    /** Closes every subscription (the engine closes). */
    @Override
    public void close() {
        for (Subscriber subscriber : List.copyOf(subscribers)) {
            subscriber.close();
        }
    }
}
