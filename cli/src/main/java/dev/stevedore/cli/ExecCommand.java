package dev.stevedore.cli;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerStartException;
import dev.stevedore.engine.ExecResult;
import dev.stevedore.engine.ExecSpec;
import dev.stevedore.engine.LogLine;
import java.io.PrintWriter;
import java.util.ArrayList;
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
 * its end being the command's end of file.
 */
@Command(name = "exec", description = "Run a command in a running container.",
        customSynopsis = "stevedore exec [OPTIONS] CONTAINER COMMAND [ARG...]")
final class ExecCommand extends EngineCommand {
    @Mixin
    HelpOption help;

    @Option(names = {"-i", "--interactive"}, description = "Feed standard input to the command as it comes.")
    boolean interactive;

    @Option(names = {"-u", "--user"}, paramLabel = "USER", description = "User to run as: name, uid, name:group or uid:gid.")
    String user;

    @Option(names = {"-w", "--workdir"}, paramLabel = "DIR", description = "Working directory inside the container.")
    String workingDir;

    @Option(names = {"-e", "--env"}, paramLabel = "KEY[=VALUE]",
            description = "Set an environment variable (KEY alone: copy this shell's value).")
    List<String> env = new ArrayList<>();

    @Parameters(index = "0", paramLabel = "CONTAINER", description = "Container name, ID or unique ID prefix.")
    String container;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "COMMAND", description = "The command and its arguments.")
    List<String> command;

    private List<String> entries;

    @Override
    void validate() {
        entries = new ArrayList<>();
        for (String entry : env) {
            try {
                EnvEntries.entry(entry, root().environment()).ifPresent(entries::add);
            } catch (IllegalArgumentException e) {
                throw usageError("-e: " + e.getMessage());
            }
        }
    }

    @Override
    int run(ContainerEngine engine) {
        PrintWriter out = out();
        PrintWriter err = err();
        AtomicBoolean streamed = new AtomicBoolean();
        ExecSpec spec = new ExecSpec(command, entries, user, workingDir, null, null, line -> {
            streamed.set(true);
            PrintWriter target = line.stream() == LogLine.Stream.STDOUT ? out : err;
            synchronized (target) {
                target.println(line.text());
                target.flush();
            }
        });
        if (interactive) {
            spec = spec.withStdin(root().stdin());
        }
        ExecResult result;
        try {
            result = engine.exec(container, spec);
        } catch (ContainerStartException e) {
            Main.report(e, root().debug(), err);
            return Containers.startFailureExitCode(e);
        }
        if (!streamed.get()) {
            // An engine that only collects the output hands it over at the end.
            out.print(result.stdout());
            err.print(result.stderr());
        }
        return result.exitCode();
    }
}
