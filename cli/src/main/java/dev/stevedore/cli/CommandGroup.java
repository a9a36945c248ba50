package dev.stevedore.cli;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** A command that only groups subcommands ({@code stevedore system}): run alone, it is a usage error naming them. */
abstract class CommandGroup implements Runnable {
    @Mixin
    HelpOption help;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "'" + spec.qualifiedName() + "' needs a subcommand: "
                + String.join(", ", spec.subcommands().keySet()));
    }
}
