package dev.stevedore.serve.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stevedore.docker.wire.DockerStatus;
import dev.stevedore.engine.ContainerHealth;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.HealthCheck;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.Link;
import dev.stevedore.engine.ContainerState;
import dev.stevedore.engine.ImageConfig;
import dev.stevedore.engine.Mount;
import dev.stevedore.engine.NetworkInfo;
import dev.stevedore.engine.PortBinding;
import dev.stevedore.engine.VolumeInfo;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * A container as Docker clients read it: the inspect document ({@code GET /containers/{id}/json}) and the
 * list summary ({@code GET /containers/json}), with the fields the docker CLI and Testcontainers need present
 * and correctly typed (see the reference checklist): {@code State} with {@code Paused} and {@code ExitCode},
 * a non-null {@code Config}, {@code NetworkSettings.Ports} as an object, times in RFC 3339.
 */
final class ContainerDocuments {
    private ContainerDocuments() {
    }

    /** The effective entrypoint: the request's, else the image's. */
    static List<String> entrypoint(ContainerSpec spec, ImageConfig image) {
        return spec.entrypoint() != null ? spec.entrypoint() : image.entrypoint();
    }

    /** The effective cmd: the request's, else (unless the request replaced the entrypoint) the image's. */
    static List<String> cmd(ContainerSpec spec, ImageConfig image) {
        if (spec.cmd() != null) {
            return spec.cmd();
        }
        return spec.entrypoint() != null ? List.of() : image.cmd();
    }

    /**
     * {@code GET /containers/{id}/json}, its {@code State.Health} and {@code Config.Healthcheck} the engine's.
     * {@code blankHostIp} is the address a port binding without {@code HostIp} got: {@code HostConfig.PortBindings}
     * echoes it as the {@code ""} asked (as dockerd does), while {@code NetworkSettings.Ports} says where it listens.
     */
    static ObjectNode inspect(ContainerInfo c, ImageConfig image, boolean autoRemove, Function<String, NetworkInfo> networks,
                              Function<String, Optional<VolumeInfo>> volumes, String blankHostIp) {
        ContainerSpec spec = c.spec();
        ObjectNode doc = Json.object();
        doc.put("Id", c.id());
        doc.put("Created", Json.time(c.created()));
        doc.put("Path", c.command().isEmpty() ? "" : c.command().get(0));
        doc.set("Args", Json.strings(c.command().isEmpty() ? List.of() : c.command().subList(1, c.command().size())));
        ObjectNode state = state(c.state());
        if (c.health() != null) {
            state.set("Health", health(c.health()));
        }
        doc.set("State", state);
        doc.put("Image", c.imageId());
        doc.put("ResolvConfPath", "");
        doc.put("HostnamePath", "");
        doc.put("HostsPath", "");
        doc.put("LogPath", "");
        doc.put("Name", "/" + c.name());
        doc.put("RestartCount", c.restartCount());
        doc.put("Driver", "overlay2");
        doc.put("Platform", "linux");
        doc.put("MountLabel", "");
        doc.put("ProcessLabel", "");
        doc.put("AppArmorProfile", "");
        doc.putNull("ExecIDs");
        doc.set("HostConfig", hostConfig(spec, c.name(), autoRemove, blankHostIp));
        doc.set("GraphDriver", Json.object().put("Name", "overlay2").set("Data", Json.object()));
        doc.set("Mounts", MountDocuments.of(c, volumes));
        ObjectNode config = config(c, image);
        HealthCheck healthcheck = spec.healthCheck();
        if (healthcheck != null) {
            config.set("Healthcheck", healthcheck(healthcheck.test(), healthcheck.interval(), healthcheck.timeout(),
                    healthcheck.startPeriod(), healthcheck.startInterval(), healthcheck.retries()));
        }
        doc.set("Config", config);
        doc.set("NetworkSettings", networkSettings(c, image, networks));
        return doc;
    }

