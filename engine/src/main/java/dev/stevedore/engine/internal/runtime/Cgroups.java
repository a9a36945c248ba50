package dev.stevedore.engine.internal.runtime;

import dev.stevedore.engine.ContainerEngineException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The host's cgroup hierarchies as this process sees them, detected rather than assumed: a host may run cgroup v2
 * alone, v1 alone, or v1 controllers beside a v2 hierarchy (as some CI machines do). Each controller is taken from
 * v2 when the unified hierarchy offers it, else from v1.
 *
 * <p>Every container gets groups of its own, whatever it asks for: one in the v2 hierarchy when there is one (it
 * holds the device program, and the container's cgroup namespace is rooted there), one per v1 hierarchy whose
 * controller it needs (pids always, for the default pids limit; devices when the device rules live in v1; memory
 * and cpu when asked). On v1 they nest under this JVM's own groups, so whatever limits the JVM also covers its
 * containers; on v2 they go under {@code /stevedore} at the hierarchy's root, because v2 lets a group with processes
 * (the JVM's) hand no controllers to children. A rootless engine's layout is the subtree delegated to its user
 * ({@link DelegatedCgroups}), with no device policy.
 */
final class Cgroups {
    static final String MEMORY = "memory";
    static final String CPU = "cpu";
    static final String PIDS = "pids";
    static final String DEVICES = "devices";
    /** v1 only: pause freezes a v2 group through its {@code cgroup.freeze}, no controller needed. */
    static final String FREEZER = "freezer";
    static final String CPUSET = "cpuset";
    /** Block I/O: {@code blkio} in v1, {@code io} in v2. */
    static final String BLKIO = "blkio";
    static final String IO = "io";
    private static final Set<String> USED = Set.of(MEMORY, CPU, PIDS, DEVICES, FREEZER, CPUSET, BLKIO, IO);

    /**
     * The device nodes a container may make and use, as v1 rules: Docker's standard nodes (null, zero, full,
     * random, urandom, tty, console, ptmx, the pty slaves). The cgroup v2 program (devices.c) allows the same.
     */
    static final List<String> DEVICE_RULES = List.of("c 1:3 rwm", "c 1:5 rwm", "c 1:7 rwm", "c 1:8 rwm", "c 1:9 rwm",
            "c 5:0 rwm", "c 5:1 rwm", "c 5:2 rwm", "c 136:* rwm");

    /** Where one controller lives: the mount, this process's group in it, and whether it is v2. */
    record Controller(String name, Path mount, String ownGroup, boolean unified) {
    }

    /** How a container's device access is policed. */
    enum DevicePolicy {
        /** A cgroup v2 device program, attached by the launcher to the container's v2 group. */
        PROGRAM,
        /** v1 {@code devices.deny}/{@code devices.allow} rules in the container's devices group. */
        RULES,
        /** Neither: the container gets no CAP_MKNOD, every mount it can write is nodev, and a "dev" tmpfs is refused. */
        NONE
    }

    /** One write into a group's control file. */
    record Write(String file, String value) {
    }

    /**
     * What to make for one container.
     *
     * @param groups    each group to create with the writes to make there, in order (the v2 group first)
     * @param enable    the v2 controllers to enable in the subtree above the v2 group ({@code +pids ...})
     * @param program   the v2 group the device program goes on; {@code null} unless {@code devices} is PROGRAM
     * @param devices   how devices are policed
     */
    record Plan(Map<Path, List<Write>> groups, List<String> enable, Path program, DevicePolicy devices) {
    }

    /**
     * A container's groups once made.
     *
     * @param groups  the directories, one per hierarchy (removed with the container)
     * @param program the v2 group the launcher attaches the device program to; {@code null} for none
     * @param devices how devices are policed
     */
    record Made(List<Path> groups, Path program, DevicePolicy devices) {
        static final Made NONE = new Made(List.of(), null, DevicePolicy.NONE);
    }

    private final Map<String, Controller> controllers;
    private final Path unifiedParent;
    private final List<Path> enableAt;
    private final String delegatedTo;

    /**
     * @param controllers   where each usable controller lives
     * @param unifiedParent the v2 directory the containers' v2 groups go in; {@code null} for no v2 group
     * @param enableAt      the v2 directories (the last being {@code unifiedParent}) whose subtree_control must offer a
     *                      v2 controller before a container's group may use it, made when missing
     * @param delegatedTo   rootless, the user whose delegated subtree this is; {@code null} as root
     */
    private Cgroups(Map<String, Controller> controllers, Path unifiedParent, List<Path> enableAt, String delegatedTo) {
        this.controllers = Map.copyOf(controllers);
        this.unifiedParent = unifiedParent;
        this.enableAt = List.copyOf(enableAt);
        this.delegatedTo = delegatedTo;
    }

    /** Rootless: the groups of the subtree delegated to {@code user} (see {@link DelegatedCgroups}). */
    static Cgroups delegated(Map<String, Controller> controllers, Path unifiedParent, List<Path> enableAt, String user) {
        return new Cgroups(controllers, unifiedParent, enableAt, user);
    }

    /** As root: the whole hierarchy is this process's to use. */
    private static Cgroups rootful(Map<String, Controller> controllers, Path unifiedMount) {
        if (unifiedMount == null) {
            return new Cgroups(controllers, null, List.of(), null);
        }
        Path parent = unifiedMount.resolve("stevedore");
        return new Cgroups(controllers, parent, List.of(unifiedMount, parent), null);
    }

    Optional<Controller> controller(String name) {
        return Optional.ofNullable(controllers.get(name));
    }

    /**
     * As {@link #devicePolicy()}, for a container asking for {@code --device-cgroup-rule}s: v1 rules where the host has a
     * v1 devices controller beside its v2 hierarchy, since the v2 program takes only the standard nodes and --device.
     */
    DevicePolicy devicePolicy(dev.stevedore.engine.AdvancedResources asked) {
        DevicePolicy policy = devicePolicy();
        boolean v1Devices = controllers.containsKey(DEVICES) && !controllers.get(DEVICES).unified();
        return policy == DevicePolicy.PROGRAM && !asked.deviceCgroupRules().isEmpty() && v1Devices ? DevicePolicy.RULES : policy;
    }

    /** How devices are policed for every container on this host. */
    DevicePolicy devicePolicy() {
        if (delegatedTo != null) {
            // an ordinary user can neither load a device program (CAP_BPF and CAP_SYS_ADMIN in the host's user
            // namespace) nor write v1 devices rules (CAP_SYS_ADMIN); its containers cannot make device nodes anyway
            // (no mknod in a user namespace, and every mount made there is nodev): only bound host nodes work
            return DevicePolicy.NONE;
        }
        if (unifiedParent != null) {
            return DevicePolicy.PROGRAM;
        }
        return controllers.containsKey(DEVICES) && !controllers.get(DEVICES).unified() ? DevicePolicy.RULES : DevicePolicy.NONE;
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
    static Cgroups parse(List<String> mountinfo, List<String> ownGroups, Function<Path, String> unifiedControllers) {
        Mounts mounts = mounts(mountinfo, ownGroups);
        Map<String, Controller> found = new LinkedHashMap<>(mounts.v1());
        if (mounts.v2Mount() == null || mounts.v2Group() == null) {
            return rootful(found, null);
        }
        for (String controller : unifiedControllers.apply(mounts.v2Mount().resolve("cgroup.controllers")).split(" ")) {
            if (USED.contains(controller) && !controller.equals(DEVICES)) {
                found.put(controller, new Controller(controller, mounts.v2Mount(), "/", true));
            }
        }
        return rootful(found, mounts.v2Mount());
    }

    /**
     * The hierarchies this process may create groups in, from the two /proc files.
     *
     * @param v1      each used v1 controller with this process's group in it
     * @param v2Mount the writable cgroup2 mount; {@code null} for none
     * @param v2Group this process's v2 group; {@code null} when it has none
     */
    record Mounts(Map<String, Controller> v1, Path v2Mount, String v2Group) {
    }

    static Mounts mounts(List<String> mountinfo, List<String> ownGroups) {
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
            if (before.length < 6 || after.length < 3 || !before[3].equals("/")) {
                continue; // a bind of a sub-group is not a place to create groups in
            }
            Path mount = Path.of(before[4]);
            boolean writable = before[5].startsWith("rw");
            if (after[0].equals("cgroup2") && v2Mount == null && writable) {
                v2Mount = mount;
            } else if (after[0].equals("cgroup") && writable) {
                for (String option : after[2].split(",")) {
                    if (USED.contains(option) && v1Groups.containsKey(option)) {
                        found.putIfAbsent(option, new Controller(option, mount, v1Groups.get(option), false));
                    }
                }
            }
        }
        return new Mounts(found, v2Mount, v2Group);
    }

    /**
     * Refuses {@code limits} (naming the missing controller and its fix) when they need a controller there is not.
     */
    void check(ResourceLimits limits, String containerName) {
        plan(limits, containerName);
    }

    /** As {@link #plan(ResourceLimits, String, List)} without devices of its own. */
    Plan plan(ResourceLimits limits, String containerName) {
        return plan(limits, containerName, List.of());
    }

    /**
     * The groups and writes a container named {@code containerName} needs for {@code limits} and its device policy,
     * which allows the standard nodes and {@code devices} ({@code --device}).
     */
    Plan plan(ResourceLimits limits, String containerName, List<DeviceNode> devices) {
        return plan(limits, containerName, devices, false);
    }

    /** As {@link #plan(ResourceLimits, String, List)}; {@code allDevices}: every device allowed (privileged). */
    Plan plan(ResourceLimits limits, String containerName, List<DeviceNode> devices, boolean allDevices) {
        Map<Path, List<Write>> groups = new LinkedHashMap<>();
        List<String> enable = new ArrayList<>();
        Path unifiedGroup = unifiedParent == null ? null : unifiedParent.resolve(containerName);
        if (unifiedGroup != null) {
            groups.put(unifiedGroup, new ArrayList<>());
        }
        if (limits.memoryBytes() != 0) {
            Controller memory = require(MEMORY, "a memory limit", containerName);
            write(groups, enable, memory, containerName, memory.unified() ? "memory.max" : "memory.limit_in_bytes",
                    Long.toString(limits.memoryBytes()));
        }
        if (limits.nanoCpus() != 0) {
            Controller cpu = require(CPU, "a CPU limit", containerName);
            long period = 100_000;
            long quota = Math.max(1_000, limits.nanoCpus() * period / 1_000_000_000L);
            if (cpu.unified()) {
                write(groups, enable, cpu, containerName, "cpu.max", quota + " " + period);
            } else {
                write(groups, enable, cpu, containerName, "cpu.cfs_period_us", Long.toString(period));
                write(groups, enable, cpu, containerName, "cpu.cfs_quota_us", Long.toString(quota));
            }
        }
        planResources(limits.resources(), containerName, groups, enable);
        planAdvanced(limits.resources().advanced(), limits.memoryBytes(), containerName, groups, enable);
        if (limits.pids() > 0) {
            Controller pids = require(PIDS, "a pids limit", containerName);
            write(groups, enable, pids, containerName, "pids.max", Long.toString(limits.pids()));
        } else if (limits.pids() == 0 && controllers.containsKey(PIDS)) {
            write(groups, enable, controllers.get(PIDS), containerName, "pids.max", Long.toString(ResourceLimits.DEFAULT_PIDS));
        }
        DevicePolicy policy = devicePolicy(limits.resources().advanced());
        if (policy == DevicePolicy.RULES && allDevices) {
            write(groups, enable, controllers.get(DEVICES), containerName, "devices.allow", "a");
        } else if (policy == DevicePolicy.RULES) {
            Controller controller = controllers.get(DEVICES);
            write(groups, enable, controller, containerName, "devices.deny", "a");
            for (String rule : DEVICE_RULES) {
                write(groups, enable, controller, containerName, "devices.allow", rule);
            }
            for (DeviceNode device : devices) {
                write(groups, enable, controller, containerName, "devices.allow", device.cgroupRule());
            }
            for (String rule : limits.resources().advanced().deviceCgroupRules()) {
                write(groups, enable, controller, containerName, "devices.allow", rule);
            }
        } else if (!allDevices) {
            AdvancedFiles.checkDeviceRules(limits.resources().advanced(), policy);
        }
        return new Plan(groups, enable, policy == DevicePolicy.PROGRAM ? unifiedGroup : null, policy);
    }

    /**
     * The writes of Docker's CPU shares and quota, cpuset, block I/O weight, memory reservation and swappiness and
     * per-device block I/O limits ({@link ResourceFiles}).
     */
    private void planResources(dev.stevedore.engine.Resources r, String containerName, Map<Path, List<Write>> groups,
                               List<String> enable) {
        if (ResourceFiles.asksCpu(r)) {
            Controller cpu = require(CPU, "CPU shares or a CFS period or quota", containerName);
            ResourceFiles.cpu(r, cpu.unified()).forEach(w -> write(groups, enable, cpu, containerName, w.file(), w.value()));
        }
        if (ResourceFiles.asksCpuset(r)) {
            Controller cpuset = require(CPUSET, "a cpuset", containerName);
            ResourceFiles.cpuset(r, cpuset.unified(), directory(cpuset, containerName).getParent())
                    .forEach(w -> write(groups, enable, cpuset, containerName, w.file(), w.value()));
        }
        if (r.blkioWeight() != 0) {
            Controller io = controllers.containsKey(IO) ? controllers.get(IO) : require(BLKIO, "a block I/O weight", containerName);
            ResourceFiles.blkio(r, io.unified(), directory(io, containerName).getParent())
                    .forEach(w -> write(groups, enable, io, containerName, w.file(), w.value()));
        }
        if (ResourceFiles.asksMemory(r)) {
            Controller memory = require(MEMORY, "a memory reservation or swappiness", containerName);
            ResourceFiles.memory(r, memory.unified()).forEach(w -> write(groups, enable, memory, containerName, w.file(), w.value()));
        }
        if (r.blockIo().any()) {
            Controller io = controllers.containsKey(IO) ? controllers.get(IO) : require(BLKIO, "per-device block I/O limits", containerName);
            ResourceFiles.devices(r.blockIo(), io.unified(), directory(io, containerName).getParent(), DeviceNode::blockNumbers)
                    .forEach(w -> write(groups, enable, io, containerName, w.file(), w.value()));
        }
    }

    /** The writes of the swap, OOM killer, kernel memory and real-time settings ({@link AdvancedFiles}). */
    private void planAdvanced(dev.stevedore.engine.AdvancedResources a, long memoryBytes, String containerName,
                              Map<Path, List<Write>> groups, List<String> enable) {
        if (a.asksMemory()) {
            Controller memory = require(MEMORY, "a memory swap, OOM killer or kernel memory setting", containerName);
            AdvancedFiles.memory(a, memoryBytes, memory.unified()).forEach(w -> write(groups, enable, memory, containerName, w.file(), w.value()));
        }
        if (a.asksRealtime()) {
            Controller cpu = require(CPU, "a real-time CPU period or runtime", containerName);
            AdvancedFiles.realtime(a, cpu.unified()).forEach(w -> write(groups, enable, cpu, containerName, w.file(), w.value()));
        }
    }

    /**
     * Creates the container's groups and writes its limits and device rules; the launcher moves the container in
     * (and attaches the device program).
     */
    Made create(ResourceLimits limits, String containerName, List<DeviceNode> devices, boolean allDevices) {
        Plan plan = plan(limits, containerName, devices, allDevices);
        List<Path> created = new ArrayList<>();
        try {
            if (unifiedParent != null) {
                if (plan.enable().isEmpty()) {
                    Files.createDirectories(unifiedParent);
                }
                for (Path level : plan.enable().isEmpty() ? List.<Path>of() : enableAt) {
                    Files.createDirectories(level);
                    Files.writeString(level.resolve("cgroup.subtree_control"), String.join(" ", plan.enable()));
                }
            }
            for (var group : plan.groups().entrySet()) {
                createGroup(group.getKey(), containerName);
                created.add(group.getKey());
                for (Write write : group.getValue()) {
                    Files.writeString(group.getKey().resolve(write.file()), write.value());
                }
            }
            return new Made(created, plan.program(), plan.devices());
        } catch (IOException e) {
            remove(created);
            throw new ContainerEngineException("cannot create the cgroups of container " + containerName + " (limits "
                    + limits + "): " + e + (delegatedTo == null ? "; run as root on a host whose cgroup hierarchies are "
                    + "mounted writable" : "; the cgroup subtree delegated to user " + delegatedTo + " must stay writable "
                    + "by that user (directories, cgroup.procs, cgroup.subtree_control)"), e);
        }
    }

    /**
     * Makes one of a container's groups. Its name is the container's, the same for every run, so an earlier run's
     * group may still be there (a launcher killed before its clean-up, a remove that met a group the kernel had not
     * released yet): an empty one is removed and made anew, so no limit of the earlier run carries over.
     */
    private static void createGroup(Path group, String containerName) throws IOException {
        try {
            Files.createDirectory(group);
        } catch (FileAlreadyExistsException e) {
            try {
                Files.delete(group);
            } catch (IOException busy) {
                throw new IOException("cannot create the cgroup " + group + " of container " + containerName
                        + ": a group of that name is left from an earlier run and cannot be removed (" + busy.getMessage()
                        + "); a process of that run may still be in it: list " + group.resolve("cgroup.procs")
                        + " and end them", busy);
            }
            Files.createDirectory(group);
        }
    }

    /** Offers the v2 {@code controller} to the containers' groups, at every level above them that must offer it. */
    void enable(String controller) throws IOException {
        for (Path level : enableAt) {
            Files.writeString(level.resolve("cgroup.subtree_control"), "+" + controller);
        }
    }

    /** The name of the groups of the container whose state directory is {@code stateDirectory}. */
    static String groupName(Path stateDirectory) {
        return stateDirectory.getFileName() + "-" + Integer.toHexString(stateDirectory.toAbsolutePath().hashCode());
    }

    /** The container's v2 group, whether or not it exists; empty on a host without a writable v2 hierarchy. */
    Optional<Path> unifiedGroup(String containerName) {
        return Optional.ofNullable(unifiedParent).map(p -> p.resolve(containerName));
    }

    /** The container's group for {@code controller}, whether or not it exists; empty when the host lacks it. */
    Optional<Path> group(String controller, String containerName) {
        return controller(controller).map(c -> directory(c, containerName));
    }

    private Path directory(Controller controller, String containerName) {
        if (controller.unified()) {
            return unifiedParent.resolve(containerName);
        }
        // flat beside nothing of ours: a v1 group is removed whole when the container ends
        Path own = controller.mount().resolve(controller.ownGroup().replaceFirst("^/+", ""));
        return own.resolve("stevedore-" + containerName);
    }

    private Controller require(String name, String what, String containerName) {
        Controller controller = controllers.get(name);
        if (controller == null && delegatedTo != null) {
            throw new ContainerEngineException(DelegatedCgroups.refusal(name, what, containerName, delegatedTo));
        }
        if (controller == null) {
            throw new ContainerEngineException("container " + containerName + " asks for " + what + ", but this host offers no "
                    + name + " cgroup controller (neither in a cgroup v2 hierarchy nor as a v1 mount); drop the limit "
                    + "or enable the controller");
        }
        return controller;
    }

    private void write(Map<Path, List<Write>> groups, List<String> enable, Controller controller, String containerName,
                       String file, String value) {
        groups.computeIfAbsent(directory(controller, containerName), d -> new ArrayList<>()).add(new Write(file, value));
        if (controller.unified() && !enable.contains("+" + controller.name())) {
            enable.add("+" + controller.name());
        }
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
