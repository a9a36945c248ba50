package dev.stevedore.cli;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerStartException;
import dev.stevedore.engine.ExecResult;
import dev.stevedore.engine.ExecSpec;
import dev.stevedore.engine.LogLine;
import dev.stevedore.engine.Tty;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code stevedore exec}: runs a command in a running container, streams its output and exits with its
 * exit code (126 when it could not be executed, 127 when it was not found, as Docker's). With {@code -i}
 * the command reads this command's standard input as it comes (a shell in the container answers line by line),
 * its end being the command's end of file. With {@code -t} the command runs on a pseudo-terminal in the container that
 * takes this terminal's size (and keeps it in step); with {@code -it} this terminal is raw and typed into, Ctrl-C
 * included, until the command ends or the detach keys leave it running.
 */
@Command(name = "exec", description = "Run a command in a running container.",
        customSynopsis = "stevedore exec [OPTIONS] CONTAINER COMMAND [ARG...]")
final class ExecCommand extends EngineCommand {
    @Mixin
    HelpOption help;

    @Option(names = {"-i", "--interactive"}, description = "Feed standard input to the command as it comes.")
    boolean interactive;

    @Option(names = {"-t", "--tty"}, description = "Run the command on a pseudo-terminal.")
    boolean tty;

    @Mixin
    DetachKeysOption detachKeys = new DetachKeysOption();

    @Mixin
    ExecOptions options = new ExecOptions();

    @Parameters(index = "0", paramLabel = "CONTAINER", description = "Container name, ID or unique ID prefix.")
    String container;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "COMMAND", description = "The command and its arguments.")
    List<String> command;

    private List<String> entries;

    @Override
    void validate() {
        try {
            entries = options.entries(root().environment());
        } catch (IllegalArgumentException e) {
            throw usageError("-e: " + e.getMessage());
        }
    }

    @Override
    int run(ContainerEngine engine) {
        if (tty) {
            return onTerminal(engine);
        }
        return exec(engine, container, command, entries, options.user, options.workingDir, options.privileged,
                interactive ? root().stdin() : null, outBytes(), errBytes(), err(),
                root().debug());
    }

    /**
     * {@code exec -t}: the command on a terminal of this one's size, its output passed on raw as it comes; with
     * {@code -i} this terminal raw and typed into. Detaching ends this command with 0: on dockerd the exec runs on, as
     * docker's does; the embedded engine's exec belongs to this process and ends with it.
     */
    private int onTerminal(ContainerEngine engine) {
        int[] size = RawTerminal.size();
        Tty terminal = Tty.of(size[0], size[1]);
        DetachKeys.Watching typed = interactive ? detachKeys.keys.watch(root().stdin()) : null;
        ByteOutput out = outBytes();
        ExecSpec spec = new ExecSpec(command, entries, options.user, options.workingDir, null, null, chunk -> {
            synchronized (out) {
                out.write("", chunk);
                out.flush();
            }
        }, typed, terminal, options.privileged);
        try (RawTerminal raw = interactive ? RawTerminal.enter(root().shutdownHooks()).orElse(null) : null) {
            RawTerminal.onResize(terminal::resize);
            java.util.concurrent.CompletableFuture<ExecResult> result = new java.util.concurrent.CompletableFuture<>();
            Thread runner = new Thread(() -> {
                try {
                    result.complete(engine.exec(container, spec));
                } catch (RuntimeException e) {
                    result.completeExceptionally(e);
                }
            }, "stevedore-exec-tty");
            runner.setDaemon(true);
            runner.start();
            // the exec ends, or the detach keys end the input: whichever comes first
            while (!result.isDone() && (typed == null || !typed.detached())) {
                try {
                    result.get(100, java.util.concurrent.TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.TimeoutException e) {
                    // polled: the detach is only known to the reader of the user's keys, on the engine's feeding thread
                }
            }
            return result.isDone() ? result.join().exitCode() : 0;
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof ContainerStartException start) {
                Main.report(start, root().debug(), err());
                return Containers.startFailureExitCode(start);
            }
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 130;
        }
    }

    /**
     * Runs {@code command} in {@code container}, streaming its output to {@code out} and {@code errOutput} as it wrote
     * it; returns its exit code, or Docker's 126/127 when it could not be run. {@code stdin} is fed to it when not
     * {@code null}; {@code err} takes this command's own messages.
     */
    static int exec(ContainerEngine engine, String container, List<String> command, List<String> env, String user,
                    String workingDir, boolean privileged, java.io.InputStream stdin, ByteOutput out, ByteOutput errOutput,
                    PrintWriter err, boolean debug) {
        AtomicBoolean streamed = new AtomicBoolean();
        ExecSpec spec = new ExecSpec(command, env, user, workingDir, null, null, line -> {
            streamed.set(true);
            ByteOutput target = line.stream() == LogLine.Stream.STDOUT ? out : errOutput;
            target.write("", line);
            target.flush();
        }).withPrivileged(privileged);
        if (stdin != null) {
            spec = spec.withStdin(stdin);
        }
        ExecResult result;
        try {
            result = engine.exec(container, spec);
        } catch (ContainerStartException e) {
            Main.report(e, debug, err);
            return Containers.startFailureExitCode(e);
        }
        if (!streamed.get()) {
            // An engine that only collects the output hands it over at the end.
            out.write(result.stdout().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            errOutput.write(result.stderr().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        out.flush();
        errOutput.flush();
        return result.exitCode();
    }
}
