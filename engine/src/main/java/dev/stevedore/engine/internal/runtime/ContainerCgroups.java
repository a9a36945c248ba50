package dev.stevedore.engine.internal.runtime;

import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.ContainerStats;
import dev.stevedore.engine.ContainerUpdate;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;

/**
 * What acts on a running container's cgroups after its start: the freezer (pause), the counters a stats sample reads,
 * and limits changed in place (update). The groups are found as {@link Cgroups} laid them out for the container (a
 * rootless one's in the subtree delegated to the user); a container without them (rootless with nothing delegated)
 * is read from {@code /proc} instead and cannot be frozen or limited.
 *
 * <p>Freezing prefers the v2 group's {@code cgroup.freeze} (every v2 group has it, no controller needed), else the v1
 * freezer hierarchy, where the container gets a group when it is first paused.
 */
public final class ContainerCgroups {
    private static final long USER_HZ_NANOS = 10_000_000L; // /proc counts CPU time in 1/100 s on every Linux ABI
    private static final long MAX_FREEZE_WAIT_NANOS = 30_000_000_000L;

    private final Cgroups layout;
    private final Path stateDirectory;
    private final String name;

    private ContainerCgroups(Cgroups layout, Path stateDirectory) {
        this.layout = layout;
        this.stateDirectory = stateDirectory;
        this.name = Cgroups.groupName(stateDirectory);
    }

    /** The groups of the container whose launcher state directory is {@code stateDirectory}, on this host's layout. */
    public static ContainerCgroups of(Path stateDirectory) {
        return new ContainerCgroups(Launcher.hostCgroups(), stateDirectory);
    }

    private Optional<Path> existing(Optional<Path> group) {
        return group.filter(Files::isDirectory);
    }

    private Optional<Path> unified() {
        return existing(layout.unifiedGroup(name));
    }

    // ---- freezer ----------------------------------------------------------------------------------

    /** Whether the container's processes are frozen. */
    public boolean frozen() {
        Optional<Path> v2 = unified();
        if (v2.isPresent() && Files.exists(v2.get().resolve("cgroup.freeze"))) {
            return "1".equals(read(v2.get().resolve("cgroup.freeze")).strip());
        }
        return existing(layout.group(Cgroups.FREEZER, name))
                .map(g -> !"THAWED".equals(read(g.resolve("freezer.state")).strip())).orElse(false);
    }

    /** Whether {@link #freeze} can act on the container: a v2 group, or a v1 freezer it may join. */
    public boolean freezable() {
        Optional<Path> v2 = unified();
        if (v2.isPresent() && Files.exists(v2.get().resolve("cgroup.freeze"))) {
            return true;
        }
        return layout.group(Cgroups.FREEZER, name).isPresent() && memberSource().isPresent();
    }

    /** Freezes or thaws every process of the container; returns once the kernel says it is done. */
    public void freeze(boolean frozen, String container) {
        try {
            Optional<Path> v2 = unified();
            if (v2.isPresent() && Files.exists(v2.get().resolve("cgroup.freeze"))) {
                Files.writeString(v2.get().resolve("cgroup.freeze"), frozen ? "1" : "0");
                awaitContent(v2.get().resolve("cgroup.events"), frozen ? "frozen 1" : "frozen 0");
                return;
            }
            Optional<Path> freezer = layout.group(Cgroups.FREEZER, name);
            if (freezer.isEmpty() || memberSource().isEmpty()) {
                throw new ContainerEngineException("cannot " + (frozen ? "pause" : "unpause") + " container " + container
                        + ": it has no cgroup a freezer can act on (a rootless container, or a host with neither a cgroup v2"
                        + " hierarchy nor a v1 freezer mount)");
            }
            if (!Files.isDirectory(freezer.get())) {
                join(freezer.get(), List.of());
            }
            Files.writeString(freezer.get().resolve("freezer.state"), frozen ? "FROZEN" : "THAWED");
            awaitContent(freezer.get().resolve("freezer.state"), frozen ? "FROZEN" : "THAWED");
        } catch (IOException e) {
            throw new ContainerEngineException("cannot " + (frozen ? "pause" : "unpause") + " container " + container
                    + ": writing its cgroup failed: " + e + "; run the engine as root with the cgroup hierarchies writable", e);
        }
    }

    /**
     * Waits until the kernel's file says {@code wanted}. A freeze completes within microseconds unless a task sleeps
     * uninterruptibly; cgroupfs has no blocking read for it, so this polls with a growing pause, bounded.
     */
    private static void awaitContent(Path file, String wanted) throws IOException {
        long deadline = System.nanoTime() + MAX_FREEZE_WAIT_NANOS;
        long pause = 100_000;
        while (!Files.readString(file, StandardCharsets.UTF_8).contains(wanted)) {
            if (System.nanoTime() > deadline) {
                throw new IOException(file + " did not come to say \"" + wanted + "\" within 30 s");
            }
            LockSupport.parkNanos(pause);
            pause = Math.min(pause * 2, 50_000_000);
        }
    }

