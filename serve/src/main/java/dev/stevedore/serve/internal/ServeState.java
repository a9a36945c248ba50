package dev.stevedore.serve.internal;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerNotFoundException;
import dev.stevedore.engine.ContainerState;
import dev.stevedore.engine.ImageConfig;
import dev.stevedore.engine.ImageReference;
import dev.stevedore.engine.InvalidImageReferenceException;
import dev.stevedore.engine.PortBinding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the server knows beyond the engine: exec instances (the engine runs an exec in one call, Docker
 * creates, starts and inspects it in three), the removing of containers when they exit (Docker's
 * {@code AutoRemove}, done here so an attached client reads all the output before the container goes; which
 * containers, {@link CreateEcho} keeps with each), the
 * attached streams per container, and the image configurations it has looked up.
 */
final class ServeState implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ServeState.class);
    private static final int MAX_EXECS = 1024;
    private static final int MAX_REMOVED = 256;
    /** How long an auto-removed container waits for its attached readers before it goes anyway. */
    private static final Duration ATTACH_GRACE = Duration.ofSeconds(10);

    final ContainerEngine engine;
    final Instant started = Instant.now();
    private final Map<String, ExecInstance> execs = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, ExecInstance> eldest) {
            return size() > MAX_EXECS;
        }
    });
    private final Set<String> reaping = ConcurrentHashMap.newKeySet();
    private final Map<String, ContainerState> removed = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, ContainerState> eldest) {
            return size() > MAX_REMOVED;
        }
    });
    private final Map<String, AtomicInteger> attached = new ConcurrentHashMap<>();
    private final Map<String, ImageConfig> imageConfigs = new ConcurrentHashMap<>();
    private final EventFeed events;
    private volatile boolean closed;

    private final String defaultHostIp;

    /**
     * @param defaultHostIp where published ports bind when a client names no address, or {@code null} for loopback
     */
    ServeState(ContainerEngine engine, String defaultHostIp) {
        this.engine = engine;
        this.defaultHostIp = defaultHostIp;
        this.events = new EventFeed(engine);
        recoverAutoRemove();
    }

    /** Where published ports bind when a client names no address; {@code null} for the engine's loopback. */
    String defaultHostIp() {
        return defaultHostIp;
    }

    /** The address a port binding asked without {@code HostIp} listens on (the engine fills in its loopback). */
    String blankHostIp() {
        return new PortBinding(1, "tcp", defaultHostIp, 0).hostIp();
    }

    EventFeed events() {
        return events;
    }

    boolean closed() {
        return closed;
    }

    // ---- execs ----------------------------------------------------------------------------------

    void addExec(ExecInstance exec) {
        execs.put(exec.id(), exec);
    }

    ExecInstance exec(String id) {
        ExecInstance exec = execs.get(id);
        if (exec == null) {
            throw ApiException.notFound("No such exec instance: " + id);
        }
        return exec;
    }

    // ---- auto-remove ----------------------------------------------------------------------------

    /**
     * After a restart on the same state: the auto-remove containers that ended meanwhile go, as dockerd removes them
     * when it starts again, and those still running are removed when they exit.
     */
    private void recoverAutoRemove() {
        try {
            for (ContainerInfo c : engine.containers(true, Map.of())) {
                ContainerState.Status status = c.state().status();
                if (!CreateEcho.autoRemove(c) || status == ContainerState.Status.CREATED) {
                    continue;
                }
                if (status == ContainerState.Status.EXITED || status == ContainerState.Status.DEAD) {
                    engine.removeContainer(c.id(), true);
                } else {
                    reapWhenExited(c);
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("removing the auto-remove containers that ended while the server was down failed: {}", e.toString());
        }
    }

    /** The state an auto-removed container ended in, once the server removed it. */
    Optional<ContainerState> removedState(String id) {
        return Optional.ofNullable(removed.get(id));
    }

    /** Starts removing an auto-remove container once it exits (after its attached readers are done). */
    void reapWhenExited(ContainerInfo c) {
        String id = c.id();
        if (!CreateEcho.autoRemove(c) || !reaping.add(id)) {
            return;
        }
        Thread reaper = new Thread(() -> reap(id), "stevedore-serve-autoremove-" + id.substring(0, 12));
        reaper.setDaemon(true);
        reaper.start();
    }

    private void reap(String id) {
        try {
            ContainerState state;
            do {
                state = engine.waitContainer(id, Duration.ofSeconds(5));
            } while (state.running() && !closed);
            if (closed) {
                return;
            }
            awaitDetached(id);
            removed.put(id, state);
            engine.removeContainer(id, true);
        } catch (ContainerNotFoundException gone) {
            // removed by a client meanwhile
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warn("removing the auto-remove container {} after it exited failed: {}", id, e.toString());
        } finally {
            reaping.remove(id);
        }
    }

    // ---- attached streams -----------------------------------------------------------------------

    void attach(String id) {
        attached.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
    }

    void detach(String id) {
        AtomicInteger count = attached.get(id);
        if (count != null && count.decrementAndGet() <= 0) {
            attached.remove(id, count);
        }
        synchronized (attached) {
            attached.notifyAll();
        }
    }

    /** Waits (woken by each detach) until no stream is attached to the container, at most {@link #ATTACH_GRACE}. */
    private void awaitDetached(String id) throws InterruptedException {
        long deadline = System.nanoTime() + ATTACH_GRACE.toNanos();
        synchronized (attached) {
            for (long left = deadline - System.nanoTime(); attachedCount(id) > 0 && left > 0 && !closed;
                 left = deadline - System.nanoTime()) {
                attached.wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    private int attachedCount(String id) {
        AtomicInteger count = attached.get(id);
        return count == null ? 0 : count.get();
    }

    // ---- images ---------------------------------------------------------------------------------

    /** The configuration of the image a container was made from; empty when the image is gone. */
    ImageConfig imageConfig(ContainerInfo container) {
        ImageConfig known = imageConfigs.get(container.imageId());
        if (known != null) {
            return known;
        }
        ImageConfig config = null;
        try {
            config = engine.image(ImageReference.parse(container.image())).filter(i -> i.id().equals(container.imageId()))
                    .map(i -> i.config()).orElse(null);
        } catch (InvalidImageReferenceException e) {
            // made from an image named by its id: looked up by the id below
        }
        if (config == null) {
            config = engine.images().stream().filter(i -> i.id().equals(container.imageId())).findFirst()
                    .map(i -> i.config()).orElse(ImageConfig.empty());
        }
        imageConfigs.put(container.imageId(), config);
        return config;
    }

    @Override
    public void close() {
        closed = true;
        synchronized (attached) {
            attached.notifyAll();
        }
        events.close();
    }
}
