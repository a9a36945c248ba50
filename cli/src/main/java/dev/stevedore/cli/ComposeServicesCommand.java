package dev.stevedore.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** A compose subcommand that acts on some of the services, named last ({@code stop db web}), or on all of them. */
abstract class ComposeServicesCommand extends ComposeSubcommand {
    @Mixin
    HelpOption help;

    @Parameters(paramLabel = "SERVICE", arity = "0..*", description = "Only these services (default: all).")
    List<String> services = new ArrayList<>();

    @Override
    void validate() {
        checkServices(services);
    }
}
