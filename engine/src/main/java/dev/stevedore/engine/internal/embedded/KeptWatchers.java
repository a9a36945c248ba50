package dev.stevedore.engine.internal.embedded;

import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.EngineEvent;
import dev.stevedore.engine.HealthCheck;
import dev.stevedore.engine.internal.json.RecordJson;
import dev.stevedore.engine.internal.runtime.ProcessIdentity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The native watchers of kept containers' runs ({@link ContainerSpec#KEEP_LABEL}, {@code stevedore run -d}): each
 * start of a kept container writes into its directory what its watcher needs ({@value #EVENTS}: where and how to
 * journal the container's events; for a checked one {@value #CHECK}, the check's timings, and {@value #EXEC}, the spec
 * the engine's exec sends {@code launcher exec} for the check) and starts {@code launcher kept DIR PID START}
 * (kept.c) with a pipe from this JVM as its stdin. While the pipe is open this JVM owns the run: its
 * {@link HealthMonitor} checks, its engine reports the end. When this JVM lets go ({@link #letGo}: the run's checks
 * stopped first, so exactly one runner writes the log) or dies, the pipe ends and the watcher takes over: it runs the
 * checks on dockerd's timer into the same {@link HealthLog}, journals {@code health_status} changes and the run's
 * {@code die} (nobody else is left to), and ends with the run. A JVM adopts a kept container again only by starting it
 * (a user's start, a restart by policy): the new run gets a new watcher, the old one having ended with its run.
 */
final class KeptWatchers implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KeptWatchers.class);
    static final String CHECK = "health.check";
    static final String EXEC = "health.exec";
    static final String EVENTS = "kept.events";

    /** The spec of a check's exec, as the engine's exec would send it. */
    interface ExecSpecs {
        byte[] spec(String id, ContainerRecord config, StateRecord state, List<String> command) throws IOException;
    }

    private final Path eventsDirectory;
    private final ContainerStore store;
    private final Supplier<Path> launcher;
    private final ExecSpecs specs;
    /** The pipe to each watcher of a run this JVM owns, by container id. */
    private final Map<String, OutputStream> lifelines = new ConcurrentHashMap<>();

    KeptWatchers(Path eventsDirectory, ContainerStore store, Supplier<Path> launcher, ExecSpecs specs) {
        this.eventsDirectory = eventsDirectory;
        this.store = store;
        this.launcher = launcher;
        this.specs = specs;
    }

    static boolean kept(ContainerRecord config) {
        return "true".equals(config.spec().labels().get(ContainerSpec.KEEP_LABEL));
    }

    /** Run {@code state.run()} of a kept container has started (its lock held): its watcher starts, owned by this JVM. */
    void started(String id, ContainerRecord config, StateRecord state) {
        Path dir = store.directory(id);
        try {
            ProcessIdentity supervisor = dev.stevedore.engine.internal.runtime.OrphanReaper.supervisor(dir).orElse(null);
            if (supervisor == null) {
                return; // ended already: its end was recorded as it happened
            }
            Map<String, String> attributes = new HashMap<>(config.labels());
            attributes.put(EngineEvent.NAME, config.name());
            attributes.put(EngineEvent.IMAGE, config.image());
            write(dir, EVENTS, (eventsDirectory.toAbsolutePath() + "\n" + id + "\n" + new String(RecordJson.write(attributes), StandardCharsets.UTF_8)
                    + "\n").getBytes(StandardCharsets.UTF_8));
            HealthCheck check = HealthMonitor.check(config);
            if (check != null) {
                write(dir, EXEC, specs.spec(id, config, state, check.command()));
                write(dir, CHECK, timings(check, Instant.parse(state.startedAt())).getBytes(StandardCharsets.US_ASCII));
            } else {
                Files.deleteIfExists(dir.resolve(CHECK));
                Files.deleteIfExists(dir.resolve(EXEC));
            }
            Path binary = launcher.get();
            Process watcher = new ProcessBuilder(binary.toString(), "kept", dir.toString(), Long.toString(supervisor.pid()), Long.toString(supervisor.startTime()))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.appendTo(new File(dir.resolve("launcher.log").toString())))
                    .start();
            OutputStream before = lifelines.put(id, watcher.getOutputStream());
            close(before);
        } catch (IOException | RuntimeException e) {
            // the container runs; only its checks and events once this JVM lets go are lost
            LOG.warn("cannot start the watcher of kept container {} (its health checks and events once no JVM owns it): {}",
                    id, e.toString());
        }
    }

    /**
     * {@code INTERVAL TIMEOUT START-PERIOD START-INTERVAL RETRIES STARTED} in nanoseconds (Docker's defaults applied),
     * then dockerd's words for a check that exceeded its timeout.
     */
    static String timings(HealthCheck check, Instant startedAt) {
        return nanos(check.effectiveInterval()) + " " + nanos(check.effectiveTimeout()) + " " + nanos(check.startPeriod())
                + " " + nanos(check.effectiveStartInterval()) + " " + check.effectiveRetries() + " "
                + (startedAt.getEpochSecond() * 1_000_000_000L + startedAt.getNano()) + "\n"
                + "Health check exceeded timeout (" + HealthMonitor.goDuration(check.effectiveTimeout()) + ")\n";
    }

    private static long nanos(Duration d) {
        return d.toNanos();
    }

    /**
     * This JVM lets go of the container's run (its checks stopped already) or saw it end: the watcher takes over, or
     * ends with the run.
     */
    void letGo(String id) {
        close(lifelines.remove(id));
    }

    /** Lets go of every run (call after the health monitor has stopped its checks). */
    @Override
    public void close() {
        for (String id : List.copyOf(lifelines.keySet())) {
            letGo(id);
        }
    }

    private static void close(OutputStream lifeline) {
        if (lifeline != null) {
            try {
                lifeline.close();
            } catch (IOException e) {
                // the watcher sees the pipe's end either way
            }
        }
    }

    private static void write(Path dir, String name, byte[] content) throws IOException {
        Path temp = dir.resolve("." + name + ".tmp");
        Files.deleteIfExists(temp);
        // owner-only: a check's exec spec holds the container's environment
        Files.write(Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))),
                content);
        Files.move(temp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
