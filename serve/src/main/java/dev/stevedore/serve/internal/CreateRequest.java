package dev.stevedore.serve.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stevedore.docker.wire.ContainerCreate;
import dev.stevedore.docker.wire.HostConfig;
import dev.stevedore.docker.wire.Wire;
import dev.stevedore.engine.AdvancedResources;
import dev.stevedore.engine.BlockIoLimits;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.Link;
import dev.stevedore.engine.Device;
import dev.stevedore.engine.HealthCheck;
import dev.stevedore.engine.ImageConfig;
import dev.stevedore.engine.Mount;
import dev.stevedore.engine.PortBinding;
import dev.stevedore.engine.LogConfig;
import dev.stevedore.engine.Resources;
import dev.stevedore.engine.RestartPolicy;
import dev.stevedore.engine.VolumeSpec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The body of {@code POST /containers/create} as a {@link ContainerSpec}: Docker's {@link ContainerCreate} document
 * (the CLI's, docker-java's with every unset field {@code null}), mapped onto the engine's. Every field a client sends
 * is honoured or refused with a 400 that names it ({@link CreateFields}); none is accepted and dropped. Images are
 * never pulled here: a missing image is a 404, and the client pulls it, as with dockerd.
 *
 * @param spec        what the engine creates
 * @param autoRemove  {@code HostConfig.AutoRemove}: the server removes the container when it exits
 * @param networks    further networks to connect it to after create (name or id → its endpoint there)
 * @param volumes     named volumes to create first, with the labels a mount's {@code VolumeOptions} gives them
 *                    (a volume that exists already keeps its own, as with dockerd)
 */
record CreateRequest(ContainerSpec spec, boolean autoRemove, Map<String, Endpoint> networks, List<VolumeSpec> volumes) {

    /** A further network's endpoint: its aliases, and the static address asked for there or {@code null}. */
    record Endpoint(List<String> aliases, String ipv4Address) {
    }