    /** dockerd's {@code Healthcheck} of a container's or an image's config: a zero field left out, as Go's omitempty does. */
    static ObjectNode healthcheck(List<String> test, java.time.Duration interval, java.time.Duration timeout,
                                  java.time.Duration startPeriod, java.time.Duration startInterval, int retries) {
        ObjectNode check = Json.object().set("Test", Json.strings(test));
        java.util.Map<String, java.time.Duration> durations = new java.util.LinkedHashMap<>();
        durations.put("Interval", interval);
        durations.put("Timeout", timeout);
        durations.put("StartPeriod", startPeriod);
        durations.put("StartInterval", startInterval); // API 1.44's
        durations.forEach((name, duration) -> {
            if (duration != null && !duration.isZero()) {
                check.put(name, duration.toNanos());
            }
        });
        if (retries != 0) {
            check.put("Retries", retries);
        }
        return check;
    }

    /** dockerd's {@code State.Health}. */
    static ObjectNode health(ContainerHealth health) {
        ObjectNode doc = Json.object().put("Status", health.status().dockerName()).put("FailingStreak", health.failingStreak());
        ArrayNode log = doc.putArray("Log");
        for (ContainerHealth.Result r : health.log()) {
            log.addObject().put("Start", Json.time(r.start())).put("End", Json.time(r.end())).put("ExitCode", r.exitCode())
                    .put("Output", r.output());
        }
        return doc;
    }

    static ObjectNode state(ContainerState s) {
        ObjectNode state = Json.object();
        state.put("Status", s.status().name().toLowerCase(Locale.ROOT));
        boolean restarting = s.status() == ContainerState.Status.RESTARTING;
        state.put("Running", s.running() || restarting); // as dockerd: running, between two runs
        state.put("Paused", s.paused());
        state.put("Restarting", restarting);
        state.put("OOMKilled", s.oomKilled());
        state.put("Dead", s.status() == ContainerState.Status.DEAD);
        state.put("Pid", s.running() ? s.pid() : 0);
        state.put("ExitCode", s.exitCode());
        state.put("Error", s.error());
        state.put("StartedAt", Json.time(s.startedAt()));
        state.put("FinishedAt", Json.time(s.finishedAt()));
        return state;
    }

