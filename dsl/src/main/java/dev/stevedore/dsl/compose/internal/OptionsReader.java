package dev.stevedore.dsl.compose.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stevedore.dsl.compose.ComposeFileException;
import dev.stevedore.dsl.compose.ContainerOptions;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.LogConfig;
import dev.stevedore.engine.Ulimit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the service keys that become {@link ContainerOptions}, with Compose's short and long syntaxes, and checks the
 * values the engine would refuse now, so a bad one fails the read with its place in the file.
 */
final class OptionsReader {
    /** The keys read here. */
    static final Set<String> KEYS = Set.of("container_name", "hostname", "domainname", "extra_hosts", "dns", "dns_search",
            "dns_opt", "cap_add", "cap_drop", "init", "stop_grace_period", "stop_signal", "shm_size", "ulimits", "sysctls",
            "expose", "read_only", "security_opt", "devices", "mem_limit", "cpus", "pids_limit", "tty", "stdin_open", "ipc",
            "pid", "mac_address", "group_add", "pull_policy", "logging");

    /** Keys of a service the engine cannot do, with why: refused by name rather than ignored. */
    static final Map<String, String> REFUSED = Map.ofEntries(
            Map.entry("platform", "the engine runs images of its own platform only"),
            Map.entry("network_mode", "it is not read yet; join the services' networks with networks:"),
            Map.entry("deploy", "Stevedore runs one container per service, with no swarm"),
            Map.entry("scale", "Stevedore runs one container per service"),
            Map.entry("secrets", "mount the file with volumes: instead"),
            Map.entry("configs", "mount the file with volumes: instead"),
            Map.entry("extends", "it is not read yet; use a YAML anchor and <<: instead"),
            Map.entry("cgroup_parent", "the engine places every container in its own cgroup"),
            Map.entry("userns_mode", "it is not read yet"),
            Map.entry("runtime", "the engine has one runtime"),
            Map.entry("isolation", "it applies to Windows containers only"));