    /**
     * @param name          the {@code name} query parameter, or {@code null}
     * @param defaultHostIp where a port binds when the client names no address ({@code HostIp: ""}); {@code null}
     *                      for the engine's default, loopback
     */
    static CreateRequest parse(JsonNode body, String name, String defaultHostIp) {
        if (!body.isObject()) {
            throw ApiException.badRequest("Config cannot be empty in order to create a container");
        }
        CreateFields.refuseUnbound(body);
        ContainerCreate c;
        try {
            c = Wire.read(body, ContainerCreate.class);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("the create request does not read as Docker's container config: " + e.getMessage());
        }
        HostConfig host = c.hostConfig() != null ? c.hostConfig() : CreateFields.NO_HOST_CONFIG;
        CreateFields.refuseValues(c, host);
        String image = blankToNull(c.image());
        if (image == null) {
            throw ApiException.badRequest("No image was specified in the request: set Config.Image");
        }
        ContainerSpec.Builder b = ContainerSpec.builder(image)
                .name(name == null || name.isEmpty() ? null : name.startsWith("/") ? name.substring(1) : name)
                .pullPolicy(ContainerSpec.PullPolicy.NEVER)
                .workingDir(blankToNull(c.workingDir()))
                .user(blankToNull(c.user()))
                .hostname(blankToNull(c.hostname()))
                .stopSignal(blankToNull(c.stopSignal()))
                .labels(strings(c.labels()))
                .openStdin(isTrue(c.openStdin()))
                .stdinOnce(isTrue(c.stdinOnce()))
                .tty(isTrue(c.tty()));
        if (c.entrypoint() != null) {
            // --entrypoint "" arrives as [""]: no entrypoint at all, the command alone runs
            b.entrypoint(c.entrypoint().size() == 1 && c.entrypoint().get(0).isEmpty() ? List.of() : c.entrypoint());
        }
        if (c.cmd() != null && !c.cmd().isEmpty()) {
            b.cmd(c.cmd());
        }
        if (c.env() != null) {
            // Docker drops a bare KEY that the client could not resolve; KEY= is an empty value
            c.env().stream().filter(e -> e != null && e.indexOf('=') > 0).forEach(b::env);
        }
        if (c.stopTimeout() != null) {
            b.stopTimeout(Duration.ofSeconds(c.stopTimeout()));
        }
        keys(c.exposedPorts()).forEach(port -> b.expose(portKey(port)));
        if (!isTrue(c.networkDisabled())) { // dockerd publishes nothing then (and echoes the bindings as sent)
            ports(host.portBindings(), defaultHostIp).forEach(b::port);
            b.publishAllPorts(isTrue(host.publishAllPorts()));
        }
        List<Mount> mounts = mounts(host);
        mounts.forEach(b::mount);
        keys(c.volumes()).forEach(b::declaredVolume); // inspect echoes them, those a bind covers too (as dockerd)
        // -v /data: an anonymous volume at each Config.Volumes path that no other mount covers
        keys(c.volumes()).stream().filter(path -> mounts.stream().noneMatch(m -> m.target().equals(path)))
                .forEach(path -> b.mount(badRequestOnInvalid(() -> Mount.volume("", path, false))));
        b.readOnlyRootfs(isTrue(host.readonlyRootfs()));
        b.shmSizeBytes(Math.max(0, value(host.shmSize())));
        if (host.securityOpt() != null) {
            host.securityOpt().forEach(b::securityOpt); // seccomp=<profile JSON>: the docker CLI has read the file
        }
        b.capAdd(nonNull(host.capAdd()).toArray(String[]::new));
        b.capDrop(nonNull(host.capDrop()).toArray(String[]::new));
        nonNull(host.extraHosts()).forEach(b::extraHost);
        nonNull(host.dns()).forEach(b::dns);
        nonNull(host.dnsSearch()).forEach(b::dnsSearch);
        nonNull(host.dnsOptions()).forEach(b::dnsOption);
        nonNull(host.volumesFrom()).forEach(b::volumesFrom);
        nonNull(host.links()).forEach(l -> badRequestOnInvalid(() -> b.link(Link.parse(l).toString())));
        b.pidMode(host.pidMode()).ipcMode(host.ipcMode()).utsMode(host.utsMode()).cgroupnsMode(host.cgroupnsMode())
                .usernsMode(host.usernsMode()); // checked by the spec, a 400 in dockerd's words
        nonNull(host.devices()).stream().filter(Objects::nonNull).forEach(d -> b.device(badRequestOnInvalid(() ->
                new Device(d.pathOnHost(), d.pathInContainer(), d.cgroupPermissions()))));
        nonNull(host.groupAdd()).forEach(b::groupAdd);
        b.domainname(blankToNull(c.domainname()));
        if (host.sysctls() != null) {
            host.sysctls().forEach((key, value) -> b.sysctl(key, value == null ? "" : value));
        }
        if (host.oomScoreAdj() != null) {
            b.oomScoreAdj(host.oomScoreAdj()); // out of range: a 400 in dockerd's words
        }
        if (host.annotations() != null) {
            host.annotations().forEach((key, value) -> b.annotation(key, value == null ? "" : value));
        }
        b.init(isTrue(host.init()));
        b.privileged(isTrue(host.privileged()));
        if (host.ulimits() != null) {
            host.ulimits().stream().filter(Objects::nonNull).forEach(u -> b.ulimit(u.name() + "=" + value(u.soft()) + ":"
                    + value(u.hard())));
        }
        b.memoryBytes(Math.max(0, value(host.memory())));
        if (value(host.nanoCpus()) > 0) {
            b.cpus(host.nanoCpus() / 1e9);
        }
        Resources resources = badRequestOnInvalid(() -> resources(host));
        long memory = Math.max(0, value(host.memory()));
        b.resources(badRequestOnInvalid(() -> {
            resources.advanced().checkAgainst(memory); // dockerd answers these at create, before anything is made
            return resources;
        }));
        if (host.pidsLimit() != null) {
            b.pidsLimit(host.pidsLimit()); // 0 or -1: none; absent or null: the engine's default
        }
        if (host.restartPolicy() != null) {
            b.restartPolicy(restartPolicy(host.restartPolicy()));
        }
        HostConfig.LogConfig log = host.logConfig();
        if (log != null && (blankToNull(log.type()) != null || log.config() != null && !log.config().isEmpty())) {
            // a blank type is the daemon's default, json-file; the engine refuses a driver or option it cannot honour
            String type = blankToNull(log.type()) == null ? LogConfig.DEFAULT.type() : log.type();
            b.logConfig(new LogConfig(type, log.config()));
        }
        b.macAddress(blankToNull(c.macAddress()));
        Map<String, Endpoint> others = networks(c, host, b);
        b.healthCheck(badRequestOnInvalid(() -> healthCheck(c.healthcheck())));
        ContainerSpec spec = badRequestOnInvalid(b::build);
        return new CreateRequest(spec, isTrue(host.autoRemove()), others, volumes(host));
    }

