package dev.stevedore.cli;

import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerLogs;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.ContainerState;
import dev.stevedore.engine.ContainerState.Status;
import dev.stevedore.engine.Image;
import dev.stevedore.engine.LogLine;
import dev.stevedore.engine.LogOptions;
import dev.stevedore.engine.PortBinding;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * One container of {@link InMemoryEngine}. Mutated only under the engine's lock, which is also the monitor
 * that following log streams and waiters wait on.
 */
final class FakeContainer {
    final String id;
    final String name;
    final ContainerSpec spec;
    final Image image;
    final Instant created;
    ContainerState state;
    List<PortBinding> ports;
    final List<LogLine> log = new ArrayList<>();

    FakeContainer(String id, String name, ContainerSpec spec, Image image, Instant created) {
        this.id = id;
        this.name = name;
        this.spec = spec;
        this.image = image;
        this.created = created;
        this.state = new ContainerState(Status.CREATED, 0, 0, 0, false, "", null, null);
        this.ports = spec.ports();
    }

    /**
     * What a started container does: writes {@code output}, then exits with {@code exitCode} or (when it is
     * {@code null}) runs until stopped; or fails to start with {@code startFailure} as the message.
     */
    record Program(List<LogLine> output, Integer exitCode, String startFailure) {
        static Program running() {
            return new Program(List.of(), null, null);
        }

        static Program exiting(int exitCode, String... stdout) {
            List<LogLine> lines = new ArrayList<>();
            for (String text : stdout) {
                lines.add(new LogLine(LogLine.Stream.STDOUT, CliRunner.NOW, text));
            }
            return new Program(lines, exitCode, null);
        }

        static Program failing(String message) {
            return new Program(List.of(), null, message);
        }
    }

    /** {@code KILL}, {@code SIGKILL} or {@code 9} as a number; the few signals tests use. */
    static int signalNumber(String signal) {
        String name = signal.toUpperCase(java.util.Locale.ROOT);
        name = name.startsWith("SIG") ? name.substring(3) : name;
        return switch (name) {
            case "HUP" -> 1;
            case "INT" -> 2;
            case "QUIT" -> 3;
            case "KILL" -> 9;
            case "USR1" -> 10;
            case "TERM" -> 15;
            default -> {
                try {
                    yield Integer.parseInt(name);
                } catch (NumberFormatException e) {
                    throw new dev.stevedore.engine.ContainerEngineException("invalid signal: " + signal);
                }
            }
        };
    }

    /** Its health, as a test sets it; {@code null} for none. */
    dev.stevedore.engine.ContainerHealth health;

    void start(Instant now, List<PortBinding> bound) {
        ports = List.copyOf(bound);
        state = new ContainerState(Status.RUNNING, 4242, 0, 0, false, "", now, null);
    }

    void failStart(String message) {
        state = new ContainerState(Status.CREATED, 0, 0, 0, false, message, null, null);
    }

    void exit(int exitCode, Instant now) {
        int signal = exitCode > 128 ? exitCode - 128 : 0;
        state = new ContainerState(Status.EXITED, 0, exitCode, signal, false, "", state.startedAt(), now);
    }

    void log(LogLine.Stream stream, String text, Instant now) {
        if (!state.running()) {
            throw new IllegalStateException("container " + name + " is not running and cannot write");
        }
        log.add(new LogLine(stream, now, text));
    }

    ContainerInfo info() {
        List<String> command = new ArrayList<>();
        if (spec.entrypoint() != null) {
            command.addAll(spec.entrypoint());
            command.addAll(spec.cmd() == null ? List.of() : spec.cmd());
        } else {
            command.addAll(image.config().entrypoint());
            command.addAll(spec.cmd() != null ? spec.cmd() : image.config().cmd());
        }
        List<String> env = new ArrayList<>(image.config().env());
        env.addAll(spec.env());
        String network = spec.networkMode() == null ? "default" : spec.networkMode();
        return new ContainerInfo(id, name, spec.image(), image.id(), created, state, command, env, spec.labels(), ports,
                Map.of(network, ""), spec, Map.of(), 0, null, Map.of(network, spec.networkAliases()), health);
    }

    /** The log as {@code options} selects it; a following stream waits on {@code lock} for lines and the exit. */
    ContainerLogs logs(LogOptions options, Object lock) {
        List<LogLine> selected = log.stream().filter(line -> selects(options, line)).toList();
        int first = options.tail() >= 0 ? Math.max(0, selected.size() - options.tail()) : 0;
        Follower follower = new Follower(options, lock, selected.subList(first, selected.size()));
        return new ContainerLogs() {
            @Override
            public Stream<LogLine> lines() {
                return StreamSupport.stream(Spliterators.spliteratorUnknownSize(follower, Spliterator.ORDERED), false);
            }

            @Override
            public void close() {
                synchronized (lock) {
                    follower.closed = true;
                    lock.notifyAll();
                }
            }
        };
    }

    private static boolean selects(LogOptions options, LogLine line) {
        boolean stream = line.stream() == LogLine.Stream.STDOUT ? options.stdout() : options.stderr();
        return stream && (options.since() == null || !line.time().isBefore(options.since()));
    }

    private final class Follower implements Iterator<LogLine> {
        private final LogOptions options;
        private final Object lock;
        private final List<LogLine> history;
        private int next;
        private int logged;
        boolean closed;

        Follower(LogOptions options, Object lock, List<LogLine> history) {
            this.options = options;
            this.lock = lock;
            this.history = history;
            this.logged = log.size();
        }

        @Override
        public boolean hasNext() {
            if (next < history.size()) {
                return true;
            }
            if (!options.follow()) {
                return false;
            }
            synchronized (lock) {
                while (!closed) {
                    while (logged < log.size()) {
                        LogLine line = log.get(logged);
                        if (selects(options, line)) {
                            return true;
                        }
                        logged++;
                    }
                    if (!state.running()) {
                        return false;
                    }
                    try {
                        lock.wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return false;
                    }
                }
                return false;
            }
        }

        @Override
        public LogLine next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            if (next < history.size()) {
                return history.get(next++);
            }
            synchronized (lock) {
                return log.get(logged++);
            }
        }
    }
}
