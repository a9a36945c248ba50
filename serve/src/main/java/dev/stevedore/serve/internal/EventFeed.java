package dev.stevedore.serve.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.EngineEvent;
import dev.stevedore.engine.EventSubscription;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The served engine's events ({@link ContainerEngine#events}) for whatever in the server waits on them: {@code GET
 * /events}, and the waits of {@code POST /containers/{id}/wait} and attach. A {@link Watch} queues the events it
 * wants from the moment it is made, so a waiter that watches first and then looks at the container misses nothing,
 * however short-lived the container. Closing the feed (the server closes) wakes every watch.
 */
final class EventFeed implements AutoCloseable {
    private final ContainerEngine engine;
    private final Set<Watch> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    EventFeed(ContainerEngine engine) {
        this.engine = engine;
    }

    /** Events that {@code wanted} accepts, from now on, until the watch is closed. */
    Watch watch(Predicate<EngineEvent> wanted) {
        Watch watch = new Watch(wanted);
        open.add(watch);
        if (closed) {
            watch.wake();
        }
        return watch;
    }

    /** The events of one container (by its full id). */
    Watch watchContainer(String id) {
        return watch(e -> e.type() == EngineEvent.Type.CONTAINER && e.id().equals(id));
    }

    /** One waiter's events; {@link #wake()} makes its {@link #next} return at once (the client left). */
    final class Watch implements AutoCloseable {
        private static final Object WAKE = new Object();
        private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
        private final EventSubscription subscription;

        private Watch(Predicate<EngineEvent> wanted) {
            subscription = engine.events(event -> {
                if (wanted.test(event)) {
                    queue.add(event);
                }
            });
        }

        /**
         * The next event, waiting up to {@code timeout} ({@code null}: as long as it takes); empty when the time ran
         * out, or the watch was woken or the feed closed.
         */
        Optional<EngineEvent> next(Duration timeout) throws InterruptedException {
            Object next = timeout == null ? queue.take() : queue.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
            return next instanceof EngineEvent event ? Optional.of(event) : Optional.empty();
        }

        void wake() {
            queue.add(WAKE);
        }

        @Override
        public void close() {
            subscription.close();
            open.remove(this);
        }
    }

    /** An event as Docker's {@code /events} writes it. */
    static ObjectNode document(EngineEvent event) {
        String type = event.type().name().toLowerCase(Locale.ROOT);
        String action = event.dockerAction();
        ObjectNode attributes = Json.object();
        // a container's labels are among its attributes; the CLI's bookkeeping label is no client's (see DockerDocuments)
        event.attributes().forEach((key, value) -> {
            if (!key.equals(dev.stevedore.engine.ContainerSpec.KEEP_LABEL)) {
                attributes.put(key, value);
            }
        });
        ObjectNode document = Json.object();
        if (event.type() == EngineEvent.Type.CONTAINER || event.type() == EngineEvent.Type.IMAGE) {
            // the old fields that docker clients before API 1.22 read, still sent by dockerd
            document.put("status", action).put("id", event.id());
            if (event.attributes().containsKey(EngineEvent.IMAGE)) {
                document.put("from", event.attributes().get(EngineEvent.IMAGE));
            }
        }
        document.put("Type", type).put("Action", action);
        document.set("Actor", Json.object().put("ID", event.id()).set("Attributes", attributes));
        long seconds = event.time().getEpochSecond();
        return document.put("scope", "local").put("time", seconds)
                .put("timeNano", seconds * 1_000_000_000L + event.time().getNano());
    }

    @Override
    public void close() {
        closed = true;
        for (Watch watch : open) {
            watch.wake();
        }
    }
}
