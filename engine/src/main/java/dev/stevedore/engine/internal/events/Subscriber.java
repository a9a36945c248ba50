package dev.stevedore.engine.internal.events;

import dev.stevedore.engine.EngineEvent;
import dev.stevedore.engine.EventSubscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * One subscription's delivery: events are queued by whoever publishes them (never blocking the publisher, which may
 * be a container's exit callback) and handed to the listener one at a time, in order, on a thread of the
 * subscription's own. After {@link #close()} returns the listener is not called again.
 */
public final class Subscriber implements EventSubscription {
    private static final Logger LOG = LoggerFactory.getLogger(Subscriber.class);
    private static final AtomicInteger THREADS = new AtomicInteger();
    private static final EngineEvent END = new EngineEvent(EngineEvent.Type.CONTAINER, EngineEvent.Action.DIE, "",
            null, java.time.Instant.EPOCH);

    private final Consumer<EngineEvent> listener;
    private final LinkedBlockingQueue<EngineEvent> queue = new LinkedBlockingQueue<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Runnable onClose;
    private final Thread thread;
    /** Held while the listener runs: close waits on it, so no call starts or goes on after close returns. */
    private final Object delivering = new Object();

    /**
     * @param onClose run once when the subscription closes (the publisher forgets it, a stream is closed)
     */
    public Subscriber(Consumer<EngineEvent> listener, Runnable onClose) {
        this.listener = java.util.Objects.requireNonNull(listener, "listener");
        this.onClose = onClose;
        this.thread = new Thread(this::deliver, "stevedore-events-" + THREADS.incrementAndGet());
        thread.setDaemon(true);
        thread.start();
    }

    /** Queues {@code event} for the listener; ignored once closed. */
    public void offer(EngineEvent event) {
        if (!closed.get()) {
            queue.add(event);
        }
    }

    public boolean isClosed() {
        return closed.get();
    }

    private void deliver() {
        try {
            for (;;) {
                EngineEvent event = queue.take();
                if (event == END) {
                    return;
                }
                synchronized (delivering) {
                    if (closed.get()) {
                        return;
                    }
                    try {
                        listener.accept(event);
                    } catch (RuntimeException e) {
                        LOG.warn("an engine event listener failed on {} {} {}: {}", event.type(), event.action(),
                                event.id(), e.toString());
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        queue.add(END);
        if (Thread.currentThread() != thread) {
            synchronized (delivering) {
                // a listener call under way has ended; none starts after this
            }
        }
        if (onClose != null) {
            onClose.run();
        }
    }
}
