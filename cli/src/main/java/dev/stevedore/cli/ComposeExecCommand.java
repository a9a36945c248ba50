package dev.stevedore.cli;

import dev.stevedore.engine.ContainerEngine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import java.util.List;
import picocli.CommandLine.Parameters;

/** {@code compose exec}: {@code exec} in a service's container. */
@Command(name = "exec", description = "Run a command in a service's running container.",
        customSynopsis = "stevedore compose exec [OPTIONS] SERVICE COMMAND [ARG...]")
final class ComposeExecCommand extends ComposeSubcommand {
    @Mixin
    HelpOption help;

    @Option(names = {"-T", "--no-TTY"}, description = "Accepted for docker compose's scripts: there is no terminal anyway.")
    boolean noTty;

    @Mixin
    ExecOptions options = new ExecOptions();

    @Parameters(index = "0", paramLabel = "SERVICE", description = "The service.")
    String service;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "COMMAND", description = "The command and its arguments.")
    List<String> command;

    @Override
    int run(ContainerEngine engine) {
        List<String> entries;
        try {
            entries = options.entries(root().environment());
        } catch (IllegalArgumentException e) {
            throw usageError("-e: " + e.getMessage());
        }
        String id = running(projects(engine), service).id();
        return ExecCommand.exec(engine, id, command, entries, options.user, options.workingDir, options.privileged, null, outBytes(), errBytes(), err(),
                root().debug());
    }
}
