package dev.stevedore.cli;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerLogs;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.LogLine;
import dev.stevedore.engine.LogOptions;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code stevedore logs}: a container's output, stdout to stdout and stderr to stderr, as Docker shows it. */
@Command(name = "logs", description = "Show a container's output.")
final class LogsCommand extends EngineCommand {
    /** RFC 3339 with nine fraction digits, as {@code docker logs -t} stamps lines. */
    static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSSSSXXX")
            .withZone(ZoneOffset.UTC);

    @Mixin
    HelpOption help;

    @Option(names = {"-f", "--follow"}, description = "Keep printing new output until the container exits.")
    boolean follow;

    @Option(names = {"-n", "--tail"}, paramLabel = "N", description = "Only the last N lines (default: all).")
    String tail = "all";

    @Option(names = "--since", paramLabel = "WHEN",
            description = "Only output since a time: a duration ago (10m, 1h30m) or a timestamp (2025-06-01T12:00:00Z, unix seconds).")
    String since;

    @Option(names = {"-t", "--timestamps"}, description = "Prefix each line with the time it was written.")
    boolean timestamps;

    @Parameters(paramLabel = "CONTAINER", description = "Container name, ID or unique ID prefix.")
    String container;

    private LogOptions options;

    @Override
    void validate() {
        options = LogOptions.all();
        if (follow) {
            options = options.following();
        }
        if (!tail.equals("all")) {
            try {
                int lines = Integer.parseInt(tail);
                options = options.withTail(lines < 0 ? -1 : lines);
            } catch (NumberFormatException e) {
                throw usageError("--tail must be a number of lines or all, not '" + tail + "'");
            }
        }
        if (since != null) {
            options = options.withSince(instant(since, root().clock().instant()));
        }
    }

    /** {@code text} as Docker's {@code --since} reads it ({@link Durations#instant}). */
    Instant instant(String text, Instant now) {
        try {
            return Durations.instant(text, now);
        } catch (IllegalArgumentException e) {
            throw usageError("--since " + e.getMessage());
        }
    }

    @Override
    int run(ContainerEngine engine) {
        ContainerSpec spec = engine.inspectContainer(container).spec();
        boolean terminal = spec != null && spec.tty();
        try (ContainerLogs logs = engine.logs(container, options)) {
            if (terminal && !timestamps) {
                copyRaw(logs, outBytes()); // a terminal's stream as it was shown, as docker logs gives it
            } else {
                copy(logs, outBytes(), errBytes(), timestamps, follow);
            }
        }
        return 0;
    }

    /** A terminal's log (a container with a tty): its chunks as they came, nothing added, each passed on at once. */
    static void copyRaw(ContainerLogs logs, ByteOutput out) {
        logs.lines().forEach(chunk -> {
            out.write("", chunk);
            out.flush();
        });
    }

    /**
     * Writes each line to {@code out} or {@code err}, by the stream it came from, its bytes as the container wrote them
     * (an unterminated last line stays so, as {@code docker logs} prints it); with {@code timestamps} each after its
     * time, as dockerd puts it before each log message. Flushes after each line when someone is watching them arrive
     * ({@code live}), else only at the end.
     */
    static void copy(ContainerLogs logs, ByteOutput out, ByteOutput err, boolean timestamps, boolean live) {
        logs.lines().forEach(line -> {
            ByteOutput target = line.stream() == LogLine.Stream.STDOUT ? out : err;
            target.write(timestamps ? TIMESTAMP.format(line.time()) + " " : "", line);
            if (live) {
                target.flush();
            }
        });
        out.flush();
        err.flush();
    }
}