    // ---- stats ------------------------------------------------------------------------------------

    /** One sample of the container whose first process is {@code pid}. */
    public ContainerStats sample(long pid) {
        Instant now = Instant.now();
        List<Long> members = members(pid);
        long[] cpu = cpu(members);
        long[] memory = memory(members);
        long[] pids = pids(members);
        long[] host = hostCpu();
        return new ContainerStats(now, cpu[0], cpu[1], cpu[2], host[0], (int) host[1], memory[0], memory[1], memory[2],
                pids[0], pids[1], networks(pid));
    }

    /** The container's processes: its v2 (or any) group's members, else just its first process. */
    private List<Long> members(long pid) {
        Optional<Path> source = memberSource();
        if (source.isEmpty()) {
            return List.of(pid);
        }
        List<Long> members = new ArrayList<>();
        for (String line : read(source.get().resolve("cgroup.procs")).split("\n")) {
            if (!line.isBlank()) {
                members.add(Long.parseLong(line.strip()));
            }
        }
        return members.isEmpty() ? List.of(pid) : members;
    }

    private Optional<Path> memberSource() {
        return unified().or(() -> existing(layout.group(Cgroups.PIDS, name)))
                .or(() -> existing(layout.group(Cgroups.MEMORY, name)));
    }

    /** Total, user and system CPU nanoseconds: v2 {@code cpu.stat} (every v2 group has it), else the processes' own. */
    private long[] cpu(List<Long> members) {
        Optional<Path> v2 = unified().filter(g -> Files.exists(g.resolve("cpu.stat")));
        if (v2.isPresent()) {
            Map<String, Long> stat = keyed(read(v2.get().resolve("cpu.stat")));
            return new long[] {stat.getOrDefault("usage_usec", 0L) * 1000, stat.getOrDefault("user_usec", 0L) * 1000,
                    stat.getOrDefault("system_usec", 0L) * 1000};
        }
        long user = 0;
        long system = 0;
        for (long member : members) {
            String stat = read(Path.of("/proc", Long.toString(member), "stat"));
            int end = stat.lastIndexOf(')');
            if (end > 0) {
                String[] fields = stat.substring(end + 2).split(" ");
                user += Long.parseLong(fields[11]) * USER_HZ_NANOS; // utime, the 14th field
                system += Long.parseLong(fields[12]) * USER_HZ_NANOS;
            }
        }
        return new long[] {user + system, user, system};
    }

    /** Usage, inactive page cache and limit: the memory group when there is one, else the processes' resident sets. */
    private long[] memory(List<Long> members) {
        long hostMemory = keyed(read(Path.of("/proc/meminfo"))).getOrDefault("MemTotal:", 0L) * 1024;
        Optional<Path> group = existing(layout.group(Cgroups.MEMORY, name));
        if (group.isPresent()) {
            boolean v2 = Files.exists(group.get().resolve("memory.current"));
            Map<String, Long> stat = keyed(read(group.get().resolve("memory.stat")));
            long usage = number(read(group.get().resolve(v2 ? "memory.current" : "memory.usage_in_bytes")));
            long limit = number(read(group.get().resolve(v2 ? "memory.max" : "memory.limit_in_bytes")));
            long cache = stat.getOrDefault(v2 ? "inactive_file" : "total_inactive_file", 0L);
            return new long[] {usage, cache, limit <= 0 || limit > hostMemory ? hostMemory : limit};
        }
        long resident = 0;
        for (long member : members) {
            resident += keyed(read(Path.of("/proc", Long.toString(member), "status"))).getOrDefault("VmRSS:", 0L) * 1024;
        }
        return new long[] {resident, 0, hostMemory};
    }

    private long[] pids(List<Long> members) {
        Optional<Path> group = existing(layout.group(Cgroups.PIDS, name));
        if (group.isPresent()) {
            return new long[] {number(read(group.get().resolve("pids.current"))), Math.max(0, number(read(group.get().resolve("pids.max"))))};
        }
        return new long[] {members.size(), 0};
    }

