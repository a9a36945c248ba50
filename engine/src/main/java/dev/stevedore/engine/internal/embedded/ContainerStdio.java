package dev.stevedore.engine.internal.embedded;

import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.ContainerLogs;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.EngineEvent;
import dev.stevedore.engine.LogConfig;
import dev.stevedore.engine.LogOptions;
import dev.stevedore.engine.internal.runtime.LogRotation;
import dev.stevedore.engine.internal.runtime.RuntimeSpec;

import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

/**
 * A container's standard streams in the embedded engine: its logs, the output an attach follows, its stdin and its
 * terminal's size, on the files and runs {@link ContainerService} keeps.
 *
 * <p>The supervisor writes a container's output to {@code stdout.log}/{@code stderr.log} in its directory (timestamped
 * records, {@link ContainerLogStream}), which both {@link #logs} and {@link #attach} read. A container whose log driver
 * keeps nothing ({@code none}) has no logs to read back, as in dockerd, but an attach still shows its output (dockerd's
 * attach stream does not pass through the log driver): its output goes to {@code attach-stdout.log}/{@code
 * attach-stderr.log} instead, which only an attach reads and the supervisor rotates at {@link #ATTACH_ROTATION}, so
 * they stay bounded however much it writes.
 */
final class ContainerStdio {
    /** What a {@code none} container keeps for its attaches: 1 MiB per file, 2 files per stream. */
    static final LogRotation ATTACH_ROTATION = new LogRotation(1L << 20, 2);

    private final ContainerStore store;
    private final ContainerControls.Lookup containers;
    private final ContainerControls controls;

    ContainerStdio(ContainerStore store, ContainerControls.Lookup containers, ContainerControls controls) {
        this.store = store;
        this.containers = containers;
        this.controls = controls;
    }

    /** Where the supervisor writes the output of a container with this configuration, as its spec's log files. */
    static void outputFiles(RuntimeSpec.Builder builder, Path dir, ContainerSpec spec) {
        if (spec.logConfig().keepsNothing()) {
            builder.logs(dir.resolve("attach-stdout.log"), dir.resolve("attach-stderr.log")).logRotation(ATTACH_ROTATION);
        } else {
            builder.logRotation(LogRotation.of(spec.logConfig()).orElse(null));
        }
    }

    ContainerLogs logs(String reference, LogOptions options) {
        String id = store.resolve(reference);
        ContainerSpec spec = containers.config(id).spec();
        if (spec.logConfig().keepsNothing()) {
            throw new ContainerEngineException(LogConfig.NOT_READABLE + ": container " + reference + " logs to "
                    + spec.logConfig().type() + ", which keeps nothing");
        }
        return follow(id, spec, "", options);
    }

    /**
     * Its output from now (all of it for a container never started) until it exits, whatever its log driver, as
     * {@code docker attach} takes it; records the attach. Taken before a start it follows the run that start begins: a
     * {@link ContainerLogStream} asks whether the container runs only once its lines are read.
     */
    ContainerLogs attach(String reference) {
        Instant now = Instant.now();
        String id = store.resolve(reference);
        ContainerSpec spec = containers.config(id).spec();
        boolean created = containers.state(id).status().equals(StateRecord.CREATED);
        recordAttach(id);
        LogOptions following = LogOptions.all().following();
        return follow(id, spec, spec.logConfig().keepsNothing() ? "attach-" : "", created ? following : following.withSince(now));
    }

    /** dockerd's attach event. */
    void recordAttach(String reference) {
        controls.announce(reference, EngineEvent.Action.ATTACH, Map.of());
    }

    /** The output files named {@code <prefix>stdout.log} and {@code <prefix>stderr.log}, read as {@code options} says. */
    private ContainerLogs follow(String id, ContainerSpec spec, String prefix, LogOptions options) {
        Path dir = store.directory(id);
        return new ContainerLogStream(dir.resolve(prefix + "stdout.log"), dir.resolve(prefix + "stderr.log"), spec.tty(),
                options, () -> {
                    try {
                        return containers.state(id).running();
                    } catch (ContainerEngineException e) {
                        return false; // removed while followed
                    }
                });
    }

    /**
     * The stdin of a container this JVM started with an open stdin, or of a kept one that shares it (ForeignRun);
     * another JVM's container is refused otherwise: its supervisor's command pipe belongs to the JVM that started it.
     */
    OutputStream attachStdin(String reference) {
        String id = store.resolve(reference);
        ContainerRecord config = containers.config(id);
        if (!config.spec().openStdin()) {
            throw new ContainerEngineException("cannot attach to the stdin of container " + config.name() + " ("
                    + id.substring(0, 12) + "): it was created without an open stdin — create it with openStdin(true) "
                    + "(docker run -i, stevedore run -i)");
        }
        StateRecord state = containers.state(id);
        if (!state.running()) {
            throw ContainerService.notRunning("attach to the stdin of", config, state);
        }
        return containers.reach(id).stdin(config);
    }

    /** Sets the window size of the terminal of a container this JVM started with a tty, and records the resize. */
    void resize(String reference, int rows, int columns) {
        dev.stevedore.engine.Tty.of(rows, columns); // refuses a size no terminal has
        String id = store.resolve(reference);
        ContainerRecord config = containers.config(id);
        if (!config.spec().tty()) {
            throw new ContainerEngineException("cannot resize the terminal of container " + config.name() + " ("
                    + id.substring(0, 12) + "): it was created without a tty — create it with tty(true) "
                    + "(docker run -t, stevedore run -t)");
        }
        StateRecord state = containers.state(id);
        if (!state.running()) {
            throw ContainerService.notRunning("resize the terminal of", config, state);
        }
        containers.reach(id).resize(config, rows, columns);
        controls.announce(id, EngineEvent.Action.RESIZE, Map.of("height", Integer.toString(rows),
                "width", Integer.toString(columns)));
    }
}
