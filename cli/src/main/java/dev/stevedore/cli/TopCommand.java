package dev.stevedore.cli;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerTop;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code stevedore top CONTAINER [ps OPTIONS]}: a running container's processes, as {@code docker top} prints them
 * (the columns of ps, each but the last at least 20 characters wide and 3 beyond its widest cell).
 */
@Command(name = "top", description = "Display the running processes of a container.")
final class TopCommand extends EngineCommand {
    /** docker top's tabwriter: cells of at least 20 characters. */
    private static final int MIN_WIDTH = 20;

    @Mixin
    HelpOption help;

    @Parameters(index = "0", paramLabel = "CONTAINER", description = "Container name, ID or unique ID prefix.")
    String container;

    @Parameters(index = "1..*", arity = "0..*", paramLabel = "PS-OPTIONS", description = "Options for ps (default -ef).")
    List<String> psOptions = List.of();

    @Override
    int run(ContainerEngine engine) {
        ContainerTop top = engine.top(container, psOptions.isEmpty() ? null : String.join(" ", psOptions));
        Table table = new Table(MIN_WIDTH, top.titles().toArray(String[]::new));
        top.processes().forEach(row -> table.row(row.toArray(String[]::new)));
        table.print(out());
        return 0;
    }
}