    private static ObjectNode hostConfig(ContainerSpec spec, String name, boolean autoRemove, String blankHostIp) {
        ObjectNode host = Json.object();
        ArrayNode binds = host.putArray("Binds");
        ObjectNode tmpfs = Json.object();
        for (Mount m : spec.mounts()) {
            if (m.type() == Mount.Type.TMPFS) {
                tmpfs.put(m.target(), m.options());
            } else {
                binds.add(m.source() + ":" + m.target() + (!m.options().isEmpty() ? ":" + m.options() : m.readOnly() ? ":ro" : ""));
            }
        }
        host.put("NetworkMode", spec.networkMode() == null ? "bridge" : spec.networkMode());
        host.set("PortBindings", portBindings(spec.ports(), blankHostIp));
        // as dockerd answers them when not asked for; the embedded engine's cgroup namespace is always its own then
        host.put("PidMode", spec.pidMode() == null ? "" : spec.pidMode());
        host.put("IpcMode", spec.ipcMode() == null ? "private" : spec.ipcMode());
        host.put("UTSMode", spec.utsMode() == null ? "" : spec.utsMode());
        host.put("CgroupnsMode", spec.cgroupnsMode() == null ? "private" : spec.cgroupnsMode());
        host.put("UsernsMode", spec.usernsMode() == null ? "" : spec.usernsMode());
        host.set("RestartPolicy", Json.object().put("Name", spec.restartPolicy().kind().dockerName())
                .put("MaximumRetryCount", spec.restartPolicy().maximumRetries()));
        host.put("AutoRemove", autoRemove || spec.autoRemove());
        host.put("OomScoreAdj", spec.oomScoreAdj());
        if (!CreateEcho.clientAnnotations(spec).isEmpty()) { // API 1.43, omitted when empty as dockerd does
            host.set("Annotations", Json.MAPPER.valueToTree(CreateEcho.clientAnnotations(spec)));
        }
        host.put("PublishAllPorts", spec.publishAllPorts());
        host.put("Privileged", spec.privileged());
        host.put("Runtime", "runc"); // dockerd's name for its default runtime, which clients read (CreateFields)
        host.put("ReadonlyRootfs", spec.readOnlyRootfs());
        host.put("ShmSize", spec.shmSizeBytes() > 0 ? spec.shmSizeBytes() : 64L * 1024 * 1024);
        // as dockerd: the options given, null when none (then the builtin profile applies, as /info says)
        stringsOrNull(host, "SecurityOpt", securityOpts(spec));
        stringsOrNull(host, "CapAdd", spec.capAdd());
        stringsOrNull(host, "CapDrop", spec.capDrop());
        stringsOrNull(host, "ExtraHosts", spec.extraHosts());
        stringsOrNull(host, "VolumesFrom", spec.volumesFrom());
        // as dockerd: the default bridge's links as /NAME:/PARENT/ALIAS; a user network's are its endpoint's
        stringsOrNull(host, "Links", userNetwork(spec.networkMode()) ? List.of() : spec.links().stream()
                .map(l -> "/" + Link.parse(l).container() + ":/" + name + "/" + Link.parse(l).alias()).toList());
        ArrayNode devices = host.putArray("Devices"); // dockerd answers [] when none were given
        spec.devices().forEach(d -> devices.addObject().put("PathOnHost", d.pathOnHost())
                .put("PathInContainer", d.pathInContainer()).put("CgroupPermissions", d.cgroupPermissions()));
        stringsOrNull(host, "GroupAdd", spec.groupAdd());
        if (!spec.sysctls().isEmpty()) {
            ObjectNode sysctls = host.putObject("Sysctls"); // dockerd leaves the field out when there are none
            spec.sysctls().forEach(sysctls::put);
        }
        if (spec.init()) {
            host.put("Init", true); // as dockerd: absent unless asked for
        }
        // dockerd answers [] for these when none were given
        spec.dns().forEach(host.putArray("Dns")::add);
        spec.dnsSearch().forEach(host.putArray("DnsSearch")::add);
        spec.dnsOptions().forEach(host.putArray("DnsOptions")::add);
        if (spec.ulimits().isEmpty()) {
            host.putNull("Ulimits");
        } else {
            ArrayNode ulimits = host.putArray("Ulimits");
            for (String ulimit : spec.ulimits()) { // name=soft:hard, as the spec keeps them
                String[] limits = ulimit.substring(ulimit.indexOf('=') + 1).split(":");
                ulimits.addObject().put("Name", ulimit.substring(0, ulimit.indexOf('='))).put("Hard", Long.parseLong(limits[1]))
                        .put("Soft", Long.parseLong(limits[0]));
            }
        }
        host.put("Memory", spec.memoryBytes());
        host.put("NanoCpus", Math.round(spec.cpus() * 1e9));
        host.put("CpuShares", spec.resources().cpuShares()).put("CpuPeriod", spec.resources().cpuPeriod())
                .put("CpuQuota", spec.resources().cpuQuota()).put("CpusetCpus", spec.resources().cpusetCpus())
                .put("CpusetMems", spec.resources().cpusetMems()).put("BlkioWeight", spec.resources().blkioWeight());
        HostResources.put(host, spec.resources());
        if (spec.pidsLimit() != 0) {
            host.put("PidsLimit", spec.pidsLimit());
        } else {
            host.putNull("PidsLimit");
        }
        if (!tmpfs.isEmpty()) {
            host.set("Tmpfs", tmpfs);
        }
        ObjectNode logOptions = Json.object();
        spec.logConfig().options().forEach(logOptions::put);
        host.set("LogConfig", Json.object().put("Type", spec.logConfig().type()).set("Config", logOptions));
        return host;
    }

    /** As dockerd writes a list of HostConfig: the values as given, {@code null} when none. */
    private static void stringsOrNull(ObjectNode host, String field, List<String> values) {
        if (values.isEmpty()) {
            host.putNull(field);
        } else {
            values.forEach(host.putArray(field)::add);
        }
    }

