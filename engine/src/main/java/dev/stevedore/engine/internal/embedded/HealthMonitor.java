package dev.stevedore.engine.internal.embedded;

import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.ContainerHealth;
import dev.stevedore.engine.ContainerNotFoundException;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.ExecResult;
import dev.stevedore.engine.ExecSpec;
import dev.stevedore.engine.HealthCheck;
import dev.stevedore.engine.ImageConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs the health checks of the containers this JVM started: one daemon thread per checked run, which waits the start
 * interval (while starting within the start period) or the interval, runs the check as an exec (so {@code exec_create},
 * {@code exec_start} and {@code exec_die} are published, as dockerd does for its checks), kills it at its timeout,
 * appends the result to the run's {@link HealthLog} and publishes {@code health_status: healthy|unhealthy} when the
 * status {@link HealthLog#derive derived} from the log changes. One check at a time per container.
 *
 * <p>The checks live as long as this JVM owns the run: once it lets go of a kept container's run ({@code stevedore
 * run -d}: the engine closes, or the JVM dies), the run's native watcher ({@link KeptWatchers}) runs them into the same
 * log (see docs/design.md, "Health checks").
 */
final class HealthMonitor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HealthMonitor.class);

    /** Runs an exec in a running container (the engine's own, with its events). */
    interface Exec {
        ExecResult exec(String id, ExecSpec spec);
    }

    /** Publishes a container's {@code health_status}. */
    interface Publisher {
        void healthStatus(String id, ContainerRecord config, ContainerHealth.Status status);
    }

    private final Exec exec;
    private final Publisher publisher;
    private final Map<String, Runner> runners = new ConcurrentHashMap<>();
    private volatile boolean closed;

    HealthMonitor(Exec exec, Publisher publisher) {
        this.exec = exec;
        this.publisher = publisher;
    }

    /** {@code spec} with the image's HEALTHCHECK as its check when it names none (dockerd merges it into Config too). */
    static ContainerSpec withImageCheck(ContainerSpec spec, ImageConfig image) {
        HealthCheck fromImage = HealthCheck.of(image.healthcheck());
        HealthCheck merged = spec.healthCheck() == null ? fromImage : spec.healthCheck().mergedWith(fromImage);
        return merged == spec.healthCheck() ? spec : spec.toBuilder().healthCheck(merged).build();
    }

    /** The check that runs for a container: none without one, or with {@code NONE}. */
    static HealthCheck check(ContainerRecord config) {
        HealthCheck check = config.spec().healthCheck();
        return check == null || check.disabled() || check.test().isEmpty() ? null : check;
    }

    /** Forgets the results of the container's last run; called before a new one starts. */
    static void reset(Path dir) throws IOException {
        HealthLog.clear(dir);
    }

    /** Starts checking run {@code run} of a container this JVM just started, if it has a check. */
    void started(String id, long run, ContainerRecord config, Instant startedAt, Path dir) {
        HealthCheck check = check(config);
        if (check == null || closed) {
            return;
        }
        Runner runner = new Runner(id, run, config, check, startedAt, dir);
        Runner before = runners.put(id, runner);
        if (before != null) {
            before.stop();
        }
        Thread thread = new Thread(runner, "stevedore-health-" + id.substring(0, 12));
        thread.setDaemon(true);
        thread.start();
    }

    /** The container's run ended: its checks stop. */
    void ended(String id) {
        Runner runner = runners.remove(id);
        if (runner != null) {
            runner.stop();
        }
    }

    @Override
    public void close() {
        closed = true;
        runners.values().forEach(Runner::stop);
        runners.clear();
    }

    private final class Runner implements Runnable {
        private final String id;
        private final long run;
        private final ContainerRecord config;
        private final HealthCheck check;
        private final Instant startedAt;
        private final Path dir;
        private boolean stopped;

        Runner(String id, long run, ContainerRecord config, HealthCheck check, Instant startedAt, Path dir) {
            this.id = id;
            this.run = run;
            this.config = config;
            this.check = check;
            this.startedAt = startedAt;
            this.dir = dir;
        }

        synchronized void stop() {
            stopped = true;
            notifyAll();
        }

        /** Waits {@code pause} unless stopped meanwhile; false once stopped. */
        private synchronized boolean pause(Duration pause) throws InterruptedException {
            long end = System.nanoTime() + pause.toNanos();
            for (long left = pause.toNanos(); !stopped && left > 0; left = end - System.nanoTime()) {
                wait(Math.max(1, left / 1_000_000), 0); // woken by stop(): the end of the run or of the engine
            }
            return !stopped;
        }

        private synchronized boolean stopped() {
            return stopped;
        }

        /**
         * Appends {@code result} unless stopped: under the lock {@link #stop} takes, so once {@code stop} returns this
         * runner writes no more, and a kept run's native runner ({@link KeptWatchers}) can take over the log.
         */
        private synchronized boolean appended(ContainerHealth.Result result) throws IOException {
            if (!stopped) {
                HealthLog.append(dir, result, check.effectiveRetries());
            }
            return !stopped;
        }

        @Override
        public void run() {
            ContainerHealth.Status last = ContainerHealth.Status.STARTING;
            try {
                while (pause(next(last))) {
                    ContainerHealth.Result result = probe();
                    if (result == null || !appended(result)) {
                        return; // the container ended meanwhile (its end, not a failed check), or this JVM let go
                    }
                    ContainerHealth.Status now = HealthLog.derive(check, startedAt, true, HealthLog.read(dir)).status();
                    if (now != last) {
                        last = now;
                        publisher.healthStatus(id, config, now);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException | RuntimeException e) {
                LOG.warn("health checks of container {} stopped: {}", id, e.toString());
            } finally {
                runners.remove(id, this);
            }
        }

        /** As dockerd 25: the start interval while starting within the start period, else the interval. */
        private Duration next(ContainerHealth.Status status) {
            boolean inStartPeriod = Instant.now().isBefore(startedAt.plus(check.startPeriod()));
            return inStartPeriod && status == ContainerHealth.Status.STARTING ? check.effectiveStartInterval()
                    : check.effectiveInterval();
        }

        /** One check; {@code null} when the container no longer runs. */
        private ContainerHealth.Result probe() {
            Duration timeout = check.effectiveTimeout();
            Instant start = Instant.now();
            try {
                ExecResult r = exec.exec(id, new ExecSpec(check.command(), List.of(), null, null, null, timeout, null));
                if (r.timedOut()) {
                    // dockerd's words and code
                    return new ContainerHealth.Result(start, Instant.now(), -1,
                            "Health check exceeded timeout (" + goDuration(timeout) + ")");
                }
                return new ContainerHealth.Result(start, Instant.now(), r.exitCode(), r.stdout() + r.stderr());
            } catch (ContainerNotFoundException gone) {
                return null;
            } catch (ContainerEngineException e) {
                // ContainerService.notRunning's words: it ended before its end reached ended()
                if (stopped() || String.valueOf(e.getMessage()).contains("it is not running")) {
                    return null;
                }
                return new ContainerHealth.Result(start, Instant.now(), -1, String.valueOf(e.getMessage()));
            }
        }
    }

    /** A duration as Go's {@code time.Duration.String()} writes the usual ones: {@code 500ms}, {@code 2s}, {@code 1m30s}. */
    static String goDuration(Duration d) {
        long millis = d.toMillis();
        if (millis < 1000) {
            return millis + "ms";
        }
        long hours = d.toHours();
        long minutes = d.toMinutesPart();
        String seconds = d.toSecondsPart() + (d.toMillisPart() == 0 ? "" : String.format(".%03d", d.toMillisPart())
                .replaceAll("0+$", "")) + "s";
        return hours > 0 ? hours + "h" + minutes + "m" + seconds : minutes > 0 ? minutes + "m" + seconds : seconds;
    }
}
