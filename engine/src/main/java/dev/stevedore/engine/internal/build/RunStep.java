package dev.stevedore.engine.internal.build;

import dev.stevedore.engine.BuildException;
import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerLogs;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.ContainerState;
import dev.stevedore.engine.LogLine;
import dev.stevedore.engine.LogOptions;
import dev.stevedore.engine.Mount;
import dev.stevedore.engine.internal.layer.UpperDirectory;
import dev.stevedore.engine.internal.os.Privileges;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.function.Function;

/**
 * Runs one RUN in a container of the stage so far, through the engine's own runtime, and writes what it changed
 * (the container's overlay upper directory) as a layer. The container is removed afterwards whatever happens, so a
 * failed or interrupted RUN leaves neither a container nor a half layer.
 */
final class RunStep {
    private static final int KEPT_LINES = 30;
    static final String LABEL = "dev.stevedore.build";

    private final ContainerEngine engine;
    private final Function<String, Path> upperDirectory;
    private final UpperDirectoryAccess access;

    RunStep(ContainerEngine engine, Function<String, Path> upperDirectory, UpperDirectoryAccess access) {
        this.engine = engine;
        this.upperDirectory = upperDirectory;
        this.access = access;
    }

    /** What the step's container does, told as it happens. */
    interface Progress {
        /** The container {@code containerId} was made and starts. */
        void running(String containerId);

        /** A line the command printed. */
        void output(String line);

        /** The container is gone. */
        void removed(String containerId);
    }

    /** What to run. */
    record Command(String image, List<String> argv, List<String> env, String workingDir, String user, String network,
                   List<String> extraHosts, List<Mount> mounts) {
    }

    /**
     * Runs {@code command}; its container and its output are told to {@code progress}; then {@code layer} receives
     * its upper directory.
     *
     * @throws BuildException with the last lines of output when the command exits with another code than 0
     */
    void run(Command command, String step, Progress progress, LayerWriter layer) throws IOException {
        ContainerSpec.Builder spec = ContainerSpec.builder(command.image())
                .entrypoint(command.argv()).cmd(List.of())
                .workingDir(command.workingDir().isEmpty() ? null : command.workingDir())
                .user(command.user().isEmpty() ? null : command.user())
                .label(LABEL, "run")
                .pullPolicy(ContainerSpec.PullPolicy.NEVER);
        command.env().forEach(spec::env);
        command.mounts().forEach(spec::mount);
        command.extraHosts().forEach(spec::extraHost);
        if (command.network() != null) {
            spec.networkMode(command.network());
        }
        String id = engine.createContainer(spec.build()).id();
        try {
            Deque<String> last = new ArrayDeque<>();
            progress.running(id);
            engine.startContainer(id);
            try (ContainerLogs logs = engine.logs(id, LogOptions.all().following())) {
                logs.lines().map(LogLine::text).forEach(line -> {
                    progress.output(line);
                    if (last.size() == KEPT_LINES) {
                        last.removeFirst();
                    }
                    last.addLast(line);
                });
            } catch (RuntimeException e) {
                // an interrupt breaks the log file's read (its channel closes): that is the cancel, reported below
                if (!Thread.currentThread().isInterrupted()) {
                    throw e;
                }
            }
            // a build cancelled by interrupting its thread ends here; the container is killed and removed below
            if (Thread.currentThread().isInterrupted()) {
                throw new BuildException(step + ": the build was interrupted", step, -1, List.copyOf(last));
            }
            ContainerState state = engine.waitContainer(id, Duration.ofDays(7));
            if (Thread.currentThread().isInterrupted()) {
                throw new BuildException(step + ": the build was interrupted", step, -1, List.copyOf(last));
            }
            if (state.exitCode() != 0) {
                throw new BuildException(step + " failed: the command returned a non-zero code: " + state.exitCode()
                        + (last.isEmpty() ? "" : "\n" + String.join("\n", last))
                        + InternalNetworkHint.of(command.network(), last, Privileges.effectiveUid() == 0),
                        step, state.exitCode(), List.copyOf(last));
            }
            Path upper = upperDirectory.apply(id);
            if (Files.isDirectory(upper)) {
                layer.upperDirectory(upper, UpperDirectory.RUNTIME_FILES, access);
            }
        } finally {
            // the removal takes file locks, which an interrupt would break: cancelled or not, the container goes
            boolean interrupted = Thread.interrupted();
            try {
                engine.removeContainer(id, true);
                progress.removed(id);
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