    private static final Pattern BYTES = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kmgt]?)b?", Pattern.CASE_INSENSITIVE);

    private OptionsReader() {
    }

    static ContainerOptions read(JsonNode node, String at) {
        String hostname = Nodes.text(node.get("hostname"), at + ": hostname");
        String stopSignal = Nodes.text(node.get("stop_signal"), at + ": stop_signal");
        String cpus = Nodes.text(node.get("cpus"), at + ": cpus");
        String pidsLimit = Nodes.text(node.get("pids_limit"), at + ": pids_limit");
        ContainerOptions options = new ContainerOptions(Nodes.text(node.get("container_name"), at + ": container_name"),
                hostname, Nodes.text(node.get("domainname"), at + ": domainname"),
                extraHosts(node.get("extra_hosts"), at + ": extra_hosts"), Nodes.strings(node.get("dns"), at + ": dns"),
                Nodes.strings(node.get("dns_search"), at + ": dns_search"), Nodes.strings(node.get("dns_opt"), at + ": dns_opt"),
                Nodes.strings(node.get("cap_add"), at + ": cap_add"), Nodes.strings(node.get("cap_drop"), at + ": cap_drop"),
                Nodes.bool(node.get("init"), at + ": init"), Nodes.duration(node.get("stop_grace_period"), at + ": stop_grace_period"),
                stopSignal, bytes(node.get("shm_size"), at + ": shm_size"), ulimits(node.get("ulimits"), at + ": ulimits"),
                Nodes.stringMap(node.get("sysctls"), at + ": sysctls"), expose(node.get("expose"), at + ": expose"),
                Nodes.bool(node.get("read_only"), at + ": read_only"), Nodes.strings(node.get("security_opt"), at + ": security_opt"),
                Nodes.strings(node.get("devices"), at + ": devices"), bytes(node.get("mem_limit"), at + ": mem_limit"),
                cpus == null ? 0 : number(cpus, at + ": cpus"), pidsLimit == null ? 0 : (long) number(pidsLimit, at + ": pids_limit"),
                Nodes.bool(node.get("tty"), at + ": tty"), Nodes.bool(node.get("stdin_open"), at + ": stdin_open"),
                Nodes.text(node.get("ipc"), at + ": ipc"), Nodes.text(node.get("pid"), at + ": pid"),
                Nodes.text(node.get("mac_address"), at + ": mac_address"), Nodes.strings(node.get("group_add"), at + ": group_add"),
                pullPolicy(Nodes.text(node.get("pull_policy"), at + ": pull_policy"), at + ": pull_policy"),
                logging(node.get("logging"), at + ": logging"));
        try {
            // what the engine refuses (a device, a mode, a capability's spelling) fails the read, not the start
            ContainerSpec.Builder scratch = ContainerSpec.builder("scratch");
            options.applyTo(scratch);
            scratch.build();
        } catch (IllegalArgumentException e) {
            throw new ComposeFileException(at + ": " + e.getMessage());
        }
        return options;
    }

    /** {@code extra_hosts} as a list of {@code NAME:ADDRESS} or {@code NAME=ADDRESS}, or a mapping of names to addresses. */
    static List<String> extraHosts(JsonNode node, String at) {
        List<String> hosts = new ArrayList<>();
        if (node != null && node.isObject()) {
            node.fields().forEachRemaining(e -> hosts.add(e.getKey() + ":" + Nodes.text(e.getValue(), at + ": " + e.getKey())));
            return hosts;
        }
        for (String entry : Nodes.strings(node, at)) {
            int equals = entry.indexOf('=');
            int colon = entry.indexOf(':');
            int split = equals > 0 ? equals : colon;
            if (split <= 0 || split == entry.length() - 1) {
                throw new ComposeFileException(at + ": \"" + entry + "\" is not NAME:ADDRESS or NAME=ADDRESS");
            }
            hosts.add(entry.substring(0, split) + ":" + entry.substring(split + 1));
        }
        return hosts;
    }

    /** {@code ulimits: {nproc: 65535, nofile: {soft: 20000, hard: 40000}}}. */
    private static List<Ulimit> ulimits(JsonNode node, String at) {
        List<Ulimit> ulimits = new ArrayList<>();
        if (node == null || node.isNull()) {
            return ulimits;
        }
        Nodes.requireObject(node, at);
        node.fields().forEachRemaining(e -> {
            String where = at + ": " + e.getKey();
            JsonNode value = e.getValue();
            try {
                if (value != null && value.isObject()) {
                    Nodes.onlyKeys(value, where, Set.of("soft", "hard"));
                    String soft = Nodes.text(value.get("soft"), where + ": soft");
                    String hard = Nodes.text(value.get("hard"), where + ": hard");
                    if (soft == null || hard == null) {
                        throw new ComposeFileException(where + ": needs both soft and hard");
                    }
                    ulimits.add(new Ulimit(e.getKey(), Long.parseLong(soft), Long.parseLong(hard)));
                } else {
                    long limit = Long.parseLong(Nodes.text(value, where));
                    ulimits.add(new Ulimit(e.getKey(), limit, limit));
                }
            } catch (NumberFormatException bad) {
                throw new ComposeFileException(where + ": a limit must be a whole number");
            } catch (IllegalArgumentException bad) {
                throw new ComposeFileException(where + ": " + bad.getMessage());
            }
        });
        return ulimits;
    }

    /** {@code expose: ["3000", "8080/udp"]} as {@code PORT/PROTOCOL}. */
    private static List<String> expose(JsonNode node, String at) {
        List<String> ports = new ArrayList<>();
        for (String entry : Nodes.strings(node, at)) {
            String[] parts = entry.split("/", 2);
            String protocol = parts.length == 2 ? parts[1] : "tcp";
            if (!parts[0].matches("\\d{1,5}") || Integer.parseInt(parts[0]) < 1 || Integer.parseInt(parts[0]) > 65535
                    || !Set.of("tcp", "udp", "sctp").contains(protocol)) {
                throw new ComposeFileException(at + ": \"" + entry + "\" is not PORT[/tcp|udp|sctp] (ranges are not supported)");
            }
            ports.add(parts[0] + "/" + protocol);
        }
        return ports;
    }

    /** Compose's byte values: a number of bytes, or one with a unit {@code b}, {@code k}, {@code m}, {@code g} ({@code 512m}, {@code 1gb}). */
    static long bytes(JsonNode node, String at) {
        String value = Nodes.text(node, at);
        if (value == null) {
            return 0;
        }
        Matcher matcher = BYTES.matcher(value.strip());
        if (!matcher.matches()) {
            throw new ComposeFileException(at + ": \"" + value + "\" is not a size (write e.g. 64m, 1g, 512k or bytes)");
        }
        long unit = switch (matcher.group(2).toLowerCase(Locale.ROOT)) {
            case "k" -> 1L << 10;
            case "m" -> 1L << 20;
            case "g" -> 1L << 30;
            case "t" -> 1L << 40;
            default -> 1L;
        };
        return (long) (Double.parseDouble(matcher.group(1)) * unit);
    }

    private static double number(String value, String at) {
        try {
            double number = Double.parseDouble(value);
            if (number >= 0) {
                return number;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ComposeFileException(at + ": \"" + value + "\" is not a number from 0");
    }

    private static ContainerSpec.PullPolicy pullPolicy(String value, String at) {
        if (value == null) {
            return null;
        }
        return switch (value) {
            case "always" -> ContainerSpec.PullPolicy.ALWAYS;
            case "never" -> ContainerSpec.PullPolicy.NEVER;
            case "missing", "if_not_present" -> ContainerSpec.PullPolicy.MISSING;
            default -> throw new ComposeFileException(at + ": \"" + value + "\" is not supported (always, never, missing;"
                    + " a service that is built is built when its image is missing)");
        };
    }

    private static LogConfig logging(JsonNode node, String at) {
        if (node == null || node.isNull()) {
            return null;
        }
        Nodes.requireObject(node, at);
        Nodes.onlyKeys(node, at, Set.of("driver", "options"));
        String driver = Nodes.text(node.get("driver"), at + ": driver");
        try {
            return new LogConfig(driver == null ? LogConfig.DEFAULT.type() : driver,
                    Nodes.stringMap(node.get("options"), at + ": options"));
        } catch (IllegalArgumentException e) {
            throw new ComposeFileException(at + ": " + e.getMessage());
        }
    }
}
