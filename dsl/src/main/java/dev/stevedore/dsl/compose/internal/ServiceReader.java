package dev.stevedore.dsl.compose.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stevedore.dsl.compose.ComposeFileException;
import dev.stevedore.engine.BuildSpec;
import dev.stevedore.engine.Link;
import dev.stevedore.engine.VolumesFrom;
import dev.stevedore.engine.RestartPolicy;
import dev.stevedore.dsl.compose.ComposeProject;
import dev.stevedore.dsl.compose.ComposeService;
import dev.stevedore.dsl.compose.ComposeService.Condition;
import dev.stevedore.dsl.compose.ComposeService.Volume;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/** Reads one service of a compose file, refusing keys outside the supported set. */
final class ServiceReader {
    private static final Set<String> KEYS = Set.of("image", "build", "command", "entrypoint", "environment", "env_file",
            "ports", "volumes", "tmpfs", "networks", "depends_on", "healthcheck", "labels", "user", "working_dir", "restart",
            "volumes_from", "links", "privileged", "profiles");

    private final String file;
    private final Path directory;
    private final String project;
    private final Function<String, String> variables;

    ServiceReader(String file, Path directory, String project, Function<String, String> variables) {
        this.file = file;
        this.directory = directory;
        this.project = project;
        this.variables = variables;
    }

    ComposeService read(String name, JsonNode node) {
        String at = file + ": service \"" + name + "\"";
        if (!name.matches("[a-zA-Z0-9][a-zA-Z0-9_.-]*")) {
            throw new ComposeFileException(at + ": a service name must be letters, digits, '_', '.', '-'");
        }
        if (node == null || !node.isObject()) {
            throw new ComposeFileException(at + ": must be a mapping");
        }
        node.fieldNames().forEachRemaining(key -> {
            if (OptionsReader.REFUSED.containsKey(key)) {
                throw new ComposeFileException(at + ": key \"" + key + "\" is not supported: " + OptionsReader.REFUSED.get(key));
            }
            if (!KEYS.contains(key) && !OptionsReader.KEYS.contains(key) && !key.startsWith("x-")) {
                throw new ComposeFileException(at + ": key \"" + key + "\" is not supported");
            }
        });
        List<String> profiles = Nodes.strings(node.get("profiles"), at + ": profiles");
        for (String profile : profiles) {
            if (!profile.matches("[a-zA-Z0-9][a-zA-Z0-9_.-]*")) {
                throw new ComposeFileException(at + ": profiles: \"" + profile + "\" is not a profile name (letters, digits, '_', '.', '-')");
            }
        }
        String restart = Nodes.text(node.get("restart"), at + ": restart");
        RestartPolicy policy;
        try {
            // YAML reads an unquoted no as false
            policy = restart == null || restart.equals("false") ? RestartPolicy.NO : RestartPolicy.parse(restart);
        } catch (IllegalArgumentException e) {
            throw new ComposeFileException(at + ": restart: " + e.getMessage());
        }
        List<String> volumesFrom = Nodes.strings(node.get("volumes_from"), at + ": volumes_from");
        Map<String, Condition> dependsOn = dependsOn(node.get("depends_on"), at + ": depends_on");
        for (String from : volumesFrom) {
            String service = volumesFromService(from, at + ": volumes_from");
            if (service != null) {
                dependsOn.putIfAbsent(service, Condition.SERVICE_STARTED); // Compose starts it first
            }
        }
        List<String> links = new ArrayList<>();
        for (String link : Nodes.strings(node.get("links"), at + ": links")) {
            try {
                links.add(Link.parse(link).toString());
            } catch (IllegalArgumentException e) {
                throw new ComposeFileException(at + ": links: " + e.getMessage());
            }
            dependsOn.putIfAbsent(Link.parse(link).container(), Condition.SERVICE_STARTED); // Compose starts it first
        }
        ComposeService.Build build = build(node.get("build"), at + ": build");
        String image = Nodes.text(node.get("image"), at + ": image");
        if (image == null && build == null) {
            throw new ComposeFileException(at + ": has neither image nor build");
        }
        if (image == null) {
            image = (project + "-" + name).toLowerCase(Locale.ROOT);
        }
        Map<String, String> environment = new LinkedHashMap<>();
        for (String envFile : Nodes.strings(node.get("env_file"), at + ": env_file")) {
            environment.putAll(EnvFile.read(directory.resolve(envFile), true, at + ": env_file"));
        }
        environment.putAll(Nodes.stringMap(node.get("environment"), at + ": environment", variables));
        List<Volume> volumes = volumes(node.get("volumes"), at + ": volumes");
        for (String path : Nodes.strings(node.get("tmpfs"), at + ": tmpfs")) {
            volumes.add(new Volume(Volume.Type.TMPFS, null, path, false));
        }
        return new ComposeService(name, image, build, command(node.get("command"), at + ": command"),
                command(node.get("entrypoint"), at + ": entrypoint"), environment, ports(node.get("ports"), at + ": ports"),
                volumes, networks(node.get("networks"), at + ": networks"), dependsOn,
                healthcheck(node.get("healthcheck"), at + ": healthcheck"), Nodes.stringMap(node.get("labels"), at + ": labels"),
                Nodes.text(node.get("user"), at + ": user"), Nodes.text(node.get("working_dir"), at + ": working_dir"),
                policy, volumesFrom, links, Nodes.bool(node.get("privileged"), at + ": privileged"),
                OptionsReader.read(node, at), profiles);
    }

