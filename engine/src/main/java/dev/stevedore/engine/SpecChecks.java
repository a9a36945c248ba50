package dev.stevedore.engine;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The checks and normal forms of {@link ContainerSpec}'s components, each refusing bad input with an
 * {@link IllegalArgumentException} that names it (in dockerd's words where dockerd has some). A component a container
 * record written by an older build lacks arrives as {@code null} and becomes empty here.
 */
final class SpecChecks {
    private SpecChecks() {
    }

    static <T> List<T> list(List<T> value) {
        return value == null ? List.of() : List.copyOf(value);
    }

    static List<String> capabilities(List<String> names) {
        List<String> copy = list(names);
        copy.forEach(Capability::normalize); // refuses an unknown name now, not at start
        return copy;
    }

    static List<String> extraHosts(List<String> entries) {
        List<String> copy = list(entries);
        copy.forEach(ExtraHost::parse);
        return copy;
    }

    static List<String> dns(List<String> servers) {
        List<String> copy = list(servers);
        copy.forEach(ExtraHost::address);
        return copy;
    }

    /** Checked, and kept as {@code name=soft:hard} whatever the form given. */
    static List<String> ulimits(List<String> ulimits) {
        return ulimits == null ? List.of() : ulimits.stream().map(u -> Ulimit.parse(u).toString()).toList();
    }

    static List<Integer> exposedHostPorts(List<Integer> ports) {
        List<Integer> copy = list(ports);
        for (int port : copy) {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("host port " + port + " to expose to the container is not between 1 and 65535");
            }
        }
        if (Set.copyOf(copy).size() != copy.size()) {
            throw new IllegalArgumentException("host ports to expose to the container name one twice: " + copy);
        }
        return copy;
    }

    static List<String> groupAdd(List<String> groups) {
        List<String> copy = list(groups);
        for (String group : copy) {
            if (group.isEmpty() || group.indexOf(':') >= 0 || group.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("group \"" + group + "\" to add is not a group name or number");
            }
        }
        return copy;
    }

    static void domainname(String domainname) {
        if (domainname != null && (domainname.length() > 64 || !domainname.matches("[A-Za-z0-9_.-]*"))) {
            throw new IllegalArgumentException("domain name \"" + domainname + "\" is not up to 64 letters, digits, '.', '-', '_'");
        }
    }

    static Map<String, String> sysctls(Map<String, String> sysctls, String networkMode) {
        Map<String, String> copy = sysctls == null ? Map.of() : Map.copyOf(sysctls);
        copy.keySet().forEach(key -> Sysctls.check(key, networkMode));
        return copy;
    }

    static void restartWithAutoRemove(RestartPolicy restartPolicy, boolean autoRemove) {
        if (autoRemove && restartPolicy.kind() != RestartPolicy.Kind.NO) {
            // as dockerd: a container that goes at its end cannot also be started again
            throw new IllegalArgumentException("restart policy " + restartPolicy + " conflicts with auto-remove (--rm):"
                    + " leave one out");
        }
    }

    static void env(List<String> env) {
        for (String e : env) {
            if (e.indexOf('=') <= 0) {
                throw new IllegalArgumentException("environment entry \"" + e + "\" is not KEY=value");
            }
        }
    }

    static void limits(long memoryBytes, double cpus, long pidsLimit, long shmSizeBytes, Resources resources) {
        if (memoryBytes < 0 || cpus < 0 || pidsLimit < -1 || shmSizeBytes < 0) {
            throw new IllegalArgumentException("limits cannot be negative (but a pids limit of -1 for none)");
        }
        if (cpus > 0 && (resources.cpuPeriod() != 0 || resources.cpuQuota() != 0)) {
            throw new IllegalArgumentException("Conflicting options: Nano CPUs and CPU " + (resources.cpuPeriod() != 0
                    ? "Period" : "Quota") + " cannot both be set"); // dockerd's words
        }
    }

    static List<String> links(List<String> links, String networkMode) {
        // once each: the docker CLI sends a user network's links both in HostConfig and in its endpoint
        List<String> normal = links == null ? List.of() : links.stream().map(l -> Link.parse(l).toString()).distinct().toList();
        if (!normal.isEmpty() && ("host".equals(networkMode) || ContainerSpec.sharedContainer(networkMode) != null)) {
            // dockerd's words
            throw new IllegalArgumentException("conflicting options: " + ("host".equals(networkMode) ? "host"
                    : "container") + " type networking can't be used with links. This would result in undefined behavior");
        }
        return normal;
    }

    static Map<String, String> annotations(Map<String, String> annotations) {
        Map<String, String> copy = annotations == null ? Map.of() : Map.copyOf(annotations);
        for (String key : copy.keySet()) {
            if (key.isBlank()) {
                // dockerd's words (API 1.43)
                throw new IllegalArgumentException("invalid Annotations: the empty string is not permitted as an annotation key");
            }
        }
        return copy;
    }

    static void oomScoreAdj(int value) {
        if (value < -1000 || value > 1000) {
            // dockerd's words
            throw new IllegalArgumentException("Invalid value " + value + ", range for oom score adj is [-1000, 1000]");
        }
    }
}