    private static ObjectNode portBindings(List<PortBinding> ports, String blankHostIp) {
        ObjectNode bindings = Json.object();
        for (PortBinding p : ports) {
            ArrayNode list = bindings.has(p.key()) ? (ArrayNode) bindings.get(p.key()) : bindings.putArray(p.key());
            list.addObject().put("HostIp", p.hostIp().equals(blankHostIp) ? "" : p.hostIp()).put("HostPort", p.hostPort() == 0 ? "" : Integer.toString(p.hostPort()));
        }
        return bindings;
    }

    private static ObjectNode config(ContainerInfo c, ImageConfig image) {
        ContainerSpec spec = c.spec();
        ObjectNode config = Json.object();
        config.put("Hostname", spec.hostname() != null ? spec.hostname() : c.shortId());
        config.put("Domainname", "");
        if (spec.macAddress() != null) {
            config.put("MacAddress", spec.macAddress()); // dockerd (API 1.41) keeps --mac-address here
        }
        config.put("Domainname", spec.domainname() == null ? "" : spec.domainname());
        config.put("User", spec.user() != null ? spec.user() : image.user());
        config.put("AttachStdin", spec.openStdin());
        config.put("AttachStdout", false);
        config.put("AttachStderr", false);
        ObjectNode exposed = Json.object();
        exposedPorts(c, image).forEach(p -> exposed.set(p, Json.object()));
        if (!exposed.isEmpty()) {
            config.set("ExposedPorts", exposed); // dockerd leaves it out when there are none (omitempty)
        }
        config.put("Tty", spec.tty());
        config.put("OpenStdin", spec.openStdin());
        config.put("StdinOnce", spec.openStdin() && spec.stdinOnce());
        config.set("Env", Json.strings(c.env()));
        List<String> cmd = cmd(spec, image);
        config.set("Cmd", cmd.isEmpty() ? null : Json.strings(cmd)); // dockerd: null for none (an entrypoint alone)
        config.put("Image", c.image());
        // the image's, the request's Config.Volumes (those a mount covers too) and the anonymous volume mounts, sorted
        // as dockerd's Go map comes out (docker-java's tests read them in that order)
        java.util.SortedSet<String> paths = new java.util.TreeSet<>(image.volumes());
        paths.addAll(spec.declaredVolumes());
        spec.mounts().stream().filter(m -> m.type() == Mount.Type.VOLUME && m.source().isEmpty()).forEach(m -> paths.add(m.target()));
        ObjectNode volumes = Json.object();
        paths.forEach(v -> volumes.set(v, Json.object()));
        config.set("Volumes", volumes.isEmpty() ? null : volumes);
        config.put("WorkingDir", spec.workingDir() != null ? spec.workingDir() : image.workingDir());
        List<String> entrypoint = entrypoint(spec, image);
        config.set("Entrypoint", entrypoint.isEmpty() ? null : Json.strings(entrypoint));
        config.putNull("OnBuild");
        config.set("Labels", Json.stringMap(c.labels()));
        String stopSignal = spec.stopSignal() != null ? spec.stopSignal() : image.stopSignal();
        if (!stopSignal.isEmpty()) {
            config.put("StopSignal", stopSignal);
        }
        if (spec.stopTimeout() != null) {
            config.put("StopTimeout", spec.stopTimeout().toSeconds());
        }
        return config;
    }

    /** Exposed ports: the image's, the request's, and every published one, as {@code 5432/tcp}. */
    static Set<String> exposedPorts(ContainerInfo c, ImageConfig image) {
        Set<String> ports = new LinkedHashSet<>();
        image.exposedPorts().forEach(p -> ports.add(CreateRequest.portKey(p)));
        c.spec().exposedPorts().forEach(p -> ports.add(CreateRequest.portKey(p)));
        c.spec().ports().forEach(p -> ports.add(p.key()));
        c.ports().forEach(p -> ports.add(p.key()));
        return ports;
    }

