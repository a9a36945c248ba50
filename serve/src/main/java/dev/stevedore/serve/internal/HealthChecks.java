package dev.stevedore.serve.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stevedore.docker.wire.ContainerCreate;
import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerNotFoundException;
import dev.stevedore.engine.ExecResult;
import dev.stevedore.engine.ExecSpec;
import dev.stevedore.engine.ImageConfig;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * Docker's health checks, run by the server because the engine has none: while a container with a
 * {@code HEALTHCHECK} (its image's, or the create request's {@code Healthcheck}) runs, its test runs as an
 * exec every interval; the status goes from {@code starting} to {@code healthy} on a success and to
 * {@code unhealthy} after {@code retries} failures in a row (failures within the start period do not count).
 * Inspect shows it as {@code State.Health}, which Testcontainers' {@code Wait.forHealthcheck()} polls.
 */
final class HealthChecks implements AutoCloseable {
    private static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(30);
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    private static final int DEFAULT_RETRIES = 3;
    private static final int LOG_ENTRIES = 5;
    private static final int MAX_OUTPUT = 4096;

    private final ContainerEngine engine;
    private final Map<String, ImageConfig.Healthcheck> requested = new ConcurrentHashMap<>();
    private final Map<String, Health> health = new ConcurrentHashMap<>();
    private volatile boolean closed;

    HealthChecks(ContainerEngine engine) {
        this.engine = engine;
    }

    /** The create request's {@code Healthcheck}, or {@code null} when it has none. */
    static ImageConfig.Healthcheck parse(ContainerCreate.Healthcheck healthcheck) {
        if (healthcheck == null || healthcheck.test() == null || healthcheck.test().isEmpty()) {
            return null;
        }
        return new ImageConfig.Healthcheck(healthcheck.test(), nanos(healthcheck.interval()), nanos(healthcheck.timeout()),
                nanos(healthcheck.startPeriod()), healthcheck.retries() == null ? 0 : healthcheck.retries());
    }

    private static Duration nanos(Long value) {
        return Duration.ofNanos(value == null ? 0 : value);
    }

    /** The command a test runs, or {@code null} for none ({@code NONE}, or nothing to run). */
    static List<String> command(ImageConfig.Healthcheck check) {
        if (check == null || check.test().isEmpty()) {
            return null;
        }
        List<String> test = check.test();
        return switch (test.get(0)) {
            case "CMD" -> test.size() > 1 ? test.subList(1, test.size()) : null;
            case "CMD-SHELL" -> test.size() > 1 ? List.of("/bin/sh", "-c", test.get(1)) : null;
            case "NONE" -> null;
            // an image config may hold the shell form without its marker
            default -> List.of("/bin/sh", "-c", String.join(" ", test));
        };
    }

    void request(String id, ImageConfig.Healthcheck check) {
        if (check != null) {
            requested.put(id, check);
        }
    }

    /** The check that applies to a container: the request's, else its image's. */
    ImageConfig.Healthcheck check(String id, ImageConfig image) {
        ImageConfig.Healthcheck mine = requested.get(id);
        return mine != null ? mine : image.healthcheck();
    }

    /** Starts checking a container that was just started, if it has a check. */
    void watch(String id, ImageConfig image) {
        ImageConfig.Healthcheck check = check(id, image);
        List<String> command = command(check);
        if (command == null || closed) {
            return;
        }
        Health h = new Health();
        health.put(id, h);
        Thread thread = new Thread(() -> run(id, check, command, h), "stevedore-serve-health-" + id.substring(0, 12));
        thread.setDaemon(true);
        thread.start();
    }

