package dev.stevedore.cli;

import dev.stevedore.engine.ContainerEngine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code stevedore kill}: sends a signal (SIGKILL by default) to each container; prints each as named. */
@Command(name = "kill", description = "Send a signal to one or more running containers.")
final class KillCommand extends ContainersCommand {
    @Option(names = {"-s", "--signal"}, paramLabel = "SIGNAL", description = "Signal to send: KILL (default), TERM, SIGHUP, 9, ...")
    String signal = "KILL";

    @Override
    void apply(ContainerEngine engine, String container) {
        engine.killContainer(container, signal);
        out().println(container);
    }
}
