package dev.stevedore.cli;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerInfo;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code stevedore ps}: the containers, newest first, in Docker's columns. */
@Command(name = "ps", description = "List containers (running ones unless -a).")
final class PsCommand extends EngineCommand {
    @Mixin
    HelpOption help;

    @Option(names = {"-a", "--all"}, description = "Show all containers, not only running ones.")
    boolean all;

    @Option(names = {"-q", "--quiet"}, description = "Print only container IDs.")
    boolean quiet;

    @Option(names = "--no-trunc", description = "Do not shorten IDs and commands.")
    boolean noTrunc;

    @Option(names = {"-f", "--filter"}, paramLabel = "KEY=VALUE",
            description = "Only matching containers: label=KEY[=VALUE], name=PART, status=created|running|exited, id=PREFIX.")
    List<String> filters = new ArrayList<>();

    @Option(names = "--format", paramLabel = "FORMAT", description = "table (default) or json (one object per line).")
    String format = "table";

    private final Map<String, String> labels = new LinkedHashMap<>();
    private final List<Predicate<ContainerInfo>> conditions = new ArrayList<>();
    private boolean byStatus;

    @Override
    void validate() {
        if (!format.equals("table") && !format.equals("json")) {
            throw usageError("--format must be table or json, not '" + format + "'");
        }
        for (String filter : filters) {
            int equals = filter.indexOf('=');
            String key = equals < 0 ? filter : filter.substring(0, equals);
            String value = equals < 0 ? "" : filter.substring(equals + 1);
            if (equals < 0 || value.isEmpty()) {
                throw usageError("--filter '" + filter + "' is not KEY=VALUE");
            }
            switch (key) {
                case "label" -> {
                    int inner = value.indexOf('=');
                    labels.put(inner < 0 ? value : value.substring(0, inner), inner < 0 ? "" : value.substring(inner + 1));
                }
                case "name" -> conditions.add(info -> info.name().contains(value));
                case "id" -> conditions.add(info -> info.id().startsWith(value));
                case "status" -> {
                    // As Docker's: asking for a status lists stopped containers too, without -a.
                    byStatus = true;
                    conditions.add(info -> Containers.statusName(info.state()).equals(value));
                }
                default -> throw usageError("--filter '" + key + "' is not supported: use label, name, status or id");
            }
        }
    }

    @Override
    int run(ContainerEngine engine) {
        List<ContainerInfo> containers = engine.containers(all || byStatus, labels).stream()
                .filter(info -> conditions.stream().allMatch(condition -> condition.test(info))).toList();
        PrintWriter out = out();
        if (quiet) {
            containers.forEach(info -> out.println(id(info)));
            return 0;
        }
        Instant now = root().clock().instant();
        if (format.equals("json")) {
            for (ContainerInfo info : containers) {
                Map<String, String> fields = new LinkedHashMap<>();
                fields.put("ID", id(info));
                fields.put("Image", info.image());
                fields.put("Command", Containers.command(info.command(), noTrunc));
                fields.put("CreatedAt", info.created() == null ? null : info.created().toString());
                fields.put("RunningFor", Durations.ago(info.created(), now));
                fields.put("Ports", Containers.ports(info.ports()));
                fields.put("State", Containers.statusName(info.state()));
                fields.put("Status", Containers.status(info.state(), now));
                fields.put("Names", info.name());
                fields.put("Labels", new TreeMap<>(info.labels()).entrySet().stream()
                        .map(label -> label.getKey() + "=" + label.getValue()).collect(Collectors.joining(",")));
                fields.put("Networks", String.join(",", new TreeMap<>(info.networks()).keySet()));
                out.println(Json.object(fields));
            }
            return 0;
        }
        Table table = new Table("CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "PORTS", "NAMES");
        for (ContainerInfo info : containers) {
            table.row(id(info), info.image(), Containers.command(info.command(), noTrunc),
                    Durations.ago(info.created(), now), Containers.status(info.state(), now),
                    Containers.ports(info.ports()), info.name());
        }
        table.print(out);
        return 0;
    }

    private String id(ContainerInfo info) {
        return noTrunc ? info.id() : info.shortId();
    }
}
