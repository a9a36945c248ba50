package dev.stevedore.cli;

import picocli.CommandLine.Option;

/** {@code -h, --help} for a subcommand; {@code run} takes {@code -h} for the hostname and mixes in {@link HelpOption.LongHelpOption}. */
final class HelpOption {
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    /** {@code --help} alone, for commands whose {@code -h} means something else (as Docker's {@code run -h HOSTNAME}). */
    static final class LongHelpOption {
        @Option(names = "--help", usageHelp = true, description = "Show this help and exit.")
        boolean help;
    }
}
