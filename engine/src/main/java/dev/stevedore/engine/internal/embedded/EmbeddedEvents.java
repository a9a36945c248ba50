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
    private volatile JournalTail.UnownedRuns unowned = new JournalTail.UnownedRuns() {
        @Override
        public java.util.List<String> running() {
            return java.util.List.of();
        }

        @Override
        public Path directory(String id) {
            throw new IllegalStateException("no container service");
        }

        @Override
        public java.util.Optional<EngineEvent> ended(String id) {
            return java.util.Optional.empty();
        }
    };

    EmbeddedEvents(Path stateDirectory) {
        this.journal = new EventJournal(stateDirectory);
        journal.sweep();
    }

    void publish(EngineEvent.Type type, EngineEvent.Action action, String id, Map<String, String> attributes) {
        EngineEvent event = new EngineEvent(type, action, id, attributes, Instant.now());
        hub.publish(event);
        journal.append(event);
    }

    /** Publishes a container's event ({@link #containerEvent}). */
    void container(EngineEvent.Action action, String id, ContainerRecord config, Map<String, String> more) {
        container(action, id, config, more, "");
    }

    /** As {@link #container(EngineEvent.Action, String, ContainerRecord, Map)}, with its {@link EngineEvent#detail}. */
    void container(EngineEvent.Action action, String id, ContainerRecord config, Map<String, String> more, String detail) {
        EngineEvent event = containerEvent(action, id, config, more, detail);
        hub.publish(event);
        journal.append(event);
    }

    /** A container's event, with its labels, name and image as attributes (as Docker's have them) and {@code more}. */
    static EngineEvent containerEvent(EngineEvent.Action action, String id, ContainerRecord config, Map<String, String> more) {
        return containerEvent(action, id, config, more, "");
    }

    private static EngineEvent containerEvent(EngineEvent.Action action, String id, ContainerRecord config,
                                              Map<String, String> more, String detail) {
        Map<String, String> attributes = new java.util.HashMap<>(config.labels());
        attributes.putAll(more);
        attributes.put(EngineEvent.NAME, config.name());
        attributes.put(EngineEvent.IMAGE, config.image());
        return new EngineEvent(EngineEvent.Type.CONTAINER, action, id, attributes, Instant.now(), detail);
    }

    /** Says where the runs no engine owns are, so a subscription reports their ends (see {@link JournalTail}). */
    void unownedRuns(JournalTail.UnownedRuns runs) {
        this.unowned = runs;
    }

    /** This engine let go of a kept container's run: the other engines' subscriptions watch for its end. */
    void detached(String containerId) {
        journal.appendDetached(containerId);
    }

    /** The recorded events of every engine on the state directory from {@code since} to {@code until} (null: now). */
    java.util.List<EngineEvent> past(Instant since, Instant until) {
        return journal.read(since, until);
    }

    synchronized EventSubscription subscribe(Consumer<EngineEvent> listener) {
        if (tail == null) {
            try {
                tail = new JournalTail(journal, hub::publish, unowned);
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
