package dev.stevedore.engine.internal.embedded;

import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.ExecResult;
import dev.stevedore.engine.ExecSpec;
import dev.stevedore.engine.LogLine;
import dev.stevedore.engine.internal.runtime.LineAssembler;
import dev.stevedore.engine.internal.runtime.PrivilegedMode;
import dev.stevedore.engine.internal.runtime.ExecProcess;
import dev.stevedore.engine.internal.runtime.ExecRequest;
import dev.stevedore.engine.internal.runtime.Launcher;
import dev.stevedore.engine.internal.runtime.LauncherError;
import dev.stevedore.engine.internal.runtime.ProcessIdentity;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * An exec in a running container, as {@code docker exec} has it: the container's environment with the
 * exec's on top, its user and working directory unless the exec names others; a command that cannot be
 * executed (missing: 127, not executable or a bad working directory or user: 126) reports Docker's message
 * on stderr instead of failing the call.
 */
final class ContainerExec {
    private ContainerExec() {
    }

    /**
     * Runs {@code spec} in the running container and waits for it; {@code linkEnv}: its links' variables
     * ({@link LinkEnvironment}), under its own environment and the exec's.
     *
     * @return how it ended; empty when the container's process had ended already
     * @throws ContainerEngineException when the exec itself cannot be set up
     */
    static Optional<ExecResult> run(Launcher launcher, Path directory, ContainerRecord config, StateRecord state, ExecSpec spec,
                                    Path seccompCache, List<String> linkEnv) {
        ExecRequest request = request(directory, config, state, spec, seccompCache, linkEnv);
        Lines out = new Lines(LogLine.Stream.STDOUT, spec.output(), spec.tty() != null);
        Lines err = new Lines(LogLine.Stream.STDERR, spec.output(), false);
        ExecProcess.Output output = (stderr, data) -> (stderr ? err : out).accept(data);
        ExecProcess.Outcome outcome;
        if (spec.tty() != null) {
            java.io.InputStream typed = spec.stdin() != null ? new java.io.ByteArrayInputStream(spec.stdin()) : spec.stdinStream();
            outcome = launcher.execOnTerminal(request, typed, spec.tty(), spec.timeout(), output);
        } else if (spec.stdinStream() != null) {
            outcome = launcher.execStreamingStdin(request, spec.stdinStream(), spec.timeout(), output);
        } else {
            outcome = launcher.exec(request, spec.stdin(), spec.timeout(), output);
        }
        out.finish();
        err.finish();
        LauncherError failure = outcome.failure();
        if (failure != null && failure.step().equals("find the container's process")) {
            return Optional.empty();
        }
        if (failure != null && !failure.execFailed() && !failure.step().equals("resolve the user")
                && !failure.step().equals("change to the working directory")) {
            throw new ContainerEngineException("exec of " + spec.command() + " in container " + config.name()
                    + " failed: cannot " + failure.step() + (failure.path().isEmpty() ? "" : " \"" + failure.path() + "\"")
                    + ": " + outcome.message());
        }
        String stderr = err.text();
        if (failure != null) {
            // Docker reports these on stderr with exit code 126 or 127: the exec ran, its command could not
            stderr += dockerMessage(failure, outcome.message(), spec.command().get(0));
        }
        return Optional.of(new ExecResult(outcome.exitCode(), out.text(), stderr, outcome.timedOut()));
    }

    private static String dockerMessage(LauncherError failure, String message, String command) {
        return switch (failure.step()) {
            case "exec-lookup" -> "exec: \"" + command + "\": executable file not found in $PATH\n";
            case "exec" -> "exec: \"" + failure.path() + "\": " + message.toLowerCase(java.util.Locale.ROOT) + "\n";
            case "resolve the user" -> message + "\n";
            default -> "chdir to cwd (\"" + failure.path() + "\") failed: " + message.toLowerCase(java.util.Locale.ROOT) + "\n";
        };
    }

    /**
     * An exec's output: collected whole, and handed line by line to the caller's consumer as it comes, each line the
     * bytes as written; a terminal's output chunk by chunk as it came (a prompt has no newline to wait for).
     */
    private static final class Lines {
        private final LogLine.Stream stream;
        private final boolean raw;
        private final Consumer<LogLine> consumer;
        private final LineAssembler lines;
        private final ByteArrayOutputStream all = new ByteArrayOutputStream();

        Lines(LogLine.Stream stream, Consumer<LogLine> consumer, boolean raw) {
            this.stream = stream;
            this.raw = raw;
            this.consumer = consumer;
            this.lines = consumer == null || raw ? null : new LineAssembler(consumer);
        }

        void accept(byte[] data) {
            all.writeBytes(data);
            if (raw && consumer != null) {
                consumer.accept(new LogLine(stream, Instant.now(), data));
            } else if (lines != null) {
                lines.accept(stream, data, 0, data.length, Instant.now());
            }
        }

        void finish() {
            if (lines != null) {
                lines.finish();
            }
        }

        String text() {
            return all.toString(StandardCharsets.UTF_8);
        }
    }

    /**
     * What {@code launcher exec} is asked to run for {@code spec}: the container's environment, user, working
     * directory, capabilities, seccomp filter, limits and groups under the exec's own (also the spec a kept run's
     * native health runner sends, {@link KeptWatchers}).
     */
    static ExecRequest request(Path directory, ContainerRecord config, StateRecord state, ExecSpec spec,
                               Path seccompCache, List<String> linkEnv) {
        String workingDir = spec.workingDir() != null ? spec.workingDir() : config.workingDir();
        if (!workingDir.startsWith("/")) {
            throw new ContainerEngineException("cannot exec in container " + config.name() + ": the working directory \""
                    + workingDir + "\" must be an absolute path");
        }
        List<String> env = ContainerConfigs.override(ContainerConfigs.processEnv(config.hostname(), spec.tty() != null,
                linkEnv, config.env()), spec.env());
        return new ExecRequest(new ProcessIdentity(state.pid(), state.pidStart()), directory,
                spec.command(), env, ContainerConfigs.normalize(workingDir), spec.user() != null ? spec.user() : config.user(),
                List.of(), spec.privileged() ? java.util.EnumSet.allOf(dev.stevedore.engine.Capability.class)
                        : ContainerStart.capabilities(config),
                // runc's no_new_privs: off in a privileged container unless asked for; this engine's default elsewhere
                !config.spec().privileged() || PrivilegedMode.noNewPrivileges(config.spec().securityOpts()),
                ContainerStart.seccomp(config, seccompCache),
                ContainerStart.ulimits(config), config.spec().groupAdd());
    }
}
