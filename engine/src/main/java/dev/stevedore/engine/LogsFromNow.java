package dev.stevedore.engine;

import java.time.Instant;
import java.util.stream.Stream;

/**
 * The default {@link ContainerEngine#attach} (the embedded and Docker engines have their own): the log followed from the
 * attach's instant (all of it for a container never started), opened when the lines are asked for, so that an attach
 * taken before the start follows the run it starts (a follow opened on a container that does not run yet would end).
 */
final class LogsFromNow implements ContainerLogs {
    private final ContainerEngine engine;
    private final String container;
    /** Where this attach's output starts, or null for all of it. */
    private final Instant from;
    private final boolean keepsNothing;
    private ContainerLogs opened;
    private boolean closed;

    LogsFromNow(ContainerEngine engine, String container) {
        Instant now = Instant.now();
        ContainerInfo info = engine.inspectContainer(container);
        this.engine = engine;
        this.container = container;
        this.from = info.state().status() == ContainerState.Status.CREATED ? null : now;
        this.keepsNothing = info.spec().logConfig().keepsNothing();
    }

    @Override
    public Stream<LogLine> lines() {
        ContainerLogs logs;
        synchronized (this) {
            if (opened != null) {
                throw new IllegalStateException("the output of container " + container + " was already consumed");
            }
            if (closed || keepsNothing) {
                opened = EMPTY;
                return Stream.empty();
            }
            logs = engine.logs(container, from == null ? LogOptions.all().following() : LogOptions.all().following().withSince(from));
            opened = logs;
        }
        return logs.lines().onClose(logs::close);
    }

    @Override
    public void close() {
        ContainerLogs logs;
        synchronized (this) {
            closed = true;
            logs = opened;
        }
        if (logs != null) {
            logs.close();
        }
    }

    private static final ContainerLogs EMPTY = new ContainerLogs() {
        @Override
        public Stream<LogLine> lines() {
            return Stream.empty();
        }

        @Override
        public void close() {
        }
    };
}
