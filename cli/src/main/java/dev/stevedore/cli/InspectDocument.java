package dev.stevedore.cli;

import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.ContainerHealth;
import dev.stevedore.engine.ContainerState;
import dev.stevedore.engine.ImageConfig;
import dev.stevedore.engine.Mount;
import dev.stevedore.engine.PortBinding;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A container as {@code docker inspect} shows it: the same field names and nesting, for the fields
 * Stevedore knows; times in RFC 3339, Docker's zero time where a time is unknown.
 */
final class InspectDocument {
    /** Docker's "never": Go's zero time. */
    static final String ZERO_TIME = "0001-01-01T00:00:00Z";

    private InspectDocument() {
    }

    /** The document for {@code info}; {@code image} fills in what the container took from its image. */
    static Map<String, Object> of(ContainerInfo info, ImageConfig image) {
        ContainerSpec spec = info.spec();
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("Id", info.id());
        document.put("Created", time(info.created()));
        document.put("Path", info.command().isEmpty() ? "" : info.command().get(0));
        document.put("Args", info.command().isEmpty() ? List.of() : info.command().subList(1, info.command().size()));
        Map<String, Object> state = state(info.state());
        if (info.health() != null) {
            state.put("Health", health(info.health()));
        }
        document.put("State", state);
        document.put("Image", info.imageId());
        document.put("Name", "/" + info.name());
        document.put("RestartCount", info.restartCount());
        document.put("Platform", "linux");
        document.put("HostConfig", hostConfig(spec));
        document.put("Mounts", mounts(info.mounts()));
        document.put("Config", config(info, image));
        document.put("NetworkSettings", networkSettings(info));
        return document;
    }