    /**
     * The service a {@code volumes_from} entry names ({@code SERVICE[:ro|rw]}), or {@code null} for a container
     * ({@code container:NAME[:ro|rw]}); a mode other than ro and rw is refused.
     */
    static String volumesFromService(String entry, String at) {
        String rest = entry.startsWith("container:") ? entry.substring("container:".length()) : entry;
        try {
            VolumesFrom.parse(rest);
        } catch (IllegalArgumentException e) {
            throw new ComposeFileException(at + ": " + e.getMessage());
        }
        return entry.startsWith("container:") ? null : VolumesFrom.parse(rest).container();
    }

    private ComposeService.Build build(JsonNode node, String at) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isValueNode()) {
            return new ComposeService.Build(directory.resolve(node.asText()).normalize(), null, Map.of(), null);
        }
        Nodes.requireObject(node, at);
        Nodes.onlyKeys(node, at, Set.of("context", "dockerfile", "args", "target", "network", "extra_hosts"));
        String context = Nodes.text(node.get("context"), at + ": context");
        String network = Nodes.text(node.get("network"), at + ": network");
        if (network != null && !BuildSpec.NETWORK_MODES.contains(network)) {
            throw new ComposeFileException(at + ": network: \"" + network + "\" cannot be a build's network: its RUN steps"
                    + " take " + String.join(", ", BuildSpec.NETWORK_MODES));
        }
        return new ComposeService.Build(directory.resolve(context == null ? "." : context).normalize(),
                Nodes.text(node.get("dockerfile"), at + ": dockerfile"), Nodes.stringMap(node.get("args"), at + ": args", variables),
                Nodes.text(node.get("target"), at + ": target"), network,
                OptionsReader.extraHosts(node.get("extra_hosts"), at + ": extra_hosts"));
    }

    private static List<String> command(JsonNode node, String at) {
        if (node == null || node.isNull()) {
            return null;
        }
        return node.isArray() ? Nodes.strings(node, at) : Nodes.shellWords(node.asText(), at);
    }

    private static List<ComposeService.Port> ports(JsonNode node, String at) {
        List<ComposeService.Port> ports = new ArrayList<>();
        if (node == null || node.isNull()) {
            return ports;
        }
        if (!node.isArray()) {
            throw new ComposeFileException(at + ": must be a list");
        }
        for (JsonNode entry : node) {
            if (entry.isObject()) {
                Nodes.onlyKeys(entry, at, Set.of("target", "published", "host_ip", "protocol", "mode"));
                protocol(Nodes.text(entry.get("protocol"), at), at);
                ports.add(new ComposeService.Port(Nodes.text(entry.get("host_ip"), at),
                        port(Nodes.text(entry.get("published"), at), true, at), port(Nodes.text(entry.get("target"), at), false, at)));
                continue;
            }
            String spec = Nodes.text(entry, at);
            int slash = spec.indexOf('/');
            if (slash >= 0) {
                protocol(spec.substring(slash + 1), at);
                spec = spec.substring(0, slash);
            }
            int lastColon = spec.lastIndexOf(':');
            String container = spec.substring(lastColon + 1);
            String host = lastColon < 0 ? null : spec.substring(0, lastColon);
            String hostIp = null;
            if (host != null && host.contains(":")) {
                int colon = host.lastIndexOf(':');
                hostIp = host.substring(0, colon).replaceAll("^\\[|]$", "");
                host = host.substring(colon + 1);
            }
            ports.add(new ComposeService.Port(hostIp, port(host, true, at), port(container, false, at)));
        }
        return ports;
    }

    private static void protocol(String protocol, String at) {
        if (protocol != null && !protocol.equals("tcp")) {
            throw new ComposeFileException(at + ": protocol \"" + protocol + "\" is not supported (only tcp)");
        }
    }

    private static int port(String value, boolean host, String at) {
        if (value == null || value.isEmpty()) {
            if (host) {
                return 0;
            }
            throw new ComposeFileException(at + ": a port needs its container port");
        }
        try {
            int port = Integer.parseInt(value);
            if (port >= (host ? 0 : 1) && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below, ranges included
        }
        throw new ComposeFileException(at + ": \"" + value + "\" is not a port (ranges are not supported)");
    }

    private List<Volume> volumes(JsonNode node, String at) {
        List<Volume> volumes = new ArrayList<>();
        if (node == null || node.isNull()) {
            return volumes;
        }
        if (!node.isArray()) {
            throw new ComposeFileException(at + ": must be a list");
        }
        for (JsonNode entry : node) {
            if (entry.isObject()) {
                Nodes.onlyKeys(entry, at, Set.of("type", "source", "target", "read_only"));
                String type = Nodes.text(entry.get("type"), at + ": type");
                String source = Nodes.text(entry.get("source"), at + ": source");
                String target = Nodes.text(entry.get("target"), at + ": target");
                if (target == null) {
                    throw new ComposeFileException(at + ": a volume needs its target");
                }
                boolean readOnly = Nodes.bool(entry.get("read_only"), at + ": read_only");
                switch (type == null ? "" : type) {
                    case "volume" -> {
                        if (source == null) {
                            throw new ComposeFileException(at + ": anonymous volume at " + target + " is not supported; give it a source");
                        }
                        volumes.add(new Volume(Volume.Type.VOLUME, source, target, readOnly));
                    }
                    case "bind" -> volumes.add(new Volume(Volume.Type.BIND, hostPath(source, at), target, readOnly));
                    case "tmpfs" -> volumes.add(new Volume(Volume.Type.TMPFS, null, target, false));
                    default -> throw new ComposeFileException(at + ": type \"" + type + "\" is not supported (volume, bind, tmpfs)");
                }
                continue;
            }
            String[] parts = Nodes.text(entry, at).split(":");
            if (parts.length == 1) {
                throw new ComposeFileException(at + ": \"" + entry.asText() + "\" is an anonymous volume, which is not "
                        + "supported; name it (NAME:" + parts[0] + ") and declare it under the top-level volumes");
            }
            if (parts.length > 3) {
                throw new ComposeFileException(at + ": \"" + entry.asText() + "\" is not SOURCE:TARGET[:MODE]");
            }
            boolean readOnly = parts.length == 3 && List.of(parts[2].split(",")).contains("ro");
            String source = parts[0];
            boolean bind = source.startsWith("/") || source.startsWith(".") || source.startsWith("~");
            volumes.add(bind ? new Volume(Volume.Type.BIND, hostPath(source, at), parts[1], readOnly)
                    : new Volume(Volume.Type.VOLUME, source, parts[1], readOnly));
        }
        return volumes;
    }

    private String hostPath(String source, String at) {
        if (source == null) {
            throw new ComposeFileException(at + ": a bind mount needs its source");
        }
        if (source.startsWith("~")) {
            source = System.getProperty("user.home") + source.substring(1);
        }
        return directory.resolve(source).normalize().toString();
    }

    private static Map<String, List<String>> networks(JsonNode node, String at) {
        Map<String, List<String>> networks = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            networks.put(ComposeProject.DEFAULT_NETWORK, List.of());
        } else if (node.isArray()) {
            Nodes.strings(node, at).forEach(n -> networks.put(n, List.of()));
        } else {
            Nodes.requireObject(node, at);
            node.fields().forEachRemaining(e -> {
                JsonNode spec = e.getValue();
                if (spec != null && !spec.isNull()) {
                    Nodes.onlyKeys(spec, at + ": " + e.getKey(), Set.of("aliases"));
                }
                networks.put(e.getKey(), spec == null ? List.of() : Nodes.strings(spec.get("aliases"), at + ": aliases"));
            });
        }
        return networks;
    }

    private static Map<String, Condition> dependsOn(JsonNode node, String at) {
        Map<String, Condition> dependencies = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return dependencies;
        }
        if (node.isArray()) {
            Nodes.strings(node, at).forEach(n -> dependencies.put(n, Condition.SERVICE_STARTED));
            return dependencies;
        }
        Nodes.requireObject(node, at);
        node.fields().forEachRemaining(e -> {
            String where = at + ": " + e.getKey();
            JsonNode spec = e.getValue();
            Condition condition = Condition.SERVICE_STARTED;
            if (spec != null && !spec.isNull()) {
                Nodes.onlyKeys(spec, where, Set.of("condition"));
                String value = Nodes.text(spec.get("condition"), where + ": condition");
                if (value != null) {
                    try {
                        condition = Condition.valueOf(value.toUpperCase(Locale.ROOT));
                    } catch (IllegalArgumentException unknown) {
                        throw new ComposeFileException(where + ": condition \"" + value + "\" is not one of "
                                + "service_started, service_healthy, service_completed_successfully");
                    }
                }
            }
            dependencies.put(e.getKey(), condition);
        });
        return dependencies;
    }

    private static ComposeService.Healthcheck healthcheck(JsonNode node, String at) {
        if (node == null || node.isNull()) {
            return null;
        }
        Nodes.requireObject(node, at);
        Nodes.onlyKeys(node, at, Set.of("test", "interval", "timeout", "retries", "start_period", "start_interval", "disable"));
        if (Nodes.bool(node.get("disable"), at + ": disable")) {
            return null;
        }
        JsonNode test = node.get("test");
        List<String> command;
        if (test == null || test.isNull()) {
            throw new ComposeFileException(at + ": needs a test (Stevedore does not read the image's HEALTHCHECK here)");
        } else if (test.isArray()) {
            List<String> words = Nodes.strings(test, at + ": test");
            String form = words.isEmpty() ? "" : words.get(0);
            switch (form) {
                case "NONE":
                    return null;
                case "CMD":
                    command = words.subList(1, words.size());
                    break;
                case "CMD-SHELL":
                    command = List.of("/bin/sh", "-c", String.join(" ", words.subList(1, words.size())));
                    break;
                default:
                    throw new ComposeFileException(at + ": test must start with CMD, CMD-SHELL or NONE");
            }
        } else {
            command = List.of("/bin/sh", "-c", test.asText());
        }
        if (command.isEmpty()) {
            throw new ComposeFileException(at + ": test names no command");
        }
        String retries = Nodes.text(node.get("retries"), at + ": retries");
        return new ComposeService.Healthcheck(command, Nodes.duration(node.get("interval"), at + ": interval"),
                Nodes.duration(node.get("timeout"), at + ": timeout"), retries == null ? 0 : Integer.parseInt(retries),
                Nodes.duration(node.get("start_period"), at + ": start_period"));
    }
}
