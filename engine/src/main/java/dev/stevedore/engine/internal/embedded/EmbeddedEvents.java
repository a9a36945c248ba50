package dev.stevedore.engine.internal.embedded;

import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.EngineEvent;
import dev.stevedore.engine.EventSubscription;
import dev.stevedore.engine.internal.events.EventHub;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The embedded engine's events: what this engine does goes to its own subscribers at once and into its
 * {@link EventJournal}; what the other engines on the state directory write there is followed ({@link JournalTail})
 * while this engine has a subscriber.
 */
final class EmbeddedEvents implements AutoCloseable {
    private final EventHub hub = new EventHub();
    private final EventJournal journal;
    private JournalTail tail;

    EmbeddedEvents(Path stateDirectory) {
        this.journal = new EventJournal(stateDirectory);
        journal.sweep();
    }

    void publish(EngineEvent.Type type, EngineEvent.Action action, String id, Map<String, String> attributes) {
        EngineEvent event = new EngineEvent(type, action, id, attributes, Instant.now());
        hub.publish(event);
        journal.append(event);
    }

    void container(EngineEvent.Action action, String id, ContainerRecord config, Map<String, String> more) {
        Map<String, String> attributes = new java.util.HashMap<>(more);
        attributes.put(EngineEvent.NAME, config.name());
        attributes.put(EngineEvent.IMAGE, config.image());
        publish(EngineEvent.Type.CONTAINER, action, id, attributes);
    }

    synchronized EventSubscription subscribe(Consumer<EngineEvent> listener) {
        if (tail == null) {
            try {
                tail = new JournalTail(journal, hub::publish);
            } catch (IOException e) {
                throw new ContainerEngineException("cannot follow the events of the other engines in "
                        + journal.directory() + ": " + e.getMessage() + "; check that the state directory is writable", e);
            }
        }
        return hub.subscribe(listener, this::lastClosed);
    }

    private synchronized void lastClosed() {
        if (tail != null && !hub.hasSubscribers()) {
            tail.close();
            tail = null;
        }
    }

    @Override
    public void close() {
        hub.close();
        synchronized (this) {
            if (tail != null) {
                tail.close();
                tail = null;
            }
        }
        journal.close();
    }
}
