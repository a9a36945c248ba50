package dev.stevedore.cli;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * A command that only groups subcommands ({@code stevedore builder}): given none, it is a usage error that names
 * them. Its subclass declares the {@code @Command} with its name and subcommands.
 */
abstract class CommandGroup implements Runnable {
    @Mixin
    HelpOption help;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "'stevedore " + spec.name() + "' needs a subcommand: "
                + String.join(", ", spec.subcommands().keySet()));
    }
}