    /** dockerd's {@code State.Health}. */
    private static Map<String, Object> health(ContainerHealth health) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("Status", health.status().dockerName());
        fields.put("FailingStreak", health.failingStreak());
        fields.put("Log", health.log().stream().map(r -> {
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("Start", time(r.start()));
            result.put("End", time(r.end()));
            result.put("ExitCode", r.exitCode());
            result.put("Output", r.output());
            return result;
        }).toList());
        return fields;
    }

    private static Map<String, Object> state(ContainerState state) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("Status", Containers.statusName(state));
        boolean restarting = state.status() == ContainerState.Status.RESTARTING;
        fields.put("Running", state.running() || restarting); // as dockerd: running, between two runs
        fields.put("Paused", state.status() == ContainerState.Status.PAUSED);
        fields.put("Restarting", restarting);
        fields.put("OOMKilled", state.oomKilled());
        fields.put("Dead", state.status() == ContainerState.Status.DEAD);
        fields.put("Pid", state.pid());
        fields.put("ExitCode", state.exitCode());
        fields.put("Error", state.error());
        fields.put("StartedAt", time(state.startedAt()));
        fields.put("FinishedAt", time(state.finishedAt()));
        return fields;
    }

    private static Map<String, Object> hostConfig(ContainerSpec spec) {
        Map<String, Object> fields = new LinkedHashMap<>();
        List<String> binds = new ArrayList<>();
        Map<String, String> tmpfs = new LinkedHashMap<>();
        for (Mount mount : spec.mounts()) {
            if (mount.type() == Mount.Type.TMPFS) {
                tmpfs.put(mount.target(), mount.options());
            } else if (!mount.source().isEmpty()) {
                binds.add(mount.source() + ":" + mount.target() + (mount.readOnly() ? ":ro" : ""));
            }
        }
        fields.put("Binds", binds);
        fields.put("NetworkMode", spec.networkMode() == null ? "default" : spec.networkMode());
        fields.put("PortBindings", portMap(spec.ports()));
        fields.put("LogConfig", Map.of("Type", spec.logConfig().type(), "Config", spec.logConfig().options()));
        fields.put("RestartPolicy", Map.of("Name", spec.restartPolicy().kind().dockerName(),
                "MaximumRetryCount", spec.restartPolicy().maximumRetries()));
        fields.put("AutoRemove", spec.autoRemove());
        fields.put("PublishAllPorts", spec.publishAllPorts());
        fields.put("Privileged", spec.privileged());
        fields.put("ReadonlyRootfs", spec.readOnlyRootfs());
        fields.put("Tmpfs", tmpfs);
        fields.put("ShmSize", spec.shmSizeBytes() == 0 ? 64L * 1024 * 1024 : spec.shmSizeBytes());
        fields.put("Memory", spec.memoryBytes());
        fields.put("NanoCpus", Math.round(spec.cpus() * 1e9));
        fields.put("PidsLimit", spec.pidsLimit() == 0 ? null : spec.pidsLimit());
        fields.put("CpuShares", spec.resources().cpuShares());
        fields.put("CpuPeriod", spec.resources().cpuPeriod());
        fields.put("CpuQuota", spec.resources().cpuQuota());
        fields.put("CpusetCpus", spec.resources().cpusetCpus());
        fields.put("CpusetMems", spec.resources().cpusetMems());
        fields.put("BlkioWeight", spec.resources().blkioWeight());
        return fields;
    }

    private static List<Map<String, Object>> mounts(List<Mount> mounts) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (Mount mount : mounts) {
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("Type", mount.type().name().toLowerCase(Locale.ROOT));
            if (mount.type() == Mount.Type.VOLUME) {
                fields.put("Name", mount.source());
            }
            fields.put("Source", mount.source());
            fields.put("Destination", mount.target());
            fields.put("Mode", mount.type() == Mount.Type.TMPFS ? mount.options() : mount.readOnly() ? "ro" : "");
            fields.put("RW", !mount.readOnly());
            list.add(fields);
        }
        return list;
    }

    private static Map<String, Object> config(ContainerInfo info, ImageConfig image) {
        ContainerSpec spec = info.spec();
        // Docker's rules: a new entrypoint drops the image's CMD too; CMD alone replaces only CMD.
        List<String> entrypoint = spec.entrypoint() != null ? spec.entrypoint() : image.entrypoint();
        List<String> cmd = spec.cmd() != null ? spec.cmd() : spec.entrypoint() != null ? List.of() : image.cmd();
        Map<String, Object> exposed = new TreeMap<>();
        image.exposedPorts().forEach(port -> exposed.put(port, Map.of()));
        spec.exposedPorts().forEach(port -> exposed.put(port, Map.of()));
        spec.ports().forEach(port -> exposed.put(port.key(), Map.of()));
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("Hostname", spec.hostname() != null ? spec.hostname() : info.shortId());
        fields.put("User", spec.user() != null ? spec.user() : image.user());
        fields.put("ExposedPorts", exposed);
        fields.put("Env", info.env());
        fields.put("Cmd", cmd.isEmpty() ? null : cmd);
        fields.put("Image", info.image());
        fields.put("WorkingDir", spec.workingDir() != null ? spec.workingDir() : image.workingDir());
        fields.put("Entrypoint", entrypoint.isEmpty() ? null : entrypoint);
        fields.put("Labels", new TreeMap<>(info.labels()));
        fields.put("StopSignal", spec.stopSignal() != null ? spec.stopSignal() : image.stopSignal().isEmpty() ? "SIGTERM" : image.stopSignal());
        fields.put("StopTimeout", spec.stopTimeout() == null ? null : spec.stopTimeout().toSeconds());
        if (spec.healthCheck() != null) {
            Map<String, Object> check = new LinkedHashMap<>();
            check.put("Test", spec.healthCheck().test());
            check.put("Interval", spec.healthCheck().interval().toNanos());
            check.put("Timeout", spec.healthCheck().timeout().toNanos());
            check.put("StartPeriod", spec.healthCheck().startPeriod().toNanos());
            check.put("Retries", spec.healthCheck().retries());
            if (!spec.healthCheck().startInterval().isZero()) {
                check.put("StartInterval", spec.healthCheck().startInterval().toNanos());
            }
            fields.put("Healthcheck", check);
        }
        return fields;
    }

    private static Map<String, Object> networkSettings(ContainerInfo info) {
        Map<String, Object> networks = new TreeMap<>();
        info.networks().forEach((name, address) -> {
            Map<String, Object> endpoint = new LinkedHashMap<>();
            List<String> aliases = info.inspectAliases(name);
            endpoint.put("Aliases", aliases.isEmpty() ? null : aliases);
            String asked = info.staticAddresses().get(name);
            endpoint.put("IPAMConfig", asked == null ? null : Map.of("IPv4Address", asked));
            endpoint.put("IPAddress", address);
            networks.put(name, endpoint);
        });
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("Ports", portMap(info.ports()));
        fields.put("Networks", networks);
        return fields;
    }

    /** {@code {"80/tcp": [{"HostIp": "127.0.0.1", "HostPort": "49153"}]}}; an unbound host port is "". */
    private static Map<String, Object> portMap(List<PortBinding> ports) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (PortBinding port : Containers.sorted(ports)) {
            Map<String, Object> binding = new LinkedHashMap<>();
            binding.put("HostIp", port.hostIp());
            binding.put("HostPort", port.hostPort() == 0 ? "" : String.valueOf(port.hostPort()));
            @SuppressWarnings("unchecked")
            List<Object> bindings = (List<Object>) map.computeIfAbsent(port.key(), key -> new ArrayList<>());
            bindings.add(binding);
        }
        return map;
    }

    private static String time(Instant instant) {
        return instant == null ? ZERO_TIME : instant.toString();
    }
}
