package dev.stevedore.engine.internal.embedded;

import dev.stevedore.engine.ContainerHealth;
import dev.stevedore.engine.ContainerHealth.Result;
import dev.stevedore.engine.ContainerHealth.Status;
import dev.stevedore.engine.HealthCheck;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A container's health check results of its current run, in {@code health.log} in its directory, and the one function
 * that turns them into its {@link ContainerHealth} ({@link #derive}), which inspect, {@code ps}, serve and the DSL all
 * read through {@link dev.stevedore.engine.ContainerInfo#health()}.
 *
 * <p>One line per result, {@code <start-epoch-nanos> <end-epoch-nanos> <exit-code> <base64 output>}: the writer (the
 * container's {@link HealthMonitor}) replaces the file atomically, so a reader in another JVM sees whole lines. It
 * keeps the last {@link #KEPT} results (more when {@code retries} asks for more), enough to fold the streak; a new run
 * starts an empty log, as dockerd resets the health at each start.
 */
final class HealthLog {
    static final String FILE = "health.log";
    /** Results kept on disk: more than dockerd shows, so the fold sees the streak and the success before it. */
    static final int KEPT = 64;

    private HealthLog() {
    }

    /** The results in {@code dir}'s log, oldest first; none when there is no log. */
    static List<Result> read(Path dir) {
        List<String> lines;
        try {
            lines = Files.readAllLines(dir.resolve(FILE), StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            return List.of(); // removed meanwhile: a container being removed has no health to show
        }
        List<Result> results = new ArrayList<>();
        for (String line : lines) {
            String[] f = line.split(" ", -1);
            if (f.length == 4) {
                results.add(new Result(instant(Long.parseLong(f[0])), instant(Long.parseLong(f[1])),
                        Integer.parseInt(f[2]), new String(Base64.getDecoder().decode(f[3]), StandardCharsets.UTF_8)));
            }
        }
        return results;
    }

    /** Appends {@code result}, keeping the last {@link #KEPT} (or {@code retries + 1}) results. */
    static void append(Path dir, Result result, int retries) throws IOException {
        List<String> lines = new ArrayList<>();
        try {
            lines.addAll(Files.readAllLines(dir.resolve(FILE), StandardCharsets.US_ASCII));
        } catch (NoSuchFileException e) {
            // the run's first result
        }
        lines.add(nanos(result.start()) + " " + nanos(result.end()) + " " + result.exitCode() + " "
                + Base64.getEncoder().encodeToString(truncate(result.output()).getBytes(StandardCharsets.UTF_8)));
        int keep = Math.max(KEPT, retries + 1);
        List<String> kept = lines.subList(Math.max(0, lines.size() - keep), lines.size());
        Path tmp = dir.resolve("." + FILE + ".tmp");
        Files.write(tmp, kept, StandardCharsets.US_ASCII);
        Files.move(tmp, dir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Forgets the results of an earlier run. */
    static void clear(Path dir) throws IOException {
        Files.deleteIfExists(dir.resolve(FILE));
    }

    /**
     * The health that {@code results} of a run started at {@code startedAt} give, by dockerd's rules: a success makes
     * the container healthy and ends the streak; a failure while it is still {@code starting} within the start period is
     * logged but not counted; any other failure adds to the streak, and {@code retries} in a row make it unhealthy. A
     * container that no longer runs is unhealthy, its streak and log as they were (as dockerd 20.10 shows it).
     */
    static ContainerHealth derive(HealthCheck check, Instant startedAt, boolean running, List<Result> results) {
        Status status = Status.STARTING;
        int streak = 0;
        Instant startPeriodEnd = startedAt == null ? Instant.MIN : startedAt.plus(check.startPeriod());
        int retries = check.effectiveRetries();
        for (Result r : results) {
            if (r.exitCode() == 0) {
                status = Status.HEALTHY;
                streak = 0;
            } else if (!(status == Status.STARTING && r.start().isBefore(startPeriodEnd))) {
                streak++;
                if (streak >= retries) {
                    status = Status.UNHEALTHY;
                }
            }
        }
        if (!running) {
            status = Status.UNHEALTHY;
        }
        List<Result> shown = results.subList(Math.max(0, results.size() - ContainerHealth.LOG_ENTRIES), results.size());
        return new ContainerHealth(status, streak, shown);
    }

    /** At most {@link ContainerHealth#MAX_OUTPUT} bytes of {@code output}, cut on a character boundary. */
    static String truncate(String output) {
        byte[] bytes = output.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= ContainerHealth.MAX_OUTPUT) {
            return output;
        }
        int end = ContainerHealth.MAX_OUTPUT;
        while (end > 0 && (bytes[end] & 0xC0) == 0x80) {
            end--; // not inside a UTF-8 sequence
        }
        return new String(bytes, 0, end, StandardCharsets.UTF_8);
    }

    private static long nanos(Instant t) {
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    private static Instant instant(long nanos) {
        return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
    }
}
