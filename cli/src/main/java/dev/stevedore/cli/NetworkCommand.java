package dev.stevedore.cli;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.NetworkInfo;
import dev.stevedore.serve.internal.DockerDocuments;
import dev.stevedore.engine.NetworkSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code stevedore network}: user-defined networks, on which containers reach each other by name and alias. */
@Command(name = "network", description = "Manage networks.",
        subcommands = {
            NetworkCommand.Create.class,
            NetworkCommand.Ls.class,
            NetworkCommand.Rm.class,
            NetworkCommand.Connect.class,
            NetworkCommand.Disconnect.class,
            NetworkCommand.Inspect.class,
            NetworkCommand.Prune.class,
        })
final class NetworkCommand implements Runnable {
    @Mixin
    HelpOption help;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                "'stevedore network' needs a subcommand: create, ls, rm, connect, disconnect or inspect");
    }

    /** {@code network create}. */
    @Command(name = "create", description = "Create a network.")
    static final class Create extends EngineCommand {
        @Mixin
        HelpOption help;

        @Option(names = "--subnet", paramLabel = "CIDR", description = "Subnet, e.g. 10.199.7.0/24 (default: a free one from the pool).")
        String subnet;

        @Option(names = "--internal", description = "Restrict the network to its containers.")
        boolean internal;

        @Option(names = {"-l", "--label"}, paramLabel = "KEY=VALUE", description = "A label; repeatable.")
        List<String> labels = new ArrayList<>();

        @Parameters(index = "0", paramLabel = "NAME", description = "The network's name.")
        String name;

        private Map<String, String> parsedLabels;

        @Override
        void validate() {
            parsedLabels = new LinkedHashMap<>();
            for (String label : labels) {
                int eq = label.indexOf('=');
                parsedLabels.put(eq < 0 ? label : label.substring(0, eq), eq < 0 ? "" : label.substring(eq + 1));
            }
            parsedLabels.put(ContainerSpec.KEEP_LABEL, "true"); // outlives this command, on either engine
            try {
                new NetworkSpec(name, subnet, parsedLabels, internal);
            } catch (IllegalArgumentException e) {
                throw usageError(e.getMessage());
            }
        }

        @Override
        int run(ContainerEngine engine) {
            out().println(engine.createNetwork(new NetworkSpec(name, subnet, parsedLabels, internal)).id());
            return 0;
        }
    }

    /** {@code network ls}. */
    @Command(name = "ls", aliases = "list", description = "List networks.")
    static final class Ls extends EngineCommand {
        @Mixin
        HelpOption help;

        @Option(names = {"-q", "--quiet"}, description = "Only show network IDs.")
        boolean quiet;

        @Option(names = "--no-trunc", description = "Do not shorten IDs.")
        boolean noTrunc;

        @Option(names = {"-f", "--filter"}, paramLabel = "KEY=VALUE",
                description = "Only matching networks: name=PART, id=PREFIX, label=KEY[=VALUE], driver=NAME.")
        List<String> filters = new ArrayList<>();

        @Option(names = "--format", paramLabel = "FORMAT", description = "table (default), json, 'table TEMPLATE' or a "
                + "Go TEMPLATE per network (fields: .ID .Name .Driver .Scope .IPv6 .Internal .Labels .Label \"KEY\" .CreatedAt).")
        String format = "table";

        private Listing listing;
        private java.util.function.Predicate<NetworkInfo> matches = n -> true;

        @Override
        void validate() {
            listing = listing(format);
            for (String filter : filters) {
                matches = matches.and(Filters.network(filter, this::usageError));
            }
        }

        @Override
        int run(ContainerEngine engine) {
            List<NetworkInfo> networks = engine.networks().stream().filter(matches).toList();
            if (quiet) {
                networks.forEach(n -> out().println(noTrunc ? n.id() : Ids.shortId(n.id())));
                return 0;
            }
            if (listing.custom()) {
                listing.print(out(), HEADERS, networks.stream().map(this::fields).toList());
                return 0;
            }
            Table table = new Table("NETWORK ID", "NAME", "DRIVER", "SCOPE");
            for (NetworkInfo n : networks) {
                table.row(noTrunc ? n.id() : Ids.shortId(n.id()), n.name(), driver(n), "local");
            }
            table.print(out());
            return 0;
        }

        /** Docker's headers of the fields a template may use. */
        static final Map<String, String> HEADERS = PsCommand.headers("CreatedAt", "CREATED AT", "Driver", "DRIVER",
                "ID", "NETWORK ID", "IPv4", "IPV4", "IPv6", "IPV6", "Internal", "INTERNAL", "Label", "LABEL",
                "Labels", "LABELS", "Name", "NAME", "Scope", "SCOPE");

        private Map<String, Object> fields(NetworkInfo n) {
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("CreatedAt", "");
            fields.put("Driver", driver(n));
            fields.put("ID", noTrunc ? n.id() : Ids.shortId(n.id()));
            fields.put("IPv4", Boolean.toString(!n.subnet().isEmpty()));
            fields.put("IPv6", "false");
            fields.put("Internal", "false");
            fields.put("Labels", Filters.labels(n.labels()));
            fields.put("Name", n.name());
            fields.put("Scope", "local");
            fields.put("Label", (GoTemplate.Method) arguments -> arguments.size() == 1
                    ? n.labels().getOrDefault(String.valueOf(arguments.get(0)), "") : "");
            return fields;
        }

        private static String driver(NetworkInfo n) {
            return n.driver() == null ? "null" : n.driver();
        }
    }

    /** {@code network rm}. */
    /** {@code network prune}: every network no container is on, after docker's question unless {@code -f}. */
    @Command(name = "prune", description = "Remove all custom networks not used by at least one container.")
    static final class Prune extends EngineCommand {
        @Mixin
        HelpOption help;

        @Option(names = {"-f", "--force"}, description = "Do not ask for confirmation.")
        boolean force;

        @Override
        int run(ContainerEngine engine) {
            if (!force && !Prunes.confirmed(out(), root().stdin(),
                    List.of("all custom networks not used by at least one container"))) {
                return 0;
            }
            Prunes.section(out(), "Deleted Networks:", Prunes.networks(engine, err()).deleted());
            return 0;
        }
    }

    @Command(name = "rm", aliases = "remove", description = "Remove one or more networks.")
    static final class Rm extends EngineCommand {
        @Mixin
        HelpOption help;

        @Parameters(arity = "1..*", paramLabel = "NETWORK", description = "Network names or IDs.")
        List<String> networks;

        @Override
        int run(ContainerEngine engine) {
            int status = 0;
            for (String network : networks) {
                try {
                    engine.removeNetwork(network);
                    out().println(network);
                } catch (dev.stevedore.engine.ContainerEngineException e) {
                    err().println("stevedore: " + e.getMessage());
                    status = 1;
                }
            }
            return status;
        }
    }

    /** {@code network connect}. */
    @Command(name = "connect", description = "Connect a container to a network.")
    static final class Connect extends EngineCommand {
        @Mixin
        HelpOption help;

        @Option(names = "--alias", paramLabel = "ALIAS", description = "Another name for the container on this network; repeatable.")
        List<String> aliases = new ArrayList<>();

        @Option(names = "--ip", paramLabel = "IPV4", description = "A static IPv4 address on this network.")
        String ip;

        @Parameters(index = "0", paramLabel = "NETWORK", description = "The network.")
        String network;

        @Parameters(index = "1", paramLabel = "CONTAINER", description = "The container.")
        String container;

        @Override
        int run(ContainerEngine engine) {
            engine.connectNetwork(network, container, aliases, ip);
            return 0;
        }
    }

    /** {@code network disconnect}. */
    @Command(name = "disconnect", description = "Disconnect a container from a network.")
    static final class Disconnect extends EngineCommand {
        @Mixin
        HelpOption help;

        @Parameters(index = "0", paramLabel = "NETWORK", description = "The network.")
        String network;

        @Parameters(index = "1", paramLabel = "CONTAINER", description = "The container.")
        String container;

        @Override
        int run(ContainerEngine engine) {
            engine.disconnectNetwork(network, container);
            return 0;
        }
    }

    /** {@code network inspect}. */
    @Command(name = "inspect", description = "Show a network's details as JSON.")
    static final class Inspect extends EngineCommand {
        @Mixin
        HelpOption help;

        @Mixin
        InspectFormat format;

        @Parameters(arity = "1..*", paramLabel = "NETWORK", description = "Network names or IDs.")
        List<String> networks;

        @Override
        void validate() {
            check(format);
        }

        @Override
        int run(ContainerEngine engine) {
            List<Object> documents = new ArrayList<>();
            for (String network : networks) {
                documents.add(DockerDocuments.network(engine, engine.inspectNetwork(network)));
            }
            format.print(out(), documents);
            return 0;
        }
    }
}
