package dev.stevedore.serve.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.ImageConfig;
import dev.stevedore.engine.Mount;
import dev.stevedore.engine.PortBinding;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The body of {@code POST /containers/create} as a {@link ContainerSpec}: the fields Docker clients send
 * (the CLI, docker-java with every unset field {@code null}), mapped onto the engine's. Images are never
 * pulled here: a missing image is a 404, and the client pulls it, as with dockerd.
 *
 * @param spec       what the engine creates
 * @param autoRemove {@code HostConfig.AutoRemove}: the server removes the container when it exits
 * @param networks   further networks to connect it to after create (name or id → aliases)
 * @param healthcheck the request's {@code Healthcheck} ({@code NONE} too, which turns the image's off), or {@code null}
 */
record CreateRequest(ContainerSpec spec, boolean autoRemove, Map<String, List<String>> networks,
                     ImageConfig.Healthcheck healthcheck) {

    /**
     * @param name          the {@code name} query parameter, or {@code null}
     * @param defaultHostIp where a port binds when the client names no address ({@code HostIp: ""}); {@code null}
     *                      for the engine's default, loopback
     */
    static CreateRequest parse(JsonNode body, String name, String defaultHostIp) {
        if (!body.isObject()) {
            throw ApiException.badRequest("Config cannot be empty in order to create a container");
        }
        String image = Json.text(body, "Image");
        if (image == null) {
            throw ApiException.badRequest("No image was specified in the request: set Config.Image");
        }
        if (body.path("Tty").asBoolean(false)) {
            throw ApiException.badRequest("a TTY (docker run -t) is not supported by stevedore serve: its engine keeps a"
                    + " container's output as stdout and stderr lines; run without -t");
        }
        JsonNode host = body.path("HostConfig");
        refuseUnsupported(host);
        ContainerSpec.Builder b = ContainerSpec.builder(image)
                .name(name == null || name.isEmpty() ? null : name.startsWith("/") ? name.substring(1) : name)
                .pullPolicy(ContainerSpec.PullPolicy.NEVER)
                .workingDir(Json.text(body, "WorkingDir"))
                .user(Json.text(body, "User"))
                .hostname(Json.text(body, "Hostname"))
                .stopSignal(Json.text(body, "StopSignal"))
                .labels(Json.stringMap(body, "Labels"))
                .openStdin(body.path("OpenStdin").asBoolean(false))
                .stdinOnce(body.path("StdinOnce").asBoolean(false));
        List<String> entrypoint = Json.strings(body, "Entrypoint");
        if (entrypoint != null) {
            // --entrypoint "" arrives as [""]: no entrypoint at all, the command alone runs
            b.entrypoint(entrypoint.size() == 1 && entrypoint.get(0).isEmpty() ? List.of() : entrypoint);
        }
        List<String> cmd = Json.strings(body, "Cmd");
        if (cmd != null && !cmd.isEmpty()) {
            b.cmd(cmd);
        }
        List<String> env = Json.strings(body, "Env");
        if (env != null) {
            // Docker drops a bare KEY that the client could not resolve; KEY= is an empty value
            env.stream().filter(e -> e.indexOf('=') > 0).forEach(b::env);
        }
        if (body.hasNonNull("StopTimeout")) {
            b.stopTimeout(Duration.ofSeconds(body.path("StopTimeout").asLong()));
        }
        body.path("ExposedPorts").fieldNames().forEachRemaining(port -> b.expose(portKey(port)));
        ports(host.path("PortBindings"), defaultHostIp).forEach(b::port);
        b.publishAllPorts(host.path("PublishAllPorts").asBoolean(false));
        mounts(host).forEach(b::mount);
        b.readOnlyRootfs(host.path("ReadonlyRootfs").asBoolean(false));
        b.shmSizeBytes(Math.max(0, host.path("ShmSize").asLong(0)));
        List<String> securityOpts = Json.strings(host, "SecurityOpt");
        if (securityOpts != null) {
            securityOpts.forEach(b::securityOpt); // seccomp=<profile JSON>: the docker CLI has read the file
        }
        b.memoryBytes(Math.max(0, host.path("Memory").asLong(0)));
        long nanoCpus = host.path("NanoCpus").asLong(0);
        long quota = host.path("CpuQuota").asLong(0);
        long period = host.path("CpuPeriod").asLong(0);
        if (nanoCpus > 0) {
            b.cpus(nanoCpus / 1e9);
        } else if (quota > 0) {
            b.cpus((double) quota / (period > 0 ? period : 100_000));
        }
        if (host.hasNonNull("PidsLimit")) {
            b.pidsLimit(host.path("PidsLimit").asLong()); // 0 or -1: none; absent or null: the engine's default
        }
        String networkMode = Json.text(host, "NetworkMode");
        String mode = networkMode == null || networkMode.equals("default") || networkMode.equals("bridge") ? null : networkMode;
        b.networkMode(mode);
        Map<String, List<String>> others = new LinkedHashMap<>();
        JsonNode endpoints = body.path("NetworkingConfig").path("EndpointsConfig");
        endpoints.properties().forEach(entry -> {
            String network = entry.getKey();
            List<String> aliases = Json.strings(entry.getValue(), "Aliases");
            List<String> names = aliases == null ? List.of() : aliases.stream().filter(a -> !a.isEmpty()).toList();
            boolean primary = mode == null ? network.equals("default") || network.equals("bridge") : network.equals(mode);
            if (primary) {
                names.forEach(b::networkAlias);
            } else if (mode == null && endpoints.size() == 1 && !network.equals("host") && !network.equals("none")) {
                // a client that names its one network only here (no NetworkMode) means that network
                b.networkMode(network);
                names.forEach(b::networkAlias);
            } else {
                others.put(network, names);
            }
        });
        ContainerSpec spec;
        try {
            spec = b.build();
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        return new CreateRequest(spec, host.path("AutoRemove").asBoolean(false), others, HealthChecks.parse(body.path("Healthcheck")));
    }

    /**
     * Settings the engine cannot apply are refused rather than dropped: a container that silently lacks a host
     * entry, a capability or an init process fails later and far from the cause.
     */
    private static void refuseUnsupported(JsonNode host) {
        if (host.path("Privileged").asBoolean(false)) {
            throw unsupported("--privileged");
        }
        if (nonEmpty(host.path("CapAdd"))) {
            throw unsupported("--cap-add");
        }
        if (nonEmpty(host.path("CapDrop"))) {
            throw unsupported("--cap-drop");
        }
        if (nonEmpty(host.path("Devices"))) {
            throw unsupported("--device");
        }
        if (nonEmpty(host.path("ExtraHosts"))) {
            throw unsupported("--add-host (HostConfig.ExtraHosts)");
        }
        if (host.path("Init").asBoolean(false)) {
            throw unsupported("--init (the command runs as pid 1)");
        }
        String restart = Json.text(host.path("RestartPolicy"), "Name");
        if (restart != null && !restart.equals("no")) {
            throw unsupported("--restart " + restart);
        }
    }

    private static boolean nonEmpty(JsonNode node) {
        return (node.isArray() || node.isObject()) && !node.isEmpty();
    }

    private static ApiException unsupported(String what) {
        return ApiException.badRequest(what + " is not supported by stevedore serve: its engine cannot apply it");
    }

    /** {@code 8080} → {@code 8080/tcp}. */
    static String portKey(String port) {
        String p = port.strip().toLowerCase(Locale.ROOT);
        return p.indexOf('/') < 0 ? p + "/tcp" : p;
    }

    /** {@code {"80/tcp":[{"HostIp":"","HostPort":"8080"}]}}; an empty host port asks for a free one. */
    static List<PortBinding> ports(JsonNode bindings, String defaultHostIp) {
        List<PortBinding> ports = new ArrayList<>();
        bindings.properties().forEach(entry -> {
            String key = portKey(entry.getKey());
            int slash = key.indexOf('/');
            int containerPort = parsePort(key.substring(0, slash), entry.getKey());
            String protocol = key.substring(slash + 1);
            JsonNode list = entry.getValue();
            if (!list.isArray() || list.isEmpty()) {
                ports.add(new PortBinding(containerPort, protocol, defaultHostIp, 0));
                return;
            }
            for (JsonNode binding : list) {
                String hostPort = Json.text(binding, "HostPort");
                int port = 0;
                if (hostPort != null) {
                    // a range ("8000-8010") takes its first port
                    int dash = hostPort.indexOf('-');
                    port = parsePort(dash > 0 ? hostPort.substring(0, dash) : hostPort, hostPort);
                }
                String hostIp = Json.text(binding, "HostIp");
                ports.add(new PortBinding(containerPort, protocol, hostIp != null ? hostIp : defaultHostIp, port));
            }
        });
        return ports;
    }

    private static int parsePort(String text, String whole) {
        try {
            int port = Integer.parseInt(text.strip());
            if (port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("invalid port \"" + whole + "\"");
        }
    }

    /** {@code Binds}, {@code Mounts} and {@code Tmpfs}. */
    static List<Mount> mounts(JsonNode host) {
        List<Mount> mounts = new ArrayList<>();
        for (JsonNode bind : host.path("Binds")) {
            mounts.add(bind(bind.asText()));
        }
        for (JsonNode mount : host.path("Mounts")) {
            String type = Json.text(mount, "Type");
            String target = Json.text(mount, "Target");
            String source = Json.text(mount, "Source");
            boolean readOnly = mount.path("ReadOnly").asBoolean(false);
            try {
                switch (type == null ? "volume" : type) {
                    case "bind" -> mounts.add(Mount.bind(source, target, readOnly));
                    case "volume" -> mounts.add(Mount.volume(source, target, readOnly));
                    case "tmpfs" -> mounts.add(Mount.tmpfs(target, tmpfsOptions(mount.path("TmpfsOptions"))));
                    default -> throw ApiException.badRequest("mount type \"" + type + "\" is not supported: use bind, volume or tmpfs");
                }
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest(e.getMessage());
            }
        }
        host.path("Tmpfs").properties().forEach(e -> {
            try {
                mounts.add(Mount.tmpfs(e.getKey(), e.getValue().isNull() ? "" : e.getValue().asText()));
            } catch (IllegalArgumentException ex) {
                throw ApiException.badRequest(ex.getMessage());
            }
        });
        return mounts;
    }

    /** {@code /host:/ctr[:opts]} or {@code volume:/ctr[:opts]}; of the options only {@code ro} matters here. */
    static Mount bind(String spec) {
        String[] parts = spec.split(":");
        if (parts.length < 2 || parts.length > 3) {
            throw ApiException.badRequest("invalid volume specification: '" + spec + "'");
        }
        boolean readOnly = false;
        if (parts.length == 3) {
            for (String option : parts[2].split(",")) {
                // z/Z (SELinux labels), propagation and nocopy have no meaning for the embedded engine
                if (option.equals("ro")) {
                    readOnly = true;
                }
            }
        }
        try {
            return parts[0].startsWith("/") ? Mount.bind(parts[0], parts[1], readOnly) : Mount.volume(parts[0], parts[1], readOnly);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("invalid volume specification: '" + spec + "': " + e.getMessage());
        }
    }

    private static String tmpfsOptions(JsonNode options) {
        List<String> result = new ArrayList<>();
        if (options.path("SizeBytes").asLong(0) > 0) {
            result.add("size=" + options.path("SizeBytes").asLong());
        }
        if (options.path("Mode").asLong(0) > 0) {
            result.add("mode=" + Long.toOctalString(options.path("Mode").asLong()));
        }
        return String.join(",", result);
    }
}
