package dev.stevedore.engine.internal.runtime;

import dev.stevedore.engine.ContainerEngineException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The host's cgroup controllers as this process sees them, detected rather than assumed: a host may
 * run cgroup v2 alone, v1 alone, or v1 controllers beside a v2 hierarchy (as some CI machines do).
 * Each controller is taken from v2 when the unified hierarchy offers it, else from v1.
 *
 * <p>On v1 a container's groups nest under this JVM's own groups, so whatever limits and accounts for
 * the JVM also covers its containers. On v2 they go under {@code /stevedore} at the hierarchy's root,
 * because v2 lets a group with processes (the JVM's) hand no controllers to children.
 */
final class Cgroups {
    static final String MEMORY = "memory";
    static final String CPU = "cpu";
    static final String PIDS = "pids";

    /** Where one controller lives: the mount, this process's group in it, and whether it is v2. */
    record Controller(String name, Path mount, String ownGroup, boolean unified) {
    }

    private final Map<String, Controller> controllers;

    Cgroups(Map<String, Controller> controllers) {
        this.controllers = Map.copyOf(controllers);
    }

    Optional<Controller> controller(String name) {
        return Optional.ofNullable(controllers.get(name));
    }

    /** Reads the host's layout from /proc/self/mountinfo and /proc/self/cgroup. */
    static Cgroups detect() {
        try {
            return parse(Files.readAllLines(Path.of("/proc/self/mountinfo"), StandardCharsets.UTF_8),
                    Files.readAllLines(Path.of("/proc/self/cgroup"), StandardCharsets.UTF_8),
                    Cgroups::readControllers);
        } catch (IOException e) {
            throw new ContainerEngineException("cannot read this host's cgroup layout from /proc: " + e.getMessage(), e);
        }
    }

    private static String readControllers(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            return "";
        }
    }

    /** The layout from the two /proc files; {@code unifiedControllers} reads a v2 cgroup.controllers file. */
    static Cgroups parse(List<String> mountinfo, List<String> ownGroups, java.util.function.Function<Path, String> unifiedControllers) {
        Map<String, String> v1Groups = new LinkedHashMap<>();
        String v2Group = null;
        for (String line : ownGroups) {
            String[] parts = line.split(":", 3);
            if (parts.length < 3) {
                continue;
            }
            if (parts[0].equals("0") && parts[1].isEmpty()) {
                v2Group = parts[2];
            } else {
                for (String controller : parts[1].split(",")) {
                    v1Groups.put(controller, parts[2]);
                }
            }
        }
        Map<String, Controller> found = new LinkedHashMap<>();
        Path v2Mount = null;
        for (String line : mountinfo) {
            int separator = line.indexOf(" - ");
            if (separator < 0) {
                continue;
            }
            String[] before = line.substring(0, separator).split(" ");
            String[] after = line.substring(separator + 3).split(" ");
            if (before.length < 5 || after.length < 3 || !before[3].equals("/")) {
                continue; // a bind of a sub-group is not a place to create groups in
            }
            Path mount = Path.of(before[4]);
            if (after[0].equals("cgroup2") && v2Mount == null) {
                v2Mount = mount;
            } else if (after[0].equals("cgroup")) {
                for (String option : after[2].split(",")) {
                    if (Set.of(MEMORY, CPU, PIDS).contains(option) && v1Groups.containsKey(option)) {
                        found.putIfAbsent(option, new Controller(option, mount, v1Groups.get(option), false));
                    }
                }
            }
        }
        if (v2Mount != null && v2Group != null) {
            for (String controller : unifiedControllers.apply(v2Mount.resolve("cgroup.controllers")).split(" ")) {
                if (Set.of(MEMORY, CPU, PIDS).contains(controller)) {
                    found.put(controller, new Controller(controller, v2Mount, "/", true));
                }
            }
        }
        return new Cgroups(found);
    }

    /** The files to write for each controller the limits need, in the order they are needed. */
    Map<Controller, Map<String, String>> plan(ResourceLimits limits, String containerName) {
        Map<Controller, Map<String, String>> plan = new LinkedHashMap<>();
        if (limits.memoryBytes() != 0) {
            Controller memory = require(MEMORY, "a memory limit", containerName);
            put(plan, memory, memory.unified() ? "memory.max" : "memory.limit_in_bytes", Long.toString(limits.memoryBytes()));
        }
        if (limits.nanoCpus() != 0) {
            Controller cpu = require(CPU, "a CPU limit", containerName);
            long period = 100_000;
            long quota = Math.max(1_000, limits.nanoCpus() * period / 1_000_000_000L);
            if (cpu.unified()) {
                put(plan, cpu, "cpu.max", quota + " " + period);
            } else {
                put(plan, cpu, "cpu.cfs_period_us", Long.toString(period));
                put(plan, cpu, "cpu.cfs_quota_us", Long.toString(quota));
            }
        }
        if (limits.pids() != 0) {
            Controller pids = require(PIDS, "a pids limit", containerName);
            put(plan, pids, "pids.max", Long.toString(limits.pids()));
        }
        return plan;
    }

    /**
     * Creates the container's groups and writes its limits; the launcher moves the container in.
     *
     * @return the group directories, one per hierarchy
     */
    List<Path> create(ResourceLimits limits, String containerName) {
        Map<Controller, Map<String, String>> plan = plan(limits, containerName);
        Map<Path, Map<String, String>> groups = new LinkedHashMap<>();
        List<String> unifiedControllers = new ArrayList<>();
        for (var entry : plan.entrySet()) {
            Controller controller = entry.getKey();
            groups.computeIfAbsent(directory(controller, containerName), d -> new LinkedHashMap<>()).putAll(entry.getValue());
            if (controller.unified()) {
                unifiedControllers.add("+" + controller.name());
            }
        }
        List<Path> created = new ArrayList<>();
        try {
            if (!unifiedControllers.isEmpty()) {
                Path mount = plan.keySet().stream().filter(Controller::unified).findFirst().orElseThrow().mount();
                String enable = String.join(" ", unifiedControllers);
                Files.writeString(mount.resolve("cgroup.subtree_control"), enable);
                Files.createDirectories(mount.resolve("stevedore"));
                Files.writeString(mount.resolve("stevedore").resolve("cgroup.subtree_control"), enable);
            }
            for (var group : groups.entrySet()) {
                Files.createDirectory(group.getKey());
                created.add(group.getKey());
                for (var file : group.getValue().entrySet()) {
                    Files.writeString(group.getKey().resolve(file.getKey()), file.getValue());
                }
            }
            return created;
        } catch (IOException e) {
            remove(created);
            throw new ContainerEngineException("cannot create the cgroups of container " + containerName + " for its "
                    + "limits (" + limits + "): " + e + "; run as root on a host with delegated cgroup controllers", e);
        }
    }

    private Path directory(Controller controller, String containerName) {
        if (controller.unified()) {
            return controller.mount().resolve("stevedore").resolve(containerName);
        }
        // flat beside nothing of ours: a v1 group is removed whole when the container ends
        Path own = controller.mount().resolve(controller.ownGroup().replaceFirst("^/+", ""));
        return own.resolve("stevedore-" + containerName);
    }

    private Controller require(String name, String what, String containerName) {
        Controller controller = controllers.get(name);
        if (controller == null) {
            throw new ContainerEngineException("container " + containerName + " asks for " + what + ", but this host offers no "
                    + name + " cgroup controller (neither in a cgroup v2 hierarchy nor as a v1 mount); drop the limit "
                    + "or enable the controller");
        }
        return controller;
    }

    private static void put(Map<Controller, Map<String, String>> plan, Controller controller, String file, String value) {
        plan.computeIfAbsent(controller, c -> new LinkedHashMap<>()).put(file, value);
    }

    /** Removes groups that are empty; the launcher does it at exit, this catches a killed launcher. */
    static void remove(List<Path> groups) {
        for (Path group : groups) {
            try {
                Files.deleteIfExists(group);
            } catch (NoSuchFileException e) {
                // already gone
            } catch (IOException e) {
                // still populated or busy: the reaper tries again later
            }
        }
    }
}