    /** All CPUs' time since boot in nanoseconds, and how many CPUs are online. */
    private static long[] hostCpu() {
        long total = 0;
        long cpus = 0;
        for (String line : read(Path.of("/proc/stat")).split("\n")) {
            if (line.startsWith("cpu ")) {
                String[] fields = line.substring(4).strip().split("\\s+");
                for (int i = 0; i < Math.min(fields.length, 8); i++) { // user .. steal; guest time is already in user
                    total += Long.parseLong(fields[i]);
                }
            } else if (line.startsWith("cpu")) {
                cpus++;
            }
        }
        return new long[] {total * USER_HZ_NANOS, Math.max(cpus, 1)};
    }

    /** {@code /proc/<pid>/net/dev}: the counters of the interfaces in the container's network namespace. */
    private static Map<String, ContainerStats.Interface> networks(long pid) {
        Map<String, ContainerStats.Interface> result = new LinkedHashMap<>();
        for (String line : read(Path.of("/proc", Long.toString(pid), "net", "dev")).split("\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String device = line.substring(0, colon).strip();
            String[] f = line.substring(colon + 1).strip().split("\\s+");
            if (device.equals("lo") || f.length < 12) {
                continue;
            }
            result.put(device, new ContainerStats.Interface(Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2]),
                    Long.parseLong(f[3]), Long.parseLong(f[8]), Long.parseLong(f[9]), Long.parseLong(f[10]), Long.parseLong(f[11])));
        }
        return result;
    }

    // ---- update -----------------------------------------------------------------------------------

    /**
     * Writes the limits {@code update} has into the running container's groups, making a group it lacks; of
     * {@link dev.stevedore.engine.Resources}, the container's settings after the update ({@code resources}) for each
     * controller the update touches.
     */
    public void update(ContainerUpdate update, dev.stevedore.engine.Resources resources, String container) {
        try {
            dev.stevedore.engine.Resources asked = update.resources();
            if (ResourceFiles.asksCpu(asked)) {
                Path group = controllerGroup(Cgroups.CPU, container);
                writeAll(group, ResourceFiles.cpu(resources, Files.exists(group.resolve("cpu.max"))));
            }
            if (ResourceFiles.asksCpuset(asked)) {
                Path group = layout.group(Cgroups.CPUSET, name).orElse(null);
                boolean unified = layout.controller(Cgroups.CPUSET).map(Cgroups.Controller::unified).orElse(false);
                List<Cgroups.Write> writes = group == null ? List.of() : ResourceFiles.cpuset(resources, unified, group.getParent());
                writeAll(controllerGroup(Cgroups.CPUSET, container, writes), writes);
            }
            if (asked.blkioWeight() != 0) {
                String controller = layout.controller(Cgroups.IO).isPresent() ? Cgroups.IO : Cgroups.BLKIO;
                Path group = controllerGroup(controller, container);
                writeAll(group, ResourceFiles.blkio(resources, controller.equals(Cgroups.IO), group.getParent()));
            }
            if (asked.memoryReservation() != 0) {
                Path group = controllerGroup(Cgroups.MEMORY, container);
                writeAll(group, ResourceFiles.memory(dev.stevedore.engine.Resources.NONE.withMemoryReservation(
                        resources.memoryReservation()), Files.exists(group.resolve("memory.max"))));
            }
            long swap = asked.advanced().memorySwap();
            Path memsw = swap == 0 ? null : controllerGroup(Cgroups.MEMORY, container).resolve("memory.memsw.limit_in_bytes");
            if (memsw != null && Files.exists(memsw)) {
                // lifted first: the kernel keeps memory.limit_in_bytes at most memsw, whichever way both move
                Files.writeString(memsw, "-1");
            }
            if (update.memoryBytes().isPresent()) {
                long bytes = update.memoryBytes().getAsLong();
                Path group = controllerGroup(Cgroups.MEMORY, container);
                boolean v2 = Files.exists(group.resolve("memory.max"));
                Files.writeString(group.resolve(v2 ? "memory.max" : "memory.limit_in_bytes"),
                        bytes == 0 ? (v2 ? "max" : "-1") : Long.toString(bytes));
            }
            if (swap != 0) {
                Path group = controllerGroup(Cgroups.MEMORY, container);
                writeAll(group, AdvancedFiles.memory(dev.stevedore.engine.AdvancedResources.NONE.withMemorySwap(swap),
                        v2MemoryLimit(group), Files.exists(group.resolve("memory.max"))));
            }
            if (update.nanoCpus().isPresent()) {
                long nanos = update.nanoCpus().getAsLong();
                Path group = controllerGroup(Cgroups.CPU, container);
                long period = 100_000;
                long quota = Math.max(1_000, nanos * period / 1_000_000_000L);
                if (Files.exists(group.resolve("cpu.max"))) {
                    Files.writeString(group.resolve("cpu.max"), (nanos == 0 ? "max" : Long.toString(quota)) + " " + period);
                } else {
                    Files.writeString(group.resolve("cpu.cfs_period_us"), Long.toString(period));
                    Files.writeString(group.resolve("cpu.cfs_quota_us"), nanos == 0 ? "-1" : Long.toString(quota));
                }
            }
            if (update.pidsLimit().isPresent()) {
                long pids = update.pidsLimit().getAsLong();
                Files.writeString(controllerGroup(Cgroups.PIDS, container).resolve("pids.max"), pids <= 0 ? "max" : Long.toString(pids));
            }
        } catch (IOException e) {
            throw new ContainerEngineException("cannot update the limits of container " + container + ": writing its cgroup"
                    + " failed: " + e + (e.getMessage() != null && e.getMessage().contains("busy")
                    ? "; a memory limit below what it uses now cannot be set" : ""), e);
        }
    }

    /** The v2 memory limit the group holds now (v2's swap limit is the swap beyond it); 0 for none or on v1. */
    private static long v2MemoryLimit(Path group) throws IOException {
        Path max = group.resolve("memory.max");
        String value = Files.exists(max) ? Files.readString(max).strip() : "max";
        return value.equals("max") ? 0 : Long.parseLong(value);
    }

    private static void writeAll(Path group, List<Cgroups.Write> writes) throws IOException {
        for (Cgroups.Write write : writes) {
            Files.writeString(group.resolve(write.file()), write.value());
        }
    }

    private Path controllerGroup(String controller, String container) throws IOException {
        return controllerGroup(controller, container, List.of());
    }

    /**
     * The container's group of {@code controller}, made (and joined by its processes) when it has none yet;
     * {@code first}: written into a v1 group it makes before its processes join (a cpuset group takes none before).
     */
    private Path controllerGroup(String controller, String container, List<Cgroups.Write> first) throws IOException {
        if (memberSource().isEmpty()) {
            throw new ContainerEngineException("cannot update the limits of container " + container + ": it has no cgroups"
                    + " (a rootless container); recreate it with the limits instead");
        }
        Path group = layout.group(controller, name).orElseThrow(() -> new ContainerEngineException("cannot update the "
                + controller + " limit of container " + container + ": this host offers no " + controller + " cgroup controller"));
        if (layout.controller(controller).map(Cgroups.Controller::unified).orElse(false)) {
            // the container's v2 group exists; made without this limit, its controller may not be offered to it yet
            layout.enable(controller);
            return group;
        }
        if (!Files.isDirectory(group)) {
            join(group, first);
        }
        return group;
    }

    /**
     * Makes the v1 group {@code group}, moves the container's processes into it and records it for removal with the
     * container. A process forked while they move stays out of it; a container being paused or limited is not
     * expected to be forking hard.
     */
    private void join(Path group, List<Cgroups.Write> first) throws IOException {
        List<Long> members = members(0).stream().filter(pid -> pid > 0).toList(); // pid 0 would move this JVM
        Files.createDirectory(group);
        writeAll(group, first);
        Path moveCharge = group.resolve("memory.move_charge_at_immigrate");
        if (Files.exists(moveCharge)) {
            try {
                Files.writeString(moveCharge, "3"); // v1 memory: the pages they use come along, else usage starts at 0
            } catch (IOException e) {
                // newer kernels refuse it (deprecated): the limit holds all the same, the usage counts from now
            }
        }
        for (long member : members) {
            try {
                Files.writeString(group.resolve("cgroup.procs"), Long.toString(member));
            } catch (IOException e) {
                // the process ended meanwhile
            }
        }
        LinkedHashSet<Path> recorded = new LinkedHashSet<>(StateFiles.readCgroups(stateDirectory));
        recorded.add(group);
        StateFiles.writeCgroups(stateDirectory, List.copyOf(recorded));
    }

    // ---- files ------------------------------------------------------------------------------------

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return "";
        } catch (IOException e) {
            if (String.valueOf(e.getMessage()).contains("No such device")) {
                // ENODEV: the group is being removed, its container has ended; nothing is frozen or counted there
                return "";
            }
            throw new ContainerEngineException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** A {@code max} (no limit) reads as -1. */
    private static long number(String text) {
        String value = text.strip();
        if (value.isEmpty() || value.equals("max")) {
            return -1;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** {@code key value} lines (memory.stat, cpu.stat, /proc/meminfo with its {@code kB}) as numbers. */
    private static Map<String, Long> keyed(String text) {
        Map<String, Long> values = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            String[] parts = line.strip().split("\\s+");
            if (parts.length >= 2) {
                try {
                    values.put(parts[0], Long.parseLong(parts[1]));
                } catch (NumberFormatException e) {
                    // not a number: not a counter
                }
            }
        }
        return values;
    }
}