    private static ObjectNode networkSettings(ContainerInfo c, ImageConfig image, Function<String, NetworkInfo> networks) {
        ObjectNode settings = Json.object();
        settings.put("Bridge", "");
        settings.put("SandboxID", "");
        settings.put("HairpinMode", false);
        settings.put("LinkLocalIPv6Address", "");
        settings.put("LinkLocalIPv6PrefixLen", 0);
        settings.set("Ports", ports(c, image));
        settings.put("SandboxKey", "");
        settings.put("EndpointID", "");
        settings.put("Gateway", "");
        settings.put("GlobalIPv6Address", "");
        settings.put("GlobalIPv6PrefixLen", 0);
        settings.put("IPAddress", "");
        settings.put("IPPrefixLen", 0);
        settings.put("IPv6Gateway", "");
        settings.put("MacAddress", "");
        ObjectNode all = settings.putObject("Networks");
        boolean first = true;
        for (Map.Entry<String, String> entry : c.networks().entrySet()) {
            NetworkInfo network = networks.apply(entry.getKey());
            ObjectNode endpoint = endpoint(c, entry.getKey(), entry.getValue(), network);
            all.set(entry.getKey(), endpoint);
            if (first) {
                first = false;
                settings.put("Gateway", endpoint.path("Gateway").asText());
                settings.put("IPAddress", endpoint.path("IPAddress").asText());
                settings.put("IPPrefixLen", endpoint.path("IPPrefixLen").asInt());
                settings.put("MacAddress", endpoint.path("MacAddress").asText());
            }
        }
        return settings;
    }

    /** Whether {@code networkMode} names a network a user made, where links are the endpoint's, as dockerd keeps them. */
    private static boolean userNetwork(String networkMode) {
        return networkMode != null && !List.of("bridge", "default", "host", "none").contains(networkMode)
                && ContainerSpec.sharedContainer(networkMode) == null;
    }

    private static ObjectNode endpoint(ContainerInfo c, String name, String address, NetworkInfo network) {
        ObjectNode endpoint = Json.object();
        String asked = c.staticAddresses().get(name);
        if (asked == null) {
            endpoint.putNull("IPAMConfig");
        } else {
            endpoint.putObject("IPAMConfig").put("IPv4Address", asked);
        }
        boolean primary = c.spec().networkMode() == null ? name.equals("bridge") : c.spec().networkMode().equals(name)
                || (network != null && network.id().equals(c.spec().networkMode()));
        stringsOrNull(endpoint, "Links", primary && userNetwork(c.spec().networkMode()) ? c.spec().links() : List.of());
        List<String> aliases = c.inspectAliases(name);
        endpoint.set("Aliases", aliases.isEmpty() ? null : Json.strings(aliases));
        endpoint.put("NetworkID", network == null ? "" : network.id());
        endpoint.put("EndpointID", "");
        endpoint.put("Gateway", network == null ? "" : network.gateway());
        endpoint.put("IPAddress", address == null ? "" : address);
        endpoint.put("IPPrefixLen", network == null ? 0 : prefixLength(network.subnet()));
        endpoint.put("IPv6Gateway", "");
        endpoint.put("GlobalIPv6Address", "");
        endpoint.put("GlobalIPv6PrefixLen", 0);
        // as dockerd: the address asked for, on the network it is for, while the container is connected there
        endpoint.put("MacAddress", primary && address != null && c.spec().macAddress() != null ? c.spec().macAddress() : "");
        endpoint.putNull("DriverOpts");
        // API 1.44's names the container answers to there: its name, its aliases, its short id (none on the default
        // bridge, host or none); dockerd 20.10 predates the field
        boolean userNetwork = !List.of("bridge", "host", "none").contains(name);
        List<String> dnsNames = new ArrayList<>();
        if (userNetwork) {
            dnsNames.add(c.name());
            dnsNames.addAll(c.networkAliases().getOrDefault(name, List.of()));
            dnsNames.add(c.shortId());
        }
        endpoint.set("DNSNames", dnsNames.isEmpty() ? null : Json.strings(dnsNames));
        return endpoint;
    }

