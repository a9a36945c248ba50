package dev.stevedore.engine.internal.runtime;

import dev.stevedore.engine.AdvancedResources;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where the swap, OOM killer, kernel memory, real-time CPU and device-rule settings ({@link AdvancedResources}) go in a
 * container's groups, v1 and v2, and which of them a host can apply: the files are looked for, not assumed (a v1
 * memory controller without swap accounting has no {@code memory.memsw.*}; v2 has no OOM switch).
 */
final class AdvancedFiles {
    private AdvancedFiles() {
    }

    /**
     * The memory controller's writes: v1 {@code memory.memsw.limit_in_bytes} (after the memory limit, which the
     * kernel wants written first), {@code memory.oom_control} and {@code memory.kmem.tcp.limit_in_bytes}; v2
     * {@code memory.swap.max}, the swap beyond the memory limit. The kernel memory limit is not written: Linux ignores
     * it since 5.4, and runc, which dockerd runs, no longer writes it either.
     *
     * @throws IllegalArgumentException on v2 for what it has no file for; reached rootless only, since as root
     *                                  {@link #supported} drops those first, as dockerd does with a warning
     */
    static List<Cgroups.Write> memory(AdvancedResources a, long memoryBytes, boolean unified) {
        List<Cgroups.Write> writes = new ArrayList<>();
        if (unified) {
            if (a.oomKillDisable() || a.kernelMemoryTcp() != 0) {
                throw new IllegalArgumentException("--oom-kill-disable and --kernel-memory-tcp cannot be applied: this"
                        + " host's memory controller is cgroup v2, which has no such settings; leave them out");
            }
            if (a.memorySwap() != 0) {
                writes.add(new Cgroups.Write("memory.swap.max", a.memorySwap() == -1 ? "max"
                        : Long.toString(Math.max(0, a.memorySwap() - memoryBytes))));
            }
            return writes;
        }
        if (a.memorySwap() != 0) {
            writes.add(new Cgroups.Write("memory.memsw.limit_in_bytes", Long.toString(a.memorySwap())));
        }
        if (a.oomKillDisable()) {
            writes.add(new Cgroups.Write("memory.oom_control", "1"));
        }
        if (a.kernelMemoryTcp() != 0) {
            writes.add(new Cgroups.Write("memory.kmem.tcp.limit_in_bytes", Long.toString(a.kernelMemoryTcp())));
        }
        return writes;
    }

    /** The cpu controller's real-time files (v1 only), the period first: the runtime is checked against it. */
    static List<Cgroups.Write> realtime(AdvancedResources a, boolean unified) {
        if (unified) {
            throw new IllegalArgumentException("--cpu-rt-period and --cpu-rt-runtime cannot be applied: this host's cpu"
                    + " controller is cgroup v2, which has no real-time files; leave them out");
        }
        List<Cgroups.Write> writes = new ArrayList<>();
        if (a.cpuRealtimePeriod() != 0) {
            writes.add(new Cgroups.Write("cpu.rt_period_us", Long.toString(a.cpuRealtimePeriod())));
        }
        if (a.cpuRealtimeRuntime() != 0) {
            writes.add(new Cgroups.Write("cpu.rt_runtime_us", Long.toString(a.cpuRealtimeRuntime())));
        }
        return writes;
    }

    /**
     * What of {@code asked} this host applies as root, each setting whose file is missing dropped (dockerd drops it
     * with a warning, {@link AdvancedResources#warnings}).
     *
     * @throws IllegalArgumentException for device rules on a host whose devices are not policed by v1 rules
     */
    static AdvancedResources supported(AdvancedResources asked, Cgroups layout) {
        if (asked.equals(AdvancedResources.NONE)) {
            return asked;
        }
        checkDeviceRules(asked, layout.devicePolicy(asked));
        Optional<Path> memory = v1Group(layout, Cgroups.MEMORY);
        boolean unifiedMemory = layout.controller(Cgroups.MEMORY).map(Cgroups.Controller::unified).orElse(false);
        // v2: every memory group but the root has memory.swap.max, and a container's group is never the root
        boolean swap = unifiedMemory || has(memory, "memory.memsw.limit_in_bytes");
        Optional<Path> cpu = v1Group(layout, Cgroups.CPU);
        boolean realtime = has(cpu, "cpu.rt_runtime_us");
        return new AdvancedResources(swap ? asked.memorySwap() : 0,
                asked.oomKillDisable() && has(memory, "memory.oom_control"),
                has(memory, "memory.kmem.limit_in_bytes") ? asked.kernelMemory() : 0,
                has(memory, "memory.kmem.tcp.limit_in_bytes") ? asked.kernelMemoryTcp() : 0,
                realtime ? asked.cpuRealtimePeriod() : 0, realtime ? asked.cpuRealtimeRuntime() : 0,
                asked.deviceCgroupRules());
    }

    /**
     * Refuses device rules where this engine cannot add them: it writes them as v1 {@code devices.allow} rules (on a
     * host with v1 devices beside a v2 hierarchy, in place of the v2 program); its v2 device program takes only the
     * standard nodes and {@code --device}, and a rootless container polices none.
     */
    static void checkDeviceRules(AdvancedResources asked, Cgroups.DevicePolicy policy) {
        if (!asked.deviceCgroupRules().isEmpty() && policy != Cgroups.DevicePolicy.RULES) {
            throw new IllegalArgumentException("--device-cgroup-rule " + asked.deviceCgroupRules() + " cannot be applied: "
                    + (policy == Cgroups.DevicePolicy.PROGRAM ? "this host's devices controller is cgroup v2 only, whose"
                    + " device program this engine builds from --device only; use --device for the node instead"
                    : "this engine polices no devices here (rootless, or no devices controller); leave the rule out"));
        }
    }

    private static Optional<Path> v1Group(Cgroups layout, String controller) {
        return layout.controller(controller).filter(c -> !c.unified()).map(AdvancedFiles::own);
    }

    private static boolean has(Optional<Path> group, String file) {
        return group.map(g -> Files.exists(g.resolve(file))).orElse(false);
    }

    private static Path own(Cgroups.Controller controller) {
        return controller.mount().resolve(controller.ownGroup().replaceFirst("^/+", ""));
    }
}