    /**
     * The request's {@code Healthcheck} ({@code NONE} too, which turns the image's off; no test but timings: the image's
     * test with them, as dockerd merges them), or {@code null} when it asks for nothing.
     */
    static HealthCheck healthCheck(ContainerCreate.Healthcheck h) {
        if (h == null || (h.test() == null || h.test().isEmpty()) && value(h.interval()) == 0 && value(h.timeout()) == 0
                && value(h.startPeriod()) == 0 && value(h.startInterval()) == 0 && (h.retries() == null || h.retries() == 0)) {
            return null;
        }
        return new HealthCheck(h.test() == null ? List.of() : h.test(), Duration.ofNanos(value(h.interval())),
                Duration.ofNanos(value(h.timeout())), Duration.ofNanos(value(h.startPeriod())),
                Duration.ofNanos(value(h.startInterval())), h.retries() == null ? 0 : h.retries());
    }

    /** The engine's policy for Docker's document; a name or retry count it cannot take is a 400 naming it. */
    static RestartPolicy restartPolicy(HostConfig.RestartPolicy policy) {
        return badRequestOnInvalid(() -> RestartPolicy.of(policy.name(), policy.maximumRetryCount() == null ? 0 : policy.maximumRetryCount()));
    }

    /** Sets the primary network and its aliases on the builder; the other networks, to connect after create. */
    private static Map<String, Endpoint> networks(ContainerCreate c, HostConfig host, ContainerSpec.Builder b) {
        if (isTrue(c.networkDisabled())) {
            // dockerd gives it a namespace with loopback only whatever NetworkMode and the endpoints say (checked with
            // "host" and "bridge"): the engine's "none"; inspect echoes the mode as sent (ServeState.sentMounts)
            b.networkMode("none");
            return Map.of();
        }
        String networkMode = blankToNull(host.networkMode());
        String mode = networkMode == null || networkMode.equals("default") || networkMode.equals("bridge") ? null : networkMode;
        b.networkMode(mode);
        Map<String, Endpoint> others = new LinkedHashMap<>();
        Map<String, ContainerCreate.EndpointSettings> endpoints = c.networkingConfig() == null
                || c.networkingConfig().endpointsConfig() == null ? Map.of() : c.networkingConfig().endpointsConfig();
        endpoints.forEach((network, settings) -> {
            List<String> aliases = settings == null || settings.aliases() == null ? List.of()
                    : settings.aliases().stream().filter(a -> a != null && !a.isEmpty()).toList();
            String address = settings == null || settings.ipamConfig() == null ? null
                    : blankToNull(settings.ipamConfig().ipv4Address());
            if (address != null) {
                badRequestOnInvalid(() -> ContainerSpec.ipv4(address));
            }
            String mac = settings == null ? null : blankToNull(settings.macAddress());
            boolean primary = mode == null ? network.equals("default") || network.equals("bridge") : network.equals(mode);
            if (primary || mode == null && endpoints.size() == 1 && !network.equals("host") && !network.equals("none")) {
                if (!primary) {
                    b.networkMode(network); // a client that names its one network only here (no NetworkMode) means it
                }
                aliases.forEach(b::networkAlias);
                if (settings != null) {
                    nonNull(settings.links()).forEach(l -> badRequestOnInvalid(() -> b.link(Link.parse(l).toString())));
                }
                b.ipv4Address(address);
                if (mac != null) {
                    String top = blankToNull(c.macAddress());
                    if (top != null && !top.equalsIgnoreCase(mac)) {
                        // dockerd (API 1.44) refuses the two when they differ
                        throw ApiException.badRequest("NetworkingConfig.EndpointsConfig." + network + ".MacAddress " + mac
                                + " differs from MacAddress " + top + ": give one, or both the same");
                    }
                    b.macAddress(mac);
                }
            } else if (settings != null && settings.links() != null && !settings.links().isEmpty()) {
                throw ApiException.badRequest("NetworkingConfig.EndpointsConfig." + network + ".Links is not supported"
                        + " by stevedore serve: its engine links on the container's own network only (the one its"
                        + " NetworkMode names); on another, use the linked container's name, which resolves there");
            } else if (mac != null) {
                throw ApiException.badRequest("NetworkingConfig.EndpointsConfig." + network + ".MacAddress is not supported"
                        + " by stevedore serve: its engine sets a MAC address on the container's own network only (the"
                        + " one its NetworkMode names), not on one it joins besides");
            } else {
                others.put(network, new Endpoint(aliases, address));
            }
        });
        return others;
    }

