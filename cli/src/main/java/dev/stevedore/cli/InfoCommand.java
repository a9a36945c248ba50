package dev.stevedore.cli;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerState;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code stevedore info}: which engine the command line uses, why it was chosen, where its state or daemon is,
 * whether it runs rootless, and what it holds, in the shape of {@code docker info}'s first lines ({@code Containers: N},
 * indented counts).
 */
@Command(name = "info", description = "Show the engine in use, why it was chosen, and what it holds.")
final class InfoCommand extends EngineCommand {
    @Mixin
    HelpOption help;

    @Override
    int run(ContainerEngine engine) {
        PrintWriter out = out();
        out.println("Client:");
        out.println(" Version:    " + VersionProvider.version());
        out.println(" Debug Mode: " + root().debug());
        out.println();
        out.println("Server:");
        dev.stevedore.engine.EngineInfo info = engine.info();
        VersionCommand.printEngine(out, info, " ");
        out.println("  Rootless:         " + info.rootless());
        List<ContainerInfo> containers = engine.containers(true, Map.of());
        long running = containers.stream().filter(c -> c.state().status() == ContainerState.Status.RUNNING).count();
        out.println(" Containers: " + containers.size());
        out.println("  Running: " + running);
        out.println("  Stopped: " + (containers.size() - running));
        out.println(" Images: " + engine.images().size());
        return 0;
    }
}
