package dev.stevedore.cli;

import dev.stevedore.engine.ContainerEngine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import java.time.Duration;

/** {@code compose down}. */
@Command(name = "down", description = "Stop and remove the services' containers and networks.")
final class ComposeDownCommand extends ComposeSubcommand {
    @Mixin
    HelpOption help;

    @Option(names = {"-v", "--volumes"}, description = "Remove the named volumes too.")
    boolean volumes;

    @Option(names = {"-t", "--timeout"}, paramLabel = "SECONDS", description = "Seconds to wait for a stop before killing (default 10).")
    int timeout = 10;

    @Override
    int run(ContainerEngine engine) {
        projects(engine).down(volumes, Duration.ofSeconds(timeout));
        return 0;
    }
}
