package dev.stevedore.cli;

import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * docker's management commands, {@code stevedore container …} and {@code stevedore image …}: the same commands as the
 * top-level ones, under the names docker gives them there ({@code container ls} is {@code ps}, {@code image rm} is
 * {@code rmi}), with docker's aliases — the forms docker's documentation and many scripts use.
 */
final class ManagementCommands {
    /** A command under a group: its name there, the top-level command it is, and its aliases. */
    private record Entry(String name, String command, String... aliases) {
    }

    private static final List<Entry> CONTAINER = List.of(
            new Entry("attach", "attach"), new Entry("commit", "commit"), new Entry("cp", "cp"), new Entry("create", "create"),
            new Entry("diff", "diff"), new Entry("exec", "exec"), new Entry("export", "export"), new Entry("inspect", "inspect"),
            new Entry("kill", "kill"), new Entry("logs", "logs"), new Entry("ls", "ps", "ps", "list"),
            new Entry("pause", "pause"), new Entry("port", "port"), new Entry("rename", "rename"),
            new Entry("restart", "restart"), new Entry("rm", "rm", "remove"), new Entry("run", "run"),
            new Entry("start", "start"), new Entry("stats", "stats"), new Entry("stop", "stop"), new Entry("top", "top"),
            new Entry("unpause", "unpause"), new Entry("update", "update"), new Entry("wait", "wait"));

    private static final List<Entry> IMAGE = List.of(
            new Entry("build", "build"), new Entry("load", "load"), new Entry("ls", "images", "list"),
            new Entry("pull", "pull"), new Entry("push", "push"), new Entry("rm", "rmi", "remove"),
            new Entry("save", "save"), new Entry("tag", "tag"));

    private ManagementCommands() {
    }

    /** {@code stevedore container}: every container command, and {@code prune}. */
    static CommandLine container() {
        CommandLine group = new CommandLine(new ContainerCommand());
        add(group, CONTAINER);
        group.addSubcommand("prune", new ContainerCommand.Prune());
        return group;
    }

    /** {@code stevedore image}: its own commands (inspect, history, prune) and the image commands of the top level. */
    static CommandLine image() {
        CommandLine group = new CommandLine(new ImageCommand());
        add(group, IMAGE);
        return group;
    }

    private static void add(CommandLine group, List<Entry> entries) {
        for (Entry entry : entries) {
            // where options end for run and exec is set with the top-level ones' (Main): adding resets it
            group.addSubcommand(entry.name(), StevedoreCommand.subcommand(entry.command()), entry.aliases());
        }
    }

    /** {@code stevedore container}: a group only. */
    @Command(name = "container", description = "Manage containers.")
    static final class ContainerCommand extends CommandGroup {
        /** {@code container prune}: every container that does not run, after docker's question unless {@code -f}. */
        @Command(name = "prune", description = "Remove all stopped containers.")
        static final class Prune extends EngineCommand {
            @picocli.CommandLine.Mixin
            HelpOption help;

            @picocli.CommandLine.Option(names = {"-f", "--force"}, description = "Do not ask for confirmation.")
            boolean force;

            @Override
            int run(dev.stevedore.engine.ContainerEngine engine) {
                if (!force && !Prunes.confirmed(out(), root().stdin(), List.of("all stopped containers"))) {
                    return 0;
                }
                Prunes.Pruned pruned = Prunes.containers(engine);
                Prunes.section(out(), "Deleted Containers:", pruned.deleted());
                out().println("Total reclaimed space: " + Sizes.human(pruned.reclaimed()));
                return 0;
            }
        }
    }
}
