package dev.stevedore.engine.internal.docker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.Device;
import dev.stevedore.engine.ContainerState;
import dev.stevedore.engine.LogConfig;
import dev.stevedore.engine.RestartPolicy;
import dev.stevedore.engine.Mount;
import dev.stevedore.engine.PortBinding;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Maps the daemon's container inspect JSON ({@code GET /containers/{id}/json}) onto {@link ContainerInfo}.
 *
 * <p>What Docker cannot say exactly: the signal that ended a container (the daemon reports only
 * {@code ExitCode}, 128 + signal after a kill, so an exit code above 128 is read as a signal — a process that
 * calls {@code exit(130)} by itself looks the same); and the spec a container was created from, which is
 * rebuilt from the merged configuration (the image's values included) unless the caller knows the original.
 */
final class ContainerMapper {
    /** Go's zero time, which Docker writes for "never". */
    private static final String NEVER_PREFIX = "0001-01-01";

    private ContainerMapper() {
    }

    /**
     * The container an inspect answer describes.
     *
     * @param original the spec it was created from when this engine created it, else {@code null}
     */
    static ContainerInfo info(JsonNode inspect, ContainerSpec original) {
        JsonNode config = inspect.path("Config");
        String name = inspect.path("Name").asText("");
        if (name.startsWith("/")) {
            name = name.substring(1);
        }
        List<String> command = new ArrayList<>();
        if (inspect.hasNonNull("Path") && !inspect.path("Path").asText().isEmpty()) {
            command.add(inspect.path("Path").asText());
        }
        command.addAll(strings(inspect.path("Args")));
        Map<String, String> labels = stringMap(config.path("Labels"));
        ContainerSpec spec = withKeptResources(original != null ? withJoinedIds(original, inspect.path("HostConfig"))
                : spec(inspect, name), resources(inspect.path("HostConfig")));
        return new ContainerInfo(
                inspect.path("Id").asText(),
                name,
                original != null ? original.image() : config.path("Image").asText(""),
                inspect.path("Image").asText(""),
                instant(inspect.path("Created").asText("")),
                state(inspect.path("State")),
                command,
                strings(config.path("Env")),
                labels,
                ports(inspect),
                networks(inspect.path("NetworkSettings").path("Networks")),
                spec,
                staticAddresses(inspect.path("NetworkSettings").path("Networks")),
                inspect.path("RestartCount").asInt(0),
                mounts(inspect.path("Mounts")),
                aliases(inspect.path("NetworkSettings").path("Networks"), inspect.path("Id").asText()),
                health(inspect.path("State").path("Health")));
    }

    /** dockerd's {@code Config.Healthcheck} (the image's merged in); {@code null} for none. */
    static dev.stevedore.engine.HealthCheck healthCheck(JsonNode check) {
        List<String> test = strings(check.path("Test"));
        if (test.isEmpty()) {
            return null;
        }
        return dev.stevedore.engine.HealthCheck.of(new dev.stevedore.engine.ImageConfig.Healthcheck(test,
                Duration.ofNanos(check.path("Interval").asLong(0)), Duration.ofNanos(check.path("Timeout").asLong(0)),
                Duration.ofNanos(check.path("StartPeriod").asLong(0)), check.path("Retries").asInt(0)))
                .withStartInterval(Duration.ofNanos(check.path("StartInterval").asLong(0)));
    }

    /** dockerd's {@code State.Health}; {@code null} when it has none (no check, or never started). */
    static dev.stevedore.engine.ContainerHealth health(JsonNode health) {
        if (!health.isObject() || !health.hasNonNull("Status") || health.path("Status").asText().equals("none")) {
            return null;
        }
        List<dev.stevedore.engine.ContainerHealth.Result> log = new ArrayList<>();
        for (JsonNode r : health.path("Log")) {
            log.add(new dev.stevedore.engine.ContainerHealth.Result(orEpoch(r.path("Start")),
                    orEpoch(r.path("End")), r.path("ExitCode").asInt(), r.path("Output").asText("")));
        }
        return new dev.stevedore.engine.ContainerHealth(
                dev.stevedore.engine.ContainerHealth.Status.fromDockerName(health.path("Status").asText()),
                health.path("FailingStreak").asInt(0), log);
    }

    /**
     * dockerd's per-network {@code Aliases} as asked for: without the short id dockerd adds on a user network once
     * the container runs (its own name for it, not an alias anyone gave).
     */
    static Map<String, List<String>> aliases(JsonNode networks, String id) {
        String shortId = id.substring(0, Math.min(12, id.length()));
        Map<String, List<String>> result = new LinkedHashMap<>();
        networks.properties().forEach(e -> result.put(e.getKey(),
                strings(e.getValue().path("Aliases")).stream().filter(alias -> !alias.equals(shortId)).toList()));
        return result;
    }

    /** dockerd's {@code Mounts}: what the container has, those from {@code VolumesFrom} and image volumes too. */
    static List<Mount> mounts(JsonNode mounts) {
        List<Mount> made = new ArrayList<>();
        for (JsonNode m : mounts) {
            String target = m.path("Destination").asText("");
            boolean readOnly = !m.path("RW").asBoolean(true);
            String mode = m.path("Mode").asText(""); // the -v mode as written ("ro,z"), "z" for a Mounts volume
            switch (m.path("Type").asText("")) {
                case "bind" -> made.add(new Mount(Mount.Type.BIND, m.path("Source").asText(""), target, readOnly, mode));
                case "volume" -> made.add(new Mount(Mount.Type.VOLUME, m.path("Name").asText(""), target, readOnly, mode));
                case "tmpfs" -> made.add(new Mount(Mount.Type.TMPFS, "", target, readOnly, ""));
                default -> { } // npipe, cluster: not on Linux daemons
            }
        }
        return made;
    }

    /** The addresses asked for ({@code IPAMConfig.IPv4Address}), by network name. */
    static Map<String, String> staticAddresses(JsonNode networks) {
        Map<String, String> result = new LinkedHashMap<>();
        networks.properties().forEach(e -> {
            String address = e.getValue().path("IPAMConfig").path("IPv4Address").asText("");
            if (!address.isEmpty()) {
                result.put(e.getKey(), address);
            }
        });
        return result;
    }

        static ContainerState state(JsonNode state) {
        ContainerState.Status status = status(state);
        int exitCode = state.path("ExitCode").asInt(0);
        boolean ended = status == ContainerState.Status.EXITED || status == ContainerState.Status.DEAD
                || status == ContainerState.Status.RESTARTING;
        int signal = ended && exitCode > 128 && exitCode <= 128 + 64 ? exitCode - 128 : 0;
        return new ContainerState(
                status,
                status == ContainerState.Status.RUNNING || status == ContainerState.Status.PAUSED ? state.path("Pid").asLong(0) : 0,
                // a container that failed to start keeps Docker's 127/126, but never ran: its exit code is 0 until it exits
                status == ContainerState.Status.CREATED ? 0 : exitCode,
                signal,
                state.path("OOMKilled").asBoolean(false),
                state.path("Error").asText(""),
                instant(state.path("StartedAt").asText("")),
                instant(state.path("FinishedAt").asText("")));
    }

    private static ContainerState.Status status(JsonNode state) {
        String status = state.path("Status").asText("").toLowerCase(Locale.ROOT);
        return switch (status) {
            case "created" -> ContainerState.Status.CREATED;
            case "paused" -> ContainerState.Status.PAUSED;
            case "running" -> ContainerState.Status.RUNNING;
            case "restarting" -> ContainerState.Status.RESTARTING;
            case "removing" -> ContainerState.Status.REMOVING;
            case "dead" -> ContainerState.Status.DEAD;
            case "exited" -> ContainerState.Status.EXITED;
            default -> state.path("Running").asBoolean(false) ? ContainerState.Status.RUNNING : ContainerState.Status.EXITED;
        };
    }

    /**
     * Published ports: the bound ones from {@code NetworkSettings.Ports} while running, else the requested
     * bindings from {@code HostConfig.PortBindings} (host port 0 where a free one will be chosen).
     */
    static List<PortBinding> ports(JsonNode inspect) {
        List<PortBinding> bound = bindings(inspect.path("NetworkSettings").path("Ports"));
        return bound.isEmpty() ? bindings(inspect.path("HostConfig").path("PortBindings")) : bound;
    }

    private static List<PortBinding> bindings(JsonNode ports) {
        List<PortBinding> result = new ArrayList<>();
        ports.properties().forEach(entry -> {
            String key = entry.getKey();
            int slash = key.indexOf('/');
            int containerPort;
            try {
                containerPort = Integer.parseInt(slash < 0 ? key : key.substring(0, slash));
            } catch (NumberFormatException e) {
                return;
            }
            String protocol = slash < 0 ? "tcp" : key.substring(slash + 1);
            for (JsonNode binding : entry.getValue()) {
                String hostPort = binding.path("HostPort").asText("");
                int port;
                try {
                    port = hostPort.isEmpty() ? 0 : Integer.parseInt(hostPort);
                } catch (NumberFormatException e) {
                    continue;
                }
                String hostIp = binding.path("HostIp").asText("");
                result.add(new PortBinding(containerPort, protocol, hostIp.isEmpty() ? "0.0.0.0" : hostIp, port));
            }
        });
        return result;
    }

    private static Map<String, String> networks(JsonNode networks) {
        Map<String, String> result = new LinkedHashMap<>();
        networks.properties().forEach(e -> result.put(e.getKey(), e.getValue().path("IPAddress").asText("")));
        return result;
    }

    /** A spec that would create this container again, read from its merged configuration. */
    private static ContainerSpec spec(JsonNode inspect, String name) {
        JsonNode config = inspect.path("Config");
        JsonNode host = inspect.path("HostConfig");
        ContainerSpec.Builder b = ContainerSpec.builder(config.path("Image").asText(""))
                .name(name.isEmpty() ? null : name)
                .entrypoint(config.hasNonNull("Entrypoint") ? strings(config.path("Entrypoint")) : null)
                .cmd(config.hasNonNull("Cmd") ? strings(config.path("Cmd")) : null)
                .workingDir(blankToNull(config.path("WorkingDir").asText("")))
                .user(blankToNull(config.path("User").asText("")))
                // dockerd fills in the hostname of the container whose network or of the host whose UTS it shares
                .hostname(sharesHostname(host) ? null : blankToNull(config.path("Hostname").asText("")))
                .pidMode(host.path("PidMode").asText(""))
                .ipcMode(host.path("IpcMode").asText(""))
                .utsMode(host.path("UTSMode").asText(""))
                .cgroupnsMode(host.path("CgroupnsMode").asText(""))
                .usernsMode(host.path("UsernsMode").asText(""))
                .labels(stringMap(config.path("Labels")))
                .readOnlyRootfs(host.path("ReadonlyRootfs").asBoolean(false))
                .shmSizeBytes(host.path("ShmSize").asLong(0))
                .memoryBytes(host.path("Memory").asLong(0))
                .cpus(host.path("NanoCpus").asLong(0) / 1e9)
                .networkMode(blankToNull(host.path("NetworkMode").asText("")))
                .stopSignal(blankToNull(config.path("StopSignal").asText("")))
                .stopTimeout(config.hasNonNull("StopTimeout") ? Duration.ofSeconds(config.path("StopTimeout").asLong()) : null)
                .autoRemove(host.path("AutoRemove").asBoolean(false))
                .privileged(host.path("Privileged").asBoolean(false))
                // what an attach from another process needs to know: whether to feed stdin, whether the stream is raw
                .tty(config.path("Tty").asBoolean(false))
                .openStdin(config.path("OpenStdin").asBoolean(false))
                .stdinOnce(config.path("StdinOnce").asBoolean(false))
                .healthCheck(healthCheck(config.path("Healthcheck")));
        if (host.hasNonNull("PidsLimit")) {
            b.pidsLimit(host.path("PidsLimit").asLong()); // null: dockerd's default
        }
        strings(config.path("Env")).forEach(b::env);
        strings(host.path("SecurityOpt")).forEach(b::securityOpt);
        b.capAdd(strings(host.path("CapAdd")).toArray(String[]::new));
        b.capDrop(strings(host.path("CapDrop")).toArray(String[]::new));
        strings(host.path("ExtraHosts")).forEach(b::extraHost);
        strings(host.path("Dns")).forEach(b::dns);
        strings(host.path("DnsSearch")).forEach(b::dnsSearch);
        strings(host.path("DnsOptions")).forEach(b::dnsOption);
        strings(host.path("VolumesFrom")).forEach(b::volumesFrom);
        strings(host.path("Links")).forEach(b::link); // /db:/web/db on the default bridge
        for (JsonNode network : inspect.path("NetworkSettings").path("Networks")) {
            strings(network.path("Links")).forEach(b::link); // db:alias on a user network
        }
        if (!config.path("MacAddress").asText("").isEmpty()) {
            b.macAddress(config.path("MacAddress").asText());
        }
        for (JsonNode device : host.path("Devices")) {
            b.device(new Device(device.path("PathOnHost").asText(), device.path("PathInContainer").asText(""),
                    device.path("CgroupPermissions").asText("")));
        }
        strings(host.path("GroupAdd")).forEach(b::groupAdd);
        b.domainname(blankToNull(config.path("Domainname").asText("")));
        stringMap(host.path("Sysctls")).forEach(b::sysctl);
        stringMap(host.path("Annotations")).forEach(b::annotation);
        b.oomScoreAdj(host.path("OomScoreAdj").asInt(0));
        b.init(host.path("Init").asBoolean(false));
        JsonNode restart = host.path("RestartPolicy");
        if (!restart.path("Name").asText("").isEmpty()) {
            b.restartPolicy(RestartPolicy.of(restart.path("Name").asText(), restart.path("MaximumRetryCount").asInt(0)));
        }
        JsonNode log = host.path("LogConfig");
        if (!log.path("Type").asText("").isEmpty()) {
            Map<String, String> options = new java.util.TreeMap<>();
            log.path("Config").fields().forEachRemaining(e -> options.put(e.getKey(), e.getValue().asText()));
            b.logConfig(new LogConfig(log.path("Type").asText(), options));
        }
        for (JsonNode ulimit : host.path("Ulimits")) {
            b.ulimit(ulimit.path("Name").asText("") + "=" + ulimit.path("Soft").asLong() + ":" + ulimit.path("Hard").asLong());
        }
        config.path("ExposedPorts").fieldNames().forEachRemaining(b::expose);
        config.path("Volumes").fieldNames().forEachRemaining(b::declaredVolume); // the image's too, as dockerd merged them
        bindings(host.path("PortBindings")).forEach(b::port);
        for (JsonNode mount : host.path("Mounts")) {
            String type = mount.path("Type").asText("");
            String target = mount.path("Target").asText("");
            boolean readOnly = mount.path("ReadOnly").asBoolean(false);
            if (type.equals("bind")) {
                b.mount(Mount.bind(mount.path("Source").asText(""), target, readOnly));
            } else if (type.equals("volume")) {
                b.mount(Mount.volume(mount.path("Source").asText(""), target, readOnly));
            }
        }
        for (JsonNode bind : host.path("Binds")) {
            try {
                b.mount(Mount.parse(bind.asText()));
            } catch (IllegalArgumentException e) {
                // a bind dockerd took but Mount.parse does not (a Windows path): left out of the rebuilt spec
            }
        }
        host.path("Tmpfs").properties().forEach(e -> b.mount(Mount.tmpfs(e.getKey(), e.getValue().asText(""))));
        return b.build();
    }

    /** A Docker time; {@code null} for Go's zero time, which Docker writes for "never". */
    private static Instant orEpoch(JsonNode time) {
        Instant t = instant(time.asText(""));
        return t == null ? Instant.EPOCH : t;
    }

    static Instant instant(String text) {
        return text == null || text.startsWith(NEVER_PREFIX) ? null : ImageMapper.instant(text);
    }

    /** dockerd records a joined container by its id ({@code container:NAME} becomes {@code container:<id>}): so does inspect. */
    /** {@code spec} with the settings dockerd kept (it drops what its host cannot apply); itself when they agree. */
    private static ContainerSpec withKeptResources(ContainerSpec spec, dev.stevedore.engine.Resources kept) {
        return spec.resources().equals(kept) ? spec : spec.toBuilder().resources(kept).build();
    }

    /** The CPU, memory and block I/O settings dockerd applied: it drops, with a warning, what its host cannot apply. */
    static dev.stevedore.engine.Resources resources(JsonNode host) {
        JsonNode swappiness = host.path("MemorySwappiness"); // null or -1 when not set
        return new dev.stevedore.engine.Resources(host.path("CpuShares").asLong(0), host.path("CpuPeriod").asLong(0),
                host.path("CpuQuota").asLong(0), host.path("CpusetCpus").asText(""), host.path("CpusetMems").asText(""),
                host.path("BlkioWeight").asInt(0), host.path("MemoryReservation").asLong(0),
                swappiness.isNumber() ? swappiness.asInt() : null, new dev.stevedore.engine.BlockIoLimits(
                        devices(host.path("BlkioWeightDevice"), "Weight"), devices(host.path("BlkioDeviceReadBps"), "Rate"),
                        devices(host.path("BlkioDeviceWriteBps"), "Rate"), devices(host.path("BlkioDeviceReadIOps"), "Rate"),
                        devices(host.path("BlkioDeviceWriteIOps"), "Rate")), advanced(host));
    }

    /**
     * The swap, OOM killer, kernel memory, real-time and device-rule settings dockerd kept. It fills a swap limit of
     * twice the memory limit in when none was asked, which reads as none; it takes any device rule at create (it
     * fails only at start), so settings the engine's types refuse read as none, and the container can be inspected.
     */
    private static dev.stevedore.engine.AdvancedResources advanced(JsonNode host) {
        long memory = host.path("Memory").asLong(0);
        long swap = host.path("MemorySwap").asLong(0);
        List<String> rules = new ArrayList<>();
        host.path("DeviceCgroupRules").forEach(rule -> rules.add(rule.asText()));
        try {
            return new dev.stevedore.engine.AdvancedResources(memory > 0 && swap == 2 * memory ? 0 : swap,
                    host.path("OomKillDisable").asBoolean(false), host.path("KernelMemory").asLong(0),
                    host.path("KernelMemoryTCP").asLong(0), host.path("CpuRealtimePeriod").asLong(0),
                    host.path("CpuRealtimeRuntime").asLong(0), rules);
        } catch (IllegalArgumentException e) {
            return dev.stevedore.engine.AdvancedResources.NONE;
        }
    }

    /**
     * A device list as dockerd kept it. dockerd takes any path and weight at create (it fails only at start), so a
     * container another client made may hold one the engine's types refuse: such an entry is left out, so that the
     * container can still be inspected.
     */
    private static List<dev.stevedore.engine.BlockIoLimits.Device> devices(JsonNode list, String value) {
        List<dev.stevedore.engine.BlockIoLimits.Device> devices = new ArrayList<>();
        for (JsonNode d : list) {
            long v = d.path(value).asLong();
            if (d.path("Path").asText("").startsWith("/") && v >= 0
                    && (!value.equals("Weight") || v == 0 || v >= 10 && v <= 1000)) {
                devices.add(new dev.stevedore.engine.BlockIoLimits.Device(d.path("Path").asText(), v));
            }
        }
        return devices;
    }

    private static ContainerSpec withJoinedIds(ContainerSpec original, JsonNode host) {
        if (ContainerSpec.sharedContainer(original.pidMode()) == null && ContainerSpec.sharedContainer(original.ipcMode()) == null
                && ContainerSpec.sharedContainer(original.networkMode()) == null) {
            return original; // nothing joined: the caller's own spec, unchanged
        }
        ContainerSpec.Builder b = original.toBuilder();
        if (ContainerSpec.sharedContainer(original.pidMode()) != null) {
            b.pidMode(host.path("PidMode").asText(original.pidMode()));
        }
        if (ContainerSpec.sharedContainer(original.ipcMode()) != null) {
            b.ipcMode(host.path("IpcMode").asText(original.ipcMode()));
        }
        if (ContainerSpec.sharedContainer(original.networkMode()) != null) {
            b.networkMode(host.path("NetworkMode").asText(original.networkMode()));
        }
        return b.build();
    }

    private static boolean sharesHostname(JsonNode host) {
        return host.path("NetworkMode").asText("").startsWith("container:") || host.path("UTSMode").asText("").equals("host");
    }

    private static String blankToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }

    private static List<String> strings(JsonNode array) {
        return ImageMapper.strings(array);
    }

    private static Map<String, String> stringMap(JsonNode object) {
        Map<String, String> map = new LinkedHashMap<>();
        object.properties().forEach(e -> map.put(e.getKey(), e.getValue().asText("")));
        return map;
    }
}
