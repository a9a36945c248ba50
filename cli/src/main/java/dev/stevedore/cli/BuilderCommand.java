package dev.stevedore.cli;

import dev.stevedore.engine.BuildCachePrune;
import dev.stevedore.engine.BuildCachePruned;
import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerEngineException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code stevedore builder}: the build cache; {@code prune} as {@code docker builder prune}. */
@Command(name = "builder", description = "Manage builds.", subcommands = BuilderCommand.Prune.class)
final class BuilderCommand extends CommandGroup {
    /**
     * {@code builder prune}: Docker's flags, its question unless {@code --force} (asked on standard input; anything
     * but {@code y}/{@code yes} keeps the cache), and its output: the ids removed, then {@code Total reclaimed space}.
     */
    @Command(name = "prune", description = "Remove build cache.")
    static final class Prune extends EngineCommand {
        /** Docker's filters as given, read when the command is checked. */
        @Option(names = "--filter", paramLabel = "filter", description = "Provide filter values (e.g. 'until=24h').")
        List<String> filters = new ArrayList<>();

        @Option(names = {"-a", "--all"}, description = "Remove all unused build cache, not just dangling ones.")
        boolean all;

        @Option(names = "--keep-storage", paramLabel = "bytes", description = "Amount of disk space to keep for cache.")
        String keepStorage;

        @Option(names = {"-f", "--force"}, description = "Do not prompt for confirmation.")
        boolean force;

        @Mixin
        HelpOption help;

        private BuildCachePrune options;

        @Override
        void validate() {
            Map<String, List<String>> byName = new LinkedHashMap<>();
            for (String filter : filters) {
                int eq = filter.indexOf('=');
                if (eq <= 0) {
                    throw usageError("bad format of filter (expected name=value): " + filter);
                }
                byName.computeIfAbsent(filter.substring(0, eq), k -> new ArrayList<>()).add(filter.substring(eq + 1));
            }
            try {
                options = BuildCachePrune.of(all, keepStorage == null ? 0 : Sizes.parseBinary(keepStorage), byName);
            } catch (IllegalArgumentException e) {
                // docker exits 1 here (its daemon refuses the filter), not with a usage error
                throw new ContainerEngineException(e.getMessage() + " — correct --filter or --keep-storage", e);
            }
        }

        @Override
        int run(ContainerEngine engine) {
            if (!force && !confirmed()) {
                out().println("Total reclaimed space: " + Sizes.human(0, 4));
                return 0;
            }
            BuildCachePruned pruned = engine.pruneBuildCache(options);
            if (!pruned.deleted().isEmpty()) {
                out().println("Deleted build cache objects:");
                pruned.deleted().forEach(out()::println);
                out().println();
            }
            out().println("Total reclaimed space: " + Sizes.human(pruned.spaceReclaimed(), 4));
            return 0;
        }

        private boolean confirmed() {
            out().print("WARNING! This will remove all " + (all ? "" : "dangling ")
                    + "build cache. Are you sure you want to continue? [y/N] ");
            out().flush();
            try {
                String answer = new BufferedReader(new InputStreamReader(root().stdin(), StandardCharsets.UTF_8)).readLine();
                return answer != null && List.of("y", "yes").contains(answer.strip().toLowerCase(Locale.ROOT));
            } catch (IOException e) {
                return false;
            }
        }
    }
}
