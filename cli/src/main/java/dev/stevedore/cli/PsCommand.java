package dev.stevedore.cli;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.Mount;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
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
            description = "Only matching containers: label=KEY[=VALUE], name=PART, status=created|running|paused|exited, "
                    + "id=PREFIX, exited=CODE, ancestor=IMAGE, network=NAME, volume=NAME|PATH.")
    List<String> filters = new ArrayList<>();

    @Option(names = "--format", paramLabel = "FORMAT", description = "table (default), json (one object per line), "
            + "'table TEMPLATE' or a Go TEMPLATE per container, e.g. '{{.Names}}\\t{{.Status}}' ("
            + "fields: .ID .Image .Command .CreatedAt .RunningFor .Ports .State .Status .Size .Names .Labels "
            + ".Label \"KEY\" .Mounts .Networks .LocalVolumes).")
    String format = "table";

    @Option(names = {"-n", "--last"}, paramLabel = "N", description = "Show the N last created containers (all states).")
    int last = -1;

    @Option(names = {"-l", "--latest"}, description = "Show the latest created container (all states).")
    boolean latest;

    @Option(names = {"-s", "--size"}, description = "Accepted for docker's scripts; sizes are not measured (shown as 0B).")
    boolean size;

    /** Docker's headers of the fields a template may use. */
    static final Map<String, String> HEADERS = headers("ID", "CONTAINER ID", "Image", "IMAGE", "Command", "COMMAND",
            "CreatedAt", "CREATED AT", "RunningFor", "CREATED", "Ports", "PORTS", "State", "STATE", "Status", "STATUS",
            "Size", "SIZE", "Names", "NAMES", "Labels", "LABELS", "Label", "LABEL", "Mounts", "MOUNTS",
            "Networks", "NETWORKS", "LocalVolumes", "LOCAL VOLUMES");

    private final Map<String, String> labels = new LinkedHashMap<>();
    private final List<Predicate<ContainerInfo>> conditions = new ArrayList<>();
    private boolean byStatus;
    private Listing listing;

    @Override
    void validate() {
        listing = listing(format);
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
                case "exited" -> {
                    int code;
                    try {
                        code = Integer.parseInt(value);
                    } catch (NumberFormatException e) {
                        throw usageError("--filter exited='" + value + "' is not an exit code");
                    }
                    byStatus = true;
                    conditions.add(info -> Containers.statusName(info.state()).equals("exited")
                            && info.state().exitCode() == code);
                }
                case "ancestor" -> conditions.add(info -> ancestor(info, value));
                case "network" -> conditions.add(info -> info.networks().containsKey(value));
                case "health" -> {
                    if (!java.util.Set.of("starting", "healthy", "unhealthy", "none").contains(value)) {
                        // the docker CLI's words
                        throw usageError("Unrecognised filter value for health: " + value);
                    }
                    conditions.add(info -> (info.health() == null ? "none" : info.health().status().dockerName()).equals(value));
                }
                case "volume" -> conditions.add(info -> info.mounts().stream().anyMatch(mount ->
                        value.equals(mount.source()) || value.equals(mount.target())));
                default -> throw usageError("--filter '" + key + "' is not supported: use label, name, status, id, "
                        + "exited, ancestor, network, volume or health");
            }
        }
    }

    @Override
    int run(ContainerEngine engine) {
        boolean recent = latest || last >= 0;
        List<ContainerInfo> containers = engine.containers(all || byStatus || recent, labels).stream()
                .filter(info -> conditions.stream().allMatch(condition -> condition.test(info))).toList();
        if (recent) {
            // newest first, as the listing is; -l is -n 1
            containers = containers.stream().sorted(Comparator.comparing(ContainerInfo::created,
                    Comparator.nullsLast(Comparator.reverseOrder()))).limit(latest ? 1 : last).toList();
        }
        PrintWriter out = out();
        if (quiet) {
            containers.forEach(info -> out.println(id(info)));
            return 0;
        }
        Instant now = root().clock().instant();
        if (listing.custom()) {
            listing.print(out, HEADERS, containers.stream().map(info -> fields(info, now)).toList());
            return 0;
        }
        Table table = new Table("CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "PORTS", "NAMES");
        for (ContainerInfo info : containers) {
            table.row(id(info), info.image(), Containers.command(info.command(), noTrunc),
                    Durations.ago(info.created(), now), Containers.status(info, now),
                    Containers.ports(info.ports()), info.name());
        }
        table.print(out);
        return 0;
    }

    private String id(ContainerInfo info) {
        return noTrunc ? info.id() : info.shortId();
    }

    /** A container as docker's templates see it (its {@code ContainerContext}); {@code json} prints these in this order. */
    private Map<String, Object> fields(ContainerInfo info, Instant now) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("Command", Containers.command(info.command(), noTrunc));
        fields.put("CreatedAt", Durations.goTime(info.created()));
        fields.put("ID", id(info));
        fields.put("Image", info.image());
        fields.put("Labels", Filters.labels(info.labels()));
        fields.put("LocalVolumes", Long.toString(info.mounts().stream().filter(m -> m.type() == Mount.Type.VOLUME).count()));
        fields.put("Mounts", info.mounts().stream().map(m -> m.type() == Mount.Type.VOLUME ? m.source() : m.target())
                .map(name -> noTrunc ? name : Containers.ellipsis(name, 15)).collect(Collectors.joining(",")));
        fields.put("Names", info.name());
        fields.put("Networks", String.join(",", new TreeMap<>(info.networks()).keySet()));
        fields.put("Ports", Containers.ports(info.ports()));
        fields.put("RunningFor", Durations.ago(info.created(), now));
        fields.put("Size", "0B");
        fields.put("State", Containers.statusName(info.state()));
        fields.put("Status", Containers.status(info, now));
        fields.put("Label", (GoTemplate.Method) arguments -> arguments.size() == 1
                ? info.labels().getOrDefault(String.valueOf(arguments.get(0)), "") : "");
        return fields;
    }

    /** Docker's {@code ancestor} filter: the image by reference (any tag when none is given) or by ID prefix. */
    private static boolean ancestor(ContainerInfo info, String image) {
        if (info.image().equals(image) || (info.imageId() != null && (info.imageId().startsWith(image)
                || info.imageId().startsWith("sha256:" + image)))) {
            return true;
        }
        int colon = info.image().lastIndexOf(':');
        boolean tagged = colon > info.image().lastIndexOf('/');
        String repository = tagged ? info.image().substring(0, colon) : info.image();
        return repository.equals(image) || (!image.contains(":") && repository.endsWith("/" + image))
                || info.image().endsWith("/" + image);
    }

    /** {@code "ID", "CONTAINER ID", ...} as a map from field to header. */
    static Map<String, String> headers(String... pairs) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            headers.put(pairs[i], pairs[i + 1]);
        }
        return headers;
    }
}