    /** {@code 8080} → {@code 8080/tcp}. */
    static String portKey(String port) {
        String p = port.strip().toLowerCase(Locale.ROOT);
        return p.indexOf('/') < 0 ? p + "/tcp" : p;
    }

    /** {@code {"80/tcp":[{"HostIp":"","HostPort":"8080"}]}}; an empty host port asks for a free one. */
    static List<PortBinding> ports(Map<String, List<HostConfig.PortBinding>> bindings, String defaultHostIp) {
        List<PortBinding> ports = new ArrayList<>();
        if (bindings == null) {
            return ports;
        }
        bindings.forEach((port, list) -> {
            String key = portKey(port);
            int slash = key.indexOf('/');
            int containerPort = parsePort(key.substring(0, slash), port);
            String protocol = key.substring(slash + 1);
            if (list == null || list.isEmpty()) {
                ports.add(new PortBinding(containerPort, protocol, defaultHostIp, 0));
                return;
            }
            for (HostConfig.PortBinding binding : list) {
                String hostPort = binding == null ? null : blankToNull(binding.hostPort());
                int number = 0;
                if (hostPort != null) {
                    // a range ("8000-8010") takes its first port
                    int dash = hostPort.indexOf('-');
                    number = parsePort(dash > 0 ? hostPort.substring(0, dash) : hostPort, hostPort);
                }
                String hostIp = binding == null ? null : blankToNull(binding.hostIp());
                ports.add(new PortBinding(containerPort, protocol, hostIp != null ? hostIp : defaultHostIp, number));
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
    static List<Mount> mounts(HostConfig host) {
        List<Mount> mounts = new ArrayList<>();
        if (host.binds() != null) {
            host.binds().stream().filter(Objects::nonNull).forEach(bind -> mounts.add(bind(bind)));
        }
        for (HostConfig.Mount mount : host.mounts() == null ? List.<HostConfig.Mount>of() : host.mounts()) {
            String type = mount.type() == null ? "volume" : mount.type();
            boolean readOnly = isTrue(mount.readOnly());
            mounts.add(badRequestOnInvalid(() -> switch (type) {
                case "bind" -> Mount.bind(mount.source(), mount.target(), readOnly);
                // dockerd gives a volume of HostConfig.Mounts the mode "z" (inspect's Mounts say so)
                case "volume" -> new Mount(Mount.Type.VOLUME, mount.source(), mount.target(), readOnly, "z");
                case "tmpfs" -> Mount.tmpfs(mount.target(), tmpfsOptions(mount.tmpfsOptions()));
                default -> throw ApiException.badRequest("mount type \"" + type + "\" is not supported: use bind, volume or tmpfs");
            }));
        }
        if (host.tmpfs() != null) {
            host.tmpfs().forEach((target, options) -> mounts.add(badRequestOnInvalid(() -> Mount.tmpfs(target, options == null ? "" : options))));
        }
        return mounts;
    }

    /** Named volumes that mounts label through {@code VolumeOptions.Labels}. */
    private static List<VolumeSpec> volumes(HostConfig host) {
        List<VolumeSpec> volumes = new ArrayList<>();
        for (HostConfig.Mount mount : host.mounts() == null ? List.<HostConfig.Mount>of() : host.mounts()) {
            Map<String, String> labels = mount.volumeOptions() == null ? null : mount.volumeOptions().labels();
            if (blankToNull(mount.source()) != null && labels != null && !labels.isEmpty()
                    && (mount.type() == null || mount.type().equals("volume"))) {
                volumes.add(badRequestOnInvalid(() -> new VolumeSpec(mount.source(), strings(labels))));
            }
        }
        return volumes;
    }

    /** {@code /host:/ctr[:MODE]} or {@code volume:/ctr[:MODE]}, as {@link Mount#parse} reads it; in dockerd's words. */
    static Mount bind(String spec) {
        try {
            return Mount.parse(spec);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    private static String tmpfsOptions(HostConfig.TmpfsOptions options) {
        List<String> result = new ArrayList<>();
        if (options != null && value(options.sizeBytes()) > 0) {
            result.add("size=" + options.sizeBytes());
        }
        if (options != null && value(options.mode()) > 0) {
            result.add("mode=" + Long.toOctalString(options.mode()));
        }
        return String.join(",", result);
    }

    /** What the engine's constructors refuse is the client's mistake: a 400 with their message. */
    /** The CPU, memory-reservation and block I/O settings; a device path is resolved (and refused) at create. */
    private static Resources resources(HostConfig host) {
        Long swappiness = host.memorySwappiness(); // the docker CLI's -1 (unset) reads as none
        return new Resources(value(host.cpuShares()), value(host.cpuPeriod()), value(host.cpuQuota()), host.cpusetCpus(),
                host.cpusetMems(), host.blkioWeight() == null ? 0 : host.blkioWeight(), value(host.memoryReservation()),
                swappiness == null ? null : (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, swappiness)),
                new BlockIoLimits(nonNull(host.blkioWeightDevice()).stream().filter(Objects::nonNull)
                        .map(d -> new BlockIoLimits.Device(d.path(), d.weight() == null ? 0 : d.weight())).toList(),
                        throttle(host.blkioDeviceReadBps()), throttle(host.blkioDeviceWriteBps()),
                        throttle(host.blkioDeviceReadIOps()), throttle(host.blkioDeviceWriteIOps())))
                .withAdvanced(new AdvancedResources(value(host.memorySwap()), isTrue(host.oomKillDisable()),
                        value(host.kernelMemory()), value(host.kernelMemoryTcp()), value(host.cpuRealtimePeriod()),
                        value(host.cpuRealtimeRuntime()), nonNull(host.deviceCgroupRules())));
    }

    private static List<BlockIoLimits.Device> throttle(List<HostConfig.ThrottleDevice> devices) {
        return nonNull(devices).stream().filter(Objects::nonNull)
                .map(d -> new BlockIoLimits.Device(d.path(), value(d.rate()))).toList();
    }

    private static <T> T badRequestOnInvalid(java.util.function.Supplier<T> make) {
        try {
            return make.get();
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    private static <T> List<T> nonNull(List<T> values) {
        return values == null ? List.of() : values.stream().filter(Objects::nonNull).toList();
    }

    private static List<String> keys(Map<String, ?> map) {
        return map == null ? List.of() : List.copyOf(map.keySet());
    }

    private static Map<String, String> strings(Map<String, String> map) {
        Map<String, String> result = new LinkedHashMap<>();
        if (map != null) {
            map.forEach((k, v) -> result.put(k, v == null ? "" : v));
        }
        return result;
    }

    static boolean isTrue(Boolean value) {
        return value != null && value;
    }

    static long value(Long value) {
        return value == null ? 0 : value;
    }

    static String blankToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }
}
