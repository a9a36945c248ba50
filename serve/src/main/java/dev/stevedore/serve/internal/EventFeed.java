package dev.stevedore.serve.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Container events ({@code create}, {@code start}, {@code die}, {@code destroy}) for {@code GET /events}, found
 * by comparing the engine's container list every {@value #POLL_MILLIS} ms while anyone listens: the engine has
 * no event feed, and a poll also sees what other clients of the same state directory do. Events are as late as
 * one poll, and a container that comes and goes within one is not seen.
 */
final class EventFeed implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EventFeed.class);
    static final long POLL_MILLIS = 200;

    private final ContainerEngine engine;
    private final List<Consumer<ObjectNode>> listeners = new CopyOnWriteArrayList<>();
    private final Object lock = new Object();
    private Thread poller;
    private Map<String, Seen> known;
    private volatile boolean closed;

    EventFeed(ContainerEngine engine) {
        this.engine = engine;
    }

    /** Adds a listener; events come on the feed's thread. Returns what removes it. */
    Runnable subscribe(Consumer<ObjectNode> listener) {
        synchronized (lock) {
            if (known == null && !closed) {
                known = snapshot();
            }
            listeners.add(listener);
            if (poller == null && !closed) {
                poller = new Thread(this::poll, "stevedore-serve-events");
                poller.setDaemon(true);
                poller.start();
            }
        }
        return () -> listeners.remove(listener);
    }

    /** What the feed remembers of a container between polls. */
    record Seen(String image, String name, Map<String, String> labels, ContainerState.Status status, int exitCode,
                Instant startedAt, Instant finishedAt) {
    }

    private void poll() {
        while (!closed) {
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            refresh();
        }
    }

    /**
     * Compares the containers with the last look and tells the listeners what changed. The server calls it
     * at once where it knows something happened (before it removes an auto-remove container that exited),
     * so a container that lives shorter than a poll still shows its start and its death.
     */
    void refresh() {
        synchronized (lock) {
            if (listeners.isEmpty()) {
                known = null;
                return;
            }
            Map<String, Seen> now;
            try {
                now = snapshot();
            } catch (RuntimeException e) {
                LOG.debug("listing containers for events failed: {}", e.toString());
                return;
            }
            if (known != null) {
                for (ObjectNode event : changes(known, now)) {
                    listeners.forEach(listener -> listener.accept(event));
                }
            }
            known = now;
        }
    }

    private Map<String, Seen> snapshot() {
        Map<String, Seen> seen = new HashMap<>();
        for (ContainerInfo c : engine.containers(true, Map.of())) {
            seen.put(c.id(), new Seen(c.image(), c.name(), c.labels(), c.state().status(), c.state().exitCode(),
                    c.state().startedAt(), c.state().finishedAt()));
        }
        return seen;
    }

    /** The events that turn {@code before} into {@code after}. */
    static List<ObjectNode> changes(Map<String, Seen> before, Map<String, Seen> after) {
        List<ObjectNode> events = new java.util.ArrayList<>();
        for (Map.Entry<String, Seen> entry : after.entrySet()) {
            String id = entry.getKey();
            Seen now = entry.getValue();
            Seen then = before.get(id);
            if (then == null) {
                events.add(event("create", id, now, Map.of()));
            }
            boolean startedSince = now.startedAt() != null && (then == null || !Objects.equals(then.startedAt(), now.startedAt()));
            if (startedSince) {
                events.add(event("start", id, now, Map.of()));
            }
            boolean endedSince = now.finishedAt() != null && now.status() != ContainerState.Status.RUNNING
                    && (then == null || startedSince || !Objects.equals(then.finishedAt(), now.finishedAt()));
            if (endedSince) {
                events.add(event("die", id, now, Map.of("exitCode", Integer.toString(now.exitCode()))));
            }
        }
        Set<String> gone = new HashSet<>(before.keySet());
        gone.removeAll(after.keySet());
        for (String id : gone) {
            events.add(event("destroy", id, before.get(id), Map.of()));
        }
        return events;
    }

    private static ObjectNode event(String action, String id, Seen container, Map<String, String> extra) {
        Instant now = Instant.now();
        ObjectNode attributes = Json.object();
        container.labels().forEach(attributes::put);
        attributes.put("image", container.image()).put("name", container.name());
        extra.forEach(attributes::put);
        ObjectNode event = Json.object().put("status", action).put("id", id).put("from", container.image())
                .put("Type", "container").put("Action", action);
        event.set("Actor", Json.object().put("ID", id).set("Attributes", attributes));
        return event.put("scope", "local").put("time", now.getEpochSecond())
                .put("timeNano", now.getEpochSecond() * 1_000_000_000L + now.getNano());
    }

    @Override
    public void close() {
        closed = true;
        synchronized (lock) {
            if (poller != null) {
                poller.interrupt();
            }
        }
    }
}
