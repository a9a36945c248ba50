package dev.stevedore.dsl;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerLogs;
import dev.stevedore.engine.LogLine;
import dev.stevedore.engine.LogOptions;
import java.util.function.Consumer;
import java.util.stream.Stream;

/** Feeds a container's log lines, from its start on, to a listener on a daemon thread until closed or the container ends. */
final class LogFollower implements AutoCloseable {
    private final ContainerLogs logs;
    private final Thread thread;
    private volatile boolean closed;

    private LogFollower(ContainerLogs logs, String name, Consumer<LogLine> listener) {
        this.logs = logs;
        this.thread = new Thread(() -> run(listener), "stevedore-logs-" + name);
        this.thread.setDaemon(true);
    }

    static LogFollower start(ContainerEngine engine, String id, String name, Consumer<LogLine> listener) {
        LogFollower follower = new LogFollower(engine.logs(id, LogOptions.all().following()), name, listener);
        follower.thread.start();
        return follower;
    }

    private void run(Consumer<LogLine> listener) {
        try (Stream<LogLine> lines = logs.lines()) {
            lines.takeWhile(line -> !closed).forEach(listener);
        } catch (RuntimeException e) {
            // the stream ends when the container goes or the follower is closed; a listener's failure ends it too
        }
    }

    @Override
    public void close() {
        closed = true;
        logs.close();
    }
}
