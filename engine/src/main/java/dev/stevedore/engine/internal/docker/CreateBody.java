package dev.stevedore.engine.internal.docker;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.ImageConfig;
import dev.stevedore.engine.Mount;
import dev.stevedore.engine.PortBinding;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes the body of {@code POST /containers/create} for a {@link ContainerSpec}.
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
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
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
        ObjectNode body = NODES.objectNode();
        body.put("Image", image);
        if (spec.entrypoint() != null) {
            strings(body.putArray("Entrypoint"), spec.entrypoint());
        }
        if (spec.cmd() != null) {
            strings(body.putArray("Cmd"), spec.cmd());
        }
        if (!spec.env().isEmpty()) {
            strings(body.putArray("Env"), spec.env());
        }
        putIfSet(body, "WorkingDir", spec.workingDir());
        putIfSet(body, "User", spec.user());
        putIfSet(body, "Hostname", spec.hostname());
        putIfSet(body, "StopSignal", spec.stopSignal());
        if (spec.stopTimeout() != null) {
            body.put("StopTimeout", seconds(spec.stopTimeout()));
        }
        ObjectNode labelNode = body.putObject("Labels");
        labels.forEach(labelNode::put);
        body.put("AttachStdout", false).put("AttachStderr", false).put("Tty", false).put("OpenStdin", spec.openStdin())
                .put("StdinOnce", spec.openStdin() && spec.stdinOnce()).put("AttachStdin", spec.openStdin());

        Map<String, List<PortBinding>> bindings = portBindings(spec, imageConfig);
        Set<String> exposed = new LinkedHashSet<>();
        spec.exposedPorts().forEach(p -> exposed.add(portKey(p)));
        exposed.addAll(bindings.keySet());
        if (!exposed.isEmpty()) {
            ObjectNode exposedNode = body.putObject("ExposedPorts");
            exposed.forEach(p -> exposedNode.putObject(p));
        }

        ObjectNode host = body.putObject("HostConfig");
        if (!bindings.isEmpty()) {
            ObjectNode portNode = host.putObject("PortBindings");
            bindings.forEach((key, list) -> {
                ArrayNode array = portNode.putArray(key);
                for (PortBinding binding : list) {
                    array.addObject().put("HostIp", binding.hostIp())
                            .put("HostPort", binding.hostPort() == 0 ? "" : Integer.toString(binding.hostPort()));
                }
            });
        }
        mounts(spec.mounts(), host, labels);
        if (spec.readOnlyRootfs()) {
            host.put("ReadonlyRootfs", true);
        }
        if (spec.shmSizeBytes() > 0) {
            host.put("ShmSize", spec.shmSizeBytes());
        }
        if (!spec.securityOpts().isEmpty()) {
            spec.securityOpts().forEach(host.putArray("SecurityOpt")::add);
        }
        if (spec.memoryBytes() > 0) {
            host.put("Memory", spec.memoryBytes());
        }
        if (spec.cpus() > 0) {
            host.put("NanoCpus", Math.round(spec.cpus() * 1e9));
        }
        if (spec.pidsLimit() != 0) {
            host.put("PidsLimit", spec.pidsLimit()); // -1: none, as dockerd reads it
        }
        putIfSet(host, "NetworkMode", spec.networkMode());
        if (spec.autoRemove()) {
            host.put("AutoRemove", true);
        }
        if (!spec.networkAliases().isEmpty()) {
            // the daemon refuses aliases on the default bridge with its own clear message; no guessing here
            String network = spec.networkMode() != null ? spec.networkMode() : "bridge";
            strings(body.putObject("NetworkingConfig").putObject("EndpointsConfig").putObject(network)
                    .putArray("Aliases"), spec.networkAliases());
        }
        return body;
    }

    /** The bindings to request, by port key: the spec's, plus loopback ones for {@code publishAllPorts}. */
    static Map<String, List<PortBinding>> portBindings(ContainerSpec spec, ImageConfig imageConfig) {
        Map<String, List<PortBinding>> bindings = new LinkedHashMap<>();
        for (PortBinding binding : spec.ports()) {
            bindings.computeIfAbsent(binding.key(), k -> new java.util.ArrayList<>()).add(binding);
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

    private static void mounts(List<Mount> mounts, ObjectNode host, Map<String, String> labels) {
        ArrayNode mountArray = null;
        ObjectNode tmpfs = null;
        for (Mount mount : mounts) {
            if (mount.type() == Mount.Type.TMPFS) {
                if (tmpfs == null) {
                    tmpfs = host.putObject("Tmpfs");
                }
                tmpfs.put(mount.target(), mount.options());
                continue;
            }
            if (mountArray == null) {
                mountArray = host.putArray("Mounts");
            }
            ObjectNode m = mountArray.addObject();
            m.put("Target", mount.target());
            if (mount.readOnly()) {
                m.put("ReadOnly", true);
            }
            if (mount.type() == Mount.Type.BIND) {
                m.put("Type", "bind").put("Source", mount.source());
            } else {
                m.put("Type", "volume");
                if (!mount.source().isEmpty()) {
                    m.put("Source", mount.source());
                }
                ObjectNode volumeLabels = m.putObject("VolumeOptions").putObject("Labels");
                for (String key : List.of(Labels.SESSION, Labels.OWNER)) {
                    if (labels.containsKey(key)) {
                        volumeLabels.put(key, labels.get(key));
                    }
                }
            }
        }
    }

    /** Whole seconds, rounded up: a grace of 1.5 s must not become 1 s. */
    static long seconds(Duration duration) {
        if (duration.isNegative() || duration.isZero()) {
            return 0;
        }
        long seconds = duration.getSeconds();
        return duration.getNano() > 0 ? seconds + 1 : seconds;
    }

    private static void putIfSet(ObjectNode node, String field, String value) {
        if (value != null) {
            node.put(field, value);
        }
    }

    private static void strings(ArrayNode array, List<String> values) {
        values.forEach(array::add);
    }
}