    static int prefixLength(String cidr) {
        int slash = cidr == null ? -1 : cidr.indexOf('/');
        if (slash < 0) {
            return 0;
        }
        try {
            return Integer.parseInt(cidr.substring(slash + 1));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /**
     * {@code NetworkSettings.Ports}: every exposed port, with its bindings while the container runs and
     * {@code null} where it is not published (or not running).
     */
    private static ObjectNode ports(ContainerInfo c, ImageConfig image) {
        ObjectNode ports = Json.object();
        if (!c.state().running()) {
            return ports;
        }
        Map<String, List<PortBinding>> bound = new LinkedHashMap<>();
        c.ports().forEach(p -> bound.computeIfAbsent(p.key(), k -> new ArrayList<>()).add(p));
        for (String key : exposedPorts(c, image)) {
            List<PortBinding> list = bound.get(key);
            if (list == null || list.stream().allMatch(p -> p.hostPort() == 0)) {
                ports.putNull(key);
                continue;
            }
            ArrayNode array = ports.putArray(key);
            list.stream().filter(p -> p.hostPort() != 0)
                    .forEach(p -> array.addObject().put("HostIp", p.hostIp()).put("HostPort", Integer.toString(p.hostPort())));
        }
        return ports;
    }

    /** The list entry of {@code GET /containers/json}, its status with the container's health as dockerd shows it. */
    static ObjectNode summary(ContainerInfo c, ImageConfig image, Function<String, NetworkInfo> networks,
                              Function<String, Optional<VolumeInfo>> volumes, Instant now) {
        String health = c.health() == null ? null : c.health().status().dockerName();
        ObjectNode doc = Json.object();
        doc.put("Id", c.id());
        doc.set("Names", Json.strings(List.of("/" + c.name())));
        doc.put("Image", c.image());
        doc.put("ImageID", c.imageId());
        doc.put("Command", String.join(" ", c.command()));
        doc.put("Created", c.created() == null ? 0 : c.created().getEpochSecond());
        ArrayNode ports = doc.putArray("Ports");
        Set<String> published = new LinkedHashSet<>();
        if (c.state().running()) {
            for (PortBinding p : c.ports()) {
                if (p.hostPort() == 0) {
                    continue;
                }
                published.add(p.key());
                ports.addObject().put("IP", p.hostIp()).put("PrivatePort", p.containerPort()).put("PublicPort", p.hostPort())
                        .put("Type", p.protocol());
            }
        }
        for (String key : exposedPorts(c, image)) {
            if (!published.contains(key)) {
                int slash = key.indexOf('/');
                try {
                    ports.addObject().put("PrivatePort", Integer.parseInt(key.substring(0, slash))).put("Type", key.substring(slash + 1));
                } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
                    // not a port Docker could list
                }
            }
        }
        doc.set("Labels", Json.stringMap(c.labels()));
        doc.put("State", c.state().status().name().toLowerCase(Locale.ROOT));
        ContainerState s = c.state();
        doc.put("Status", DockerStatus.of(s.status().name().toLowerCase(Locale.ROOT), s.exitCode(), s.startedAt(),
                s.finishedAt(), health, now));
        doc.set("HostConfig", Json.object().put("NetworkMode", c.spec().networkMode() == null ? "bridge" : c.spec().networkMode()));
        ObjectNode networkSettings = doc.putObject("NetworkSettings");
        ObjectNode all = networkSettings.putObject("Networks");
        c.networks().forEach((name, address) -> all.set(name, endpoint(c, name, address, networks.apply(name))));
        doc.set("Mounts", MountDocuments.of(c, volumes));
        return doc;
    }

    /** The options as dockerd keeps them: a privileged container's with {@code label=disable}, which dockerd adds. */
    private static java.util.List<String> securityOpts(ContainerSpec spec) {
        if (!spec.privileged() || spec.securityOpts().contains("label=disable")) {
            return spec.securityOpts();
        }
        java.util.List<String> options = new java.util.ArrayList<>(spec.securityOpts());
        options.add("label=disable");
        return options;
    }
}
