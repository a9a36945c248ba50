package dev.stevedore.engine.internal.docker;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stevedore.docker.wire.ContainerCreate;
import dev.stevedore.docker.wire.HostConfig;
import dev.stevedore.docker.wire.Wire;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.ImageConfig;
import dev.stevedore.engine.Mount;
import dev.stevedore.engine.PortBinding;
import dev.stevedore.engine.LogConfig;
import dev.stevedore.engine.Resources;
import dev.stevedore.engine.RestartPolicy;
import dev.stevedore.engine.Ulimit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes the body of {@code POST /containers/create} for a {@link ContainerSpec}: Docker's {@link ContainerCreate},
 * the document {@code stevedore serve} reads with the same record.
 *
 * <p>Choices that differ from a plain field-by-field copy, and why:
 * <ul>
 *   <li>{@code null} entrypoint, cmd, working directory, user and stop signal are left out, so the daemon
 *       takes the image's, as {@code docker run} does. Setting an entrypoint drops the image's CMD (the
 *       daemon's own rule).</li>
 *   <li>Published ports listen on {@code 127.0.0.1} unless the binding names another address; a host port
 *       of 0 becomes {@code ""}, "any free port".</li>
 *   <li>{@code publishAllPorts} is not passed on: the daemon would publish on its default address, usually
 *       {@code 0.0.0.0}. Instead every exposed port (the image's and the spec's) without a binding gets a
 *       loopback binding on a free port.</li>
 *   <li>Bind mounts and volumes go in {@code HostConfig.Mounts}: a missing bind source is an error there
 *       rather than a directory the daemon silently creates as root. Volumes the mount creates carry the
 *       session labels, so cleanup finds them.</li>
 * </ul>
 */
final class CreateBody {
    private static final String LOOPBACK = "127.0.0.1";

    private CreateBody() {
    }

    /**
     * The create body.
     *
     * @param image       the reference to hand the daemon, as it files the image
     * @param imageConfig the image's configuration, for the ports {@code publishAllPorts} publishes
     * @param labels      the container's labels: the spec's plus the session's
     */
    static ObjectNode of(ContainerSpec spec, String image, ImageConfig imageConfig, Map<String, String> labels) {
        Map<String, List<HostConfig.PortBinding>> bindings = new LinkedHashMap<>();
        portBindings(spec, imageConfig).forEach((key, list) -> bindings.put(key, list.stream().map(b ->
                new HostConfig.PortBinding(b.hostIp(), b.hostPort() == 0 ? "" : Integer.toString(b.hostPort()))).toList()));
        Map<String, Map<String, Object>> exposed = new LinkedHashMap<>();
        spec.exposedPorts().forEach(p -> exposed.put(portKey(p), Map.of()));
        bindings.keySet().forEach(p -> exposed.put(p, Map.of()));
        Map<String, Map<String, Object>> declaredVolumes = new LinkedHashMap<>();
        spec.declaredVolumes().forEach(v -> declaredVolumes.put(v, Map.of()));
        List<HostConfig.Mount> mounts = new ArrayList<>();
        List<String> binds = new ArrayList<>();
        Map<String, String> tmpfs = new LinkedHashMap<>();
        for (Mount mount : spec.mounts()) {
            switch (mount.type()) {
                case TMPFS -> tmpfs.put(mount.target(), mount.options());
                // a -v mode (z, propagation) has no field in HostConfig.Mounts: sent as the docker CLI sends -v, so
                // dockerd applies it and inspect echoes it
                case BIND -> {
                    if (!mount.options().isEmpty()) {
                        binds.add(mount.source() + ":" + mount.target() + ":" + mount.options());
                    } else {
                        mounts.add(new HostConfig.Mount("bind", mount.source(), mount.target(), trueOrNull(mount.readOnly()),
                                null, null));
                    }
                }
                case VOLUME -> mounts.add(new HostConfig.Mount("volume", emptyToNull(mount.source()), mount.target(),
                        trueOrNull(mount.readOnly()), new HostConfig.VolumeOptions(sessionLabels(labels)), null));
            }
        }
        // as the docker CLI sends them: dockerd reads HostConfig.Links on the default bridge only, and the links of
        // a user network's endpoint (aliases of the linked containers there)
        String mode = spec.networkMode();
        boolean userNetwork = mode != null && !List.of("bridge", "default", "host", "none").contains(mode)
                && ContainerSpec.sharedContainer(mode) == null;
        Resources resources = spec.resources();
        dev.stevedore.engine.AdvancedResources advanced = resources.advanced();
        HostConfig host = new HostConfig(emptyToNull(binds), emptyToNull(mounts), emptyToNull(tmpfs), emptyToNull(bindings), null,
                spec.networkMode(), trueOrNull(spec.autoRemove()), trueOrNull(spec.readOnlyRootfs()),
                positiveOrNull(spec.shmSizeBytes()), emptyToNull(spec.securityOpts()), positiveOrNull(spec.memoryBytes()),
                spec.cpus() > 0 ? Math.round(spec.cpus() * 1e9) : null, positiveOrNull(resources.cpuQuota()),
                positiveOrNull(resources.cpuPeriod()), spec.pidsLimit() != 0 ? spec.pidsLimit() : null /* -1: none, as dockerd reads it */,
                restartPolicy(spec.restartPolicy()), logConfig(spec.logConfig()), null, null, emptyToNull(spec.capAdd()), emptyToNull(spec.capDrop()),
                emptyToNull(spec.extraHosts()), emptyToNull(spec.dns()), emptyToNull(spec.dnsSearch()),
                emptyToNull(spec.dnsOptions()), emptyToNull(spec.ulimits().stream().map(Ulimit::parse)
                        .map(u -> new HostConfig.Ulimit(u.name(), u.soft(), u.hard())).toList()),
                emptyToNull(spec.volumesFrom()), spec.pidMode(), spec.ipcMode(), spec.utsMode(), spec.cgroupnsMode(),
                spec.usernsMode(), emptyToNull(spec.devices().stream().map(d ->
                        new HostConfig.DeviceMapping(d.pathOnHost(), d.pathInContainer(), d.cgroupPermissions())).toList()),
                emptyToNull(spec.groupAdd()), emptyToNull(spec.sysctls()),
                trueOrNull(spec.init()), userNetwork ? null : emptyToNull(spec.links()), trueOrNull(spec.privileged()),
                positiveOrNull(resources.cpuShares()), emptyToNull(resources.cpusetCpus()),
                emptyToNull(resources.cpusetMems()), resources.blkioWeight() > 0 ? resources.blkioWeight() : null,
                positiveOrNull(resources.memoryReservation()),
                resources.memorySwappiness() == null ? null : (long) resources.memorySwappiness(),
                emptyToNull(resources.blockIo().weights().stream()
                        .map(d -> new HostConfig.WeightDevice(d.path(), (int) d.value())).toList()),
                throttle(resources.blockIo().readBps()), throttle(resources.blockIo().writeBps()),
                throttle(resources.blockIo().readIops()), throttle(resources.blockIo().writeIops()),
                advanced.memorySwap() != 0 ? advanced.memorySwap() : null, advanced.oomKillDisable() ? true : null,
                positiveOrNull(advanced.kernelMemory()), positiveOrNull(advanced.kernelMemoryTcp()),
                positiveOrNull(advanced.cpuRealtimePeriod()), advanced.cpuRealtimeRuntime() != 0 ? advanced.cpuRealtimeRuntime() : null,
                emptyToNull(advanced.deviceCgroupRules()),
                emptyToNull(spec.annotations()), // CreateRefusals: only to a daemon that knows the field
                spec.oomScoreAdj() != 0 ? spec.oomScoreAdj() : null);
        // the daemon refuses aliases on the default bridge with its own clear message; no guessing here
        // so does it a static address where it cannot give one (the default bridge, no subnet of the user's)
        boolean endpoint = !spec.networkAliases().isEmpty() || spec.ipv4Address() != null
                || userNetwork && !spec.links().isEmpty();
        ContainerCreate.NetworkingConfig networking = !endpoint ? null : new ContainerCreate.NetworkingConfig(
                Map.of(spec.networkMode() != null ? spec.networkMode() : "bridge",
                        new ContainerCreate.EndpointSettings(emptyToNull(spec.networkAliases()), spec.ipv4Address() == null
                                ? null : new ContainerCreate.IpamConfig(spec.ipv4Address()), null,
                                userNetwork ? emptyToNull(spec.links()) : null)));
        return Wire.tree(new ContainerCreate(image, spec.hostname(), spec.user(), spec.workingDir(), spec.entrypoint(),
                spec.cmd(), emptyToNull(spec.env()), labels, emptyToNull(exposed), emptyToNull(declaredVolumes), spec.stopSignal(),
                spec.stopTimeout() == null ? null : seconds(spec.stopTimeout()), spec.tty(), spec.openStdin(),
                spec.openStdin() && spec.stdinOnce(), spec.openStdin(), false, false, healthcheck(spec.healthCheck()),
                host, networking,
                spec.macAddress() /* Config.MacAddress: what API 1.41 reads, and what 1.44 takes for the network's */,
                spec.domainname(), null /* NetworkDisabled: the spec says "none" as NetworkMode instead */));
    }

    /** The spec's check as {@code Config.Healthcheck}, durations in nanoseconds (zero: dockerd's default). */
    static ContainerCreate.Healthcheck healthcheck(dev.stevedore.engine.HealthCheck check) {
        if (check == null) {
            return null;
        }
        return new ContainerCreate.Healthcheck(check.test(), check.interval().toNanos(), check.timeout().toNanos(),
                check.startPeriod().toNanos(), check.retries(),
                check.startInterval().isZero() ? null : check.startInterval().toNanos());
    }

    /** The bindings to request, by port key: the spec's, plus loopback ones for {@code publishAllPorts}. */
    static Map<String, List<PortBinding>> portBindings(ContainerSpec spec, ImageConfig imageConfig) {
        Map<String, List<PortBinding>> bindings = new LinkedHashMap<>();
        for (PortBinding binding : spec.ports()) {
            bindings.computeIfAbsent(binding.key(), k -> new ArrayList<>()).add(binding);
        }
        if (spec.publishAllPorts()) {
            Set<String> all = new LinkedHashSet<>();
            imageConfig.exposedPorts().forEach(p -> all.add(portKey(p)));
            spec.exposedPorts().forEach(p -> all.add(portKey(p)));
            for (String key : all) {
                if (!bindings.containsKey(key)) {
                    int slash = key.indexOf('/');
                    bindings.put(key, List.of(new PortBinding(Integer.parseInt(key.substring(0, slash)),
                            key.substring(slash + 1), LOOPBACK, 0)));
                }
            }
        }
        return bindings;
    }

    /** {@code 8080} → {@code 8080/tcp}; {@code 53/udp} stays. */
    static String portKey(String port) {
        String p = port.strip();
        if (p.indexOf('/') < 0) {
            p = p + "/tcp";
        }
        int slash = p.indexOf('/');
        try {
            int number = Integer.parseInt(p.substring(0, slash));
            if (number < 1 || number > 65535) {
                throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("exposed port \"" + port + "\" is not PORT[/tcp|udp|sctp]");
        }
        return p;
    }

    /** Whole seconds, rounded up: a grace of 1.5 s must not become 1 s. */
    static long seconds(Duration duration) {
        if (duration.isNegative() || duration.isZero()) {
            return 0;
        }
        long seconds = duration.getSeconds();
        return duration.getNano() > 0 ? seconds + 1 : seconds;
    }

    /** The session's labels, which a volume the mount creates carries so that cleanup finds it. */
    private static Map<String, String> sessionLabels(Map<String, String> labels) {
        Map<String, String> result = new LinkedHashMap<>();
        for (String key : List.of(Labels.SESSION, Labels.OWNER)) {
            if (labels.containsKey(key)) {
                result.put(key, labels.get(key));
            }
        }
        return result;
    }

    private static List<HostConfig.ThrottleDevice> throttle(List<dev.stevedore.engine.BlockIoLimits.Device> devices) {
        return emptyToNull(devices.stream().map(d -> new HostConfig.ThrottleDevice(d.path(), d.value())).toList());
    }

    private static <T extends java.util.Collection<?>> T emptyToNull(T values) {
        return values.isEmpty() ? null : values;
    }

    private static <T extends Map<?, ?>> T emptyToNull(T values) {
        return values.isEmpty() ? null : values;
    }

    private static String emptyToNull(String value) {
        return value.isEmpty() ? null : value;
    }

    private static Boolean trueOrNull(boolean value) {
        return value ? Boolean.TRUE : null;
    }

    private static Long positiveOrNull(long value) {
        return value > 0 ? value : null;
    }

    /** Docker's document of a policy; none for {@code no}, dockerd's default. */
    /** Docker's default goes as nothing, so a daemon configured with another default keeps it, as with the docker CLI. */
    private static HostConfig.LogConfig logConfig(LogConfig log) {
        return log.equals(LogConfig.DEFAULT) ? null : new HostConfig.LogConfig(log.type(), log.options());
    }

    private static HostConfig.RestartPolicy restartPolicy(RestartPolicy policy) {
        if (policy.kind() == RestartPolicy.Kind.NO) {
            return null;
        }
        return new HostConfig.RestartPolicy(policy.kind().dockerName(),
                policy.kind() == RestartPolicy.Kind.ON_FAILURE ? policy.maximumRetries() : null);
    }
}
