package dev.stevedore.cli;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.VolumeInfo;
import dev.stevedore.serve.internal.DockerDocuments;
import dev.stevedore.engine.VolumeSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code stevedore volume}: named volumes, which keep data between containers until removed. */
@Command(name = "volume", description = "Manage volumes.",
        subcommands = {
            VolumeCommand.Create.class,
            VolumeCommand.Ls.class,
            VolumeCommand.Inspect.class,
            VolumeCommand.Rm.class,
            VolumeCommand.Prune.class,
        })
final class VolumeCommand implements Runnable {
    @Mixin
    HelpOption help;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                "'stevedore volume' needs a subcommand: create, ls, inspect or rm");
    }

    /** {@code volume create}: prints the volume's name (a generated one when none is given). */
    @Command(name = "create", description = "Create a volume; one that exists already is left as it is.")
    static final class Create extends EngineCommand {
        @Mixin
        HelpOption help;

        @Option(names = {"-l", "--label"}, paramLabel = "KEY=VALUE", description = "A label; repeatable.")
        List<String> labels = new ArrayList<>();

        @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", description = "The volume's name (default: a generated one).")
        String name;

        private VolumeSpec volume;

        @Override
        void validate() {
            Map<String, String> parsed = new LinkedHashMap<>();
            for (String label : labels) {
                int eq = label.indexOf('=');
                if (eq == 0) {
                    throw usageError("--label '" + label + "' has no key: use KEY=VALUE");
                }
                parsed.put(eq < 0 ? label : label.substring(0, eq), eq < 0 ? "" : label.substring(eq + 1));
            }
            parsed.put(ContainerSpec.KEEP_LABEL, "true"); // outlives this command, on either engine
            try {
                volume = new VolumeSpec(name, parsed);
            } catch (IllegalArgumentException e) {
                throw usageError(e.getMessage());
            }
        }

        @Override
        int run(ContainerEngine engine) {
            out().println(engine.createVolume(volume).name());
            return 0;
        }
    }

    /** {@code volume ls}. */
    @Command(name = "ls", aliases = "list", description = "List volumes.")
    static final class Ls extends EngineCommand {
        @Mixin
        HelpOption help;

        @Option(names = {"-q", "--quiet"}, description = "Only show volume names.")
        boolean quiet;

        @Option(names = {"-f", "--filter"}, paramLabel = "KEY=VALUE",
                description = "Only matching volumes: name=PART, label=KEY[=VALUE], driver=local, dangling=true|false.")
        List<String> filters = new ArrayList<>();

        @Option(names = "--format", paramLabel = "FORMAT", description = "table (default), json, 'table TEMPLATE' or a "
                + "Go TEMPLATE per volume (fields: .Name .Driver .Scope .Mountpoint .Labels .Label \"KEY\" .Links .Size).")
        String format = "table";

        /** Docker's headers of the fields a template may use. */
        static final Map<String, String> HEADERS = PsCommand.headers("Availability", "AVAILABILITY", "Driver", "DRIVER",
                "Group", "GROUP", "Label", "LABEL", "Labels", "LABELS", "Links", "LINKS", "Mountpoint", "MOUNTPOINT",
                "Name", "VOLUME NAME", "Scope", "SCOPE", "Size", "SIZE", "Status", "STATUS");

        private Listing listing;
        private final List<String> dangling = new ArrayList<>();
        private java.util.function.Predicate<VolumeInfo> matches = v -> true;

        @Override
        void validate() {
            listing = listing(format);
            for (String filter : filters) {
                if (filter.startsWith("dangling=")) {
                    String value = filter.substring("dangling=".length());
                    if (!value.equals("true") && !value.equals("false") && !value.equals("1") && !value.equals("0")) {
                        throw usageError("--filter dangling='" + value + "' is not true or false");
                    }
                    dangling.add(value);
                } else {
                    matches = matches.and(Filters.volume(filter, this::usageError));
                }
            }
        }

        @Override
        int run(ContainerEngine engine) {
            List<VolumeInfo> volumes = engine.volumes().stream().filter(matches).toList();
            if (!dangling.isEmpty()) {
                // a volume is dangling when no container, running or not, mounts it
                java.util.Set<String> used = new java.util.HashSet<>();
                engine.containers(true, Map.of()).forEach(c -> c.mounts().stream()
                        .filter(m -> m.type() == dev.stevedore.engine.Mount.Type.VOLUME).forEach(m -> used.add(m.source())));
                boolean want = dangling.get(dangling.size() - 1).equals("true") || dangling.get(dangling.size() - 1).equals("1");
                volumes = volumes.stream().filter(v -> !used.contains(v.name()) == want).toList();
            }
            if (quiet) {
                volumes.forEach(v -> out().println(v.name()));
                return 0;
            }
            if (listing.custom()) {
                listing.print(out(), HEADERS, volumes.stream().map(VolumeCommand::fieldsOf).toList());
                return 0;
            }
            Table table = new Table("DRIVER", "VOLUME NAME");
            volumes.forEach(v -> table.row("local", v.name()));
            table.print(out());
            return 0;
        }
    }

    private static Map<String, Object> fieldsOf(VolumeInfo v) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("Availability", "N/A");
        fields.put("Driver", "local");
        fields.put("Group", "N/A");
        fields.put("Labels", Filters.labels(v.labels()));
        fields.put("Links", "N/A");
        fields.put("Mountpoint", v.mountpoint());
        fields.put("Name", v.name());
        fields.put("Scope", "local");
        fields.put("Size", "N/A");
        fields.put("Status", "N/A");
        fields.put("Label", (GoTemplate.Method) arguments -> arguments.size() == 1
                ? v.labels().getOrDefault(String.valueOf(arguments.get(0)), "") : "");
        return fields;
    }

    /** {@code volume inspect}: the document dockerd (and {@code stevedore serve}) answers. */
    @Command(name = "inspect", description = "Show volumes' details as JSON.")
    static final class Inspect extends EngineCommand {
        @Mixin
        HelpOption help;

        @Mixin
        InspectFormat format;

        @Parameters(arity = "1..*", paramLabel = "VOLUME", description = "Volume names.")
        List<String> volumes;

        @Override
        void validate() {
            check(format);
        }

        @Override
        int run(ContainerEngine engine) {
            List<Object> documents = new ArrayList<>();
            for (String name : volumes) {
                documents.add(DockerDocuments.volume(engine.inspectVolume(name)));
            }
            format.print(out(), documents);
            return 0;
        }
    }

    /** {@code volume rm}: each volume in turn; a failure is reported and the rest are still removed. */
    /**
     * {@code volume prune}: volumes no container mounts, as docker 23 and later prune them: anonymous ones, or with
     * {@code -a} every one ({@link Prunes#volumes}); after docker's question unless {@code -f}.
     */
    @Command(name = "prune", description = "Remove unused anonymous volumes, or with -a every unused volume.")
    static final class Prune extends EngineCommand {
        @Mixin
        HelpOption help;

        @Option(names = {"-a", "--all"}, description = "Remove all unused volumes, not only anonymous ones.")
        boolean all;

        @Option(names = {"-f", "--force"}, description = "Do not ask for confirmation.")
        boolean force;

        @Override
        int run(ContainerEngine engine) {
            String removes = (all ? "all" : "anonymous") + " local volumes not used by at least one container";
            if (!force && !Prunes.confirmed(out(), root().stdin(), List.of(removes))) {
                return 0;
            }
            Prunes.Pruned pruned = Prunes.volumes(engine, all);
            Prunes.section(out(), "Deleted Volumes:", pruned.deleted());
            out().println("Total reclaimed space: " + Sizes.human(pruned.reclaimed()));
            return 0;
        }
    }

    @Command(name = "rm", aliases = "remove", description = "Remove one or more volumes.")
    static final class Rm extends EngineCommand {
        @Mixin
        HelpOption help;

        @Option(names = {"-f", "--force"}, description = "Do not fail on volumes that do not exist (a volume in use is still refused).")
        boolean force;

        @Parameters(arity = "1..*", paramLabel = "VOLUME", description = "Volume names.")
        List<String> volumes;

        @Override
        int run(ContainerEngine engine) {
            int status = 0;
            for (String volume : volumes) {
                try {
                    engine.removeVolume(volume, force);
                    out().println(volume);
                } catch (ContainerEngineException e) {
                    err().println("stevedore: " + e.getMessage());
                    status = 1;
                }
            }
            return status;
        }
    }
}