    private void run(String id, ImageConfig.Healthcheck check, List<String> command, Health h) {
        Duration interval = positive(check.interval(), DEFAULT_INTERVAL);
        Duration timeout = positive(check.timeout(), DEFAULT_TIMEOUT);
        int retries = check.retries() > 0 ? check.retries() : DEFAULT_RETRIES;
        Instant started = Instant.now();
        Instant graceEnd = started.plus(check.startPeriod());
        try {
            while (!closed && health.get(id) == h) {
                if (!pause(id, interval, h)) {
                    return;
                }
                Instant start = Instant.now();
                int exitCode;
                String output;
                try {
                    ExecResult result = engine.exec(id, new ExecSpec(command, List.of(), null, null, null, timeout, null));
                    exitCode = result.timedOut() ? -1 : result.exitCode();
                    output = result.timedOut() ? "Health check exceeded timeout (" + timeout + ")" : result.stdout() + result.stderr();
                } catch (ContainerNotFoundException gone) {
                    return;
                } catch (RuntimeException e) {
                    if (!engine.inspectContainer(id).state().running()) {
                        return;
                    }
                    exitCode = -1;
                    output = String.valueOf(e.getMessage());
                }
                h.record(start, Instant.now(), exitCode, output, retries, start.isBefore(graceEnd));
            }
        } catch (ContainerNotFoundException gone) {
            health.remove(id, h);
        }
    }

    /** Waits one interval while the container runs; false when it stopped or the server closed. */
    private boolean pause(String id, Duration interval, Health h) {
        long end = System.nanoTime() + interval.toNanos();
        while (System.nanoTime() < end) {
            if (closed || health.get(id) != h) {
                return false;
            }
            if (!engine.inspectContainer(id).state().running()) {
                h.stopped();
                return false;
            }
            LockSupport.parkNanos(Math.min(end - System.nanoTime(), 200_000_000L));
        }
        return true;
    }

    private static Duration positive(Duration value, Duration fallback) {
        return value == null || value.isZero() || value.isNegative() ? fallback : value;
    }

    /**
     * {@code State.Health} for a container with a check: its current status, or {@code starting} before the
     * first result; {@code null} for a container without a check.
     */
    ObjectNode document(String id, ImageConfig image, boolean running) {
        if (command(check(id, image)) == null) {
            return null;
        }
        Health h = health.get(id);
        return h != null ? h.document() : Health.idle(running);
    }

    /** The status for {@code docker ps}: {@code healthy}, {@code unhealthy}, {@code starting}; null without a check. */
    String status(String id, ImageConfig image, boolean running) {
        ObjectNode doc = running ? document(id, image, true) : null;
        return doc == null ? null : doc.path("Status").asText();
    }

    void forget(String id) {
        requested.remove(id);
        health.remove(id);
    }

    @Override
    public void close() {
        closed = true;
    }

    /** One container's health: status, failing streak and the last results. */
    private static final class Health {
        private String status = "starting";
        private int failingStreak;
        private final Deque<ObjectNode> log = new ArrayDeque<>();

        static ObjectNode idle(boolean running) {
            ObjectNode doc = Json.object().put("Status", running ? "starting" : "unhealthy").put("FailingStreak", 0);
            doc.set("Log", Json.array());
            return doc;
        }

        synchronized void record(Instant start, Instant end, int exitCode, String output, int retries, boolean inStartPeriod) {
            String text = output.length() > MAX_OUTPUT ? output.substring(0, MAX_OUTPUT) : output;
            log.addLast(Json.object().put("Start", Json.time(start)).put("End", Json.time(end)).put("ExitCode", exitCode)
                    .put("Output", text));
            while (log.size() > LOG_ENTRIES) {
                log.removeFirst();
            }
            if (exitCode == 0) {
                status = "healthy";
                failingStreak = 0;
            } else if (!inStartPeriod) {
                failingStreak++;
                if (failingStreak >= retries) {
                    status = "unhealthy";
                }
            }
        }

        synchronized void stopped() {
            status = "unhealthy";
        }

        synchronized ObjectNode document() {
            ObjectNode doc = Json.object().put("Status", status).put("FailingStreak", failingStreak);
            ArrayNode entries = doc.putArray("Log");
            log.forEach(entries::add);
            return doc;
        }
    }
}
