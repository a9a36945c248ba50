package dev.stevedore.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The cgroup settings few containers ask for, part of {@link Resources}: Docker's {@code --memory-swap},
 * {@code --oom-kill-disable}, {@code --kernel-memory}, {@code --kernel-memory-tcp}, {@code --cpu-rt-period},
 * {@code --cpu-rt-runtime} and {@code --device-cgroup-rule}, with dockerd's values, rules and words. A zero, false or
 * empty value asks for nothing.
 *
 * <p>A memory swap limit needs a memory limit ({@code ContainerSpec}'s); the engine refuses one without it, in
 * dockerd's words, when it creates the container. Where the host lacks a setting's file (cgroup v2 has no OOM switch,
 * no kernel memory and no real-time CPU files) the setting is dropped with dockerd's warning ({@link #warnings}). A
 * kernel memory limit is accepted and shown, as dockerd does, but the kernel ignores it since Linux 5.4 (dockerd
 * says it is deprecated); the TCP buffer limit is written where the host has {@code memory.kmem.tcp.limit_in_bytes}.
 * A real-time runtime the parent group cannot give (its own {@code cpu.rt_runtime_us} is smaller) fails the start
 * with the kernel's refusal, as dockerd's does.
 *
 * @param memorySwap          memory plus swap in bytes ({@code --memory-swap}; v1 {@code memory.memsw.limit_in_bytes},
 *                            v2 {@code memory.swap.max} as this less the memory limit); -1 for unlimited swap; 0 for
 *                            none asked. At least the memory limit
 * @param oomKillDisable      whether the kernel's OOM killer spares the container ({@code --oom-kill-disable}; v1
 *                            {@code memory.oom_control})
 * @param kernelMemory        the kernel memory limit in bytes ({@code --kernel-memory}), at least 6 MiB; 0 for none
 * @param kernelMemoryTcp     the kernel TCP buffer limit in bytes ({@code --kernel-memory-tcp}); 0 for none
 * @param cpuRealtimePeriod   the real-time scheduling period in microseconds ({@code --cpu-rt-period}); 0 for none
 * @param cpuRealtimeRuntime  the real-time runtime in microseconds per period ({@code --cpu-rt-runtime}), at most
 *                            the period; 0 for none
 * @param deviceCgroupRules   extra device rules ({@code --device-cgroup-rule}) as {@code c 1:3 mr} or {@code a *:* rwm}:
 *                            type ({@code a}, {@code b}, {@code c}), major:minor ({@code *} for any), access
 */
public record AdvancedResources(long memorySwap, boolean oomKillDisable, long kernelMemory, long kernelMemoryTcp,
                                long cpuRealtimePeriod, long cpuRealtimeRuntime, List<String> deviceCgroupRules) {
    /** Nothing asked for. */
    public static final AdvancedResources NONE = new AdvancedResources(0, false, 0, 0, 0, 0, List.of());

    /** The rule syntax dockerd and the docker CLI take (opts.ValidateDeviceCgroupRule). */
    private static final Pattern RULE = Pattern.compile("^([acb]) ([0-9]+|\\*):([0-9]+|\\*) ([rwm]{1,3})$");

    /** Refuses a value dockerd refuses, in its words. */
    public AdvancedResources {
        deviceCgroupRules = deviceCgroupRules == null ? List.of() : List.copyOf(deviceCgroupRules); // absent in older records
        if (memorySwap < -1) {
            throw new IllegalArgumentException("Invalid memory swap limit " + memorySwap + ": a size in bytes, or -1 for"
                    + " unlimited swap");
        }
        if (kernelMemory < 0 || kernelMemoryTcp < 0) {
            throw new IllegalArgumentException("kernel memory limits cannot be negative: " + kernelMemory + ", "
                    + kernelMemoryTcp);
        }
        if (kernelMemory > 0 && kernelMemory < 6L << 20) {
            throw new IllegalArgumentException("Minimum kernel memory limit allowed is 6MB");
        }
        if (cpuRealtimePeriod < 0 || cpuRealtimeRuntime < -1) {
            throw new IllegalArgumentException("cpu real-time period and runtime cannot be negative (but a runtime of -1"
                    + " for no limit): " + cpuRealtimePeriod + ", " + cpuRealtimeRuntime);
        }
        if (cpuRealtimePeriod != 0 && cpuRealtimeRuntime != 0 && cpuRealtimeRuntime > cpuRealtimePeriod) {
            throw new IllegalArgumentException("cpu real-time runtime cannot be higher than cpu real-time period");
        }
        for (String rule : deviceCgroupRules) {
            if (rule == null || !RULE.matcher(rule).matches()) {
                // dockerd's words at start (oci_linux.go); this engine refuses at create, before anything is made
                throw new IllegalArgumentException("invalid device cgroup rule format: '" + rule + "'");
            }
        }
    }

    /** Memory plus swap in bytes, -1 for unlimited swap ({@code --memory-swap}). */
    public AdvancedResources withMemorySwap(long bytes) {
        return new AdvancedResources(bytes, oomKillDisable, kernelMemory, kernelMemoryTcp, cpuRealtimePeriod,
                cpuRealtimeRuntime, deviceCgroupRules);
    }

    /** Whether the OOM killer spares the container ({@code --oom-kill-disable}). */
    public AdvancedResources withOomKillDisable(boolean disable) {
        return new AdvancedResources(memorySwap, disable, kernelMemory, kernelMemoryTcp, cpuRealtimePeriod,
                cpuRealtimeRuntime, deviceCgroupRules);
    }

    /** Kernel and kernel TCP memory limits in bytes ({@code --kernel-memory}, {@code --kernel-memory-tcp}). */
    public AdvancedResources withKernelMemory(long bytes, long tcpBytes) {
        return new AdvancedResources(memorySwap, oomKillDisable, bytes, tcpBytes, cpuRealtimePeriod, cpuRealtimeRuntime,
                deviceCgroupRules);
    }

    /** A real-time period and runtime in microseconds ({@code --cpu-rt-period}, {@code --cpu-rt-runtime}). */
    public AdvancedResources withCpuRealtime(long period, long runtime) {
        return new AdvancedResources(memorySwap, oomKillDisable, kernelMemory, kernelMemoryTcp, period, runtime,
                deviceCgroupRules);
    }

    /** Extra device rules ({@code --device-cgroup-rule}), such as {@code c 1:3 mr}. */
    public AdvancedResources withDeviceCgroupRules(List<String> rules) {
        return new AdvancedResources(memorySwap, oomKillDisable, kernelMemory, kernelMemoryTcp, cpuRealtimePeriod,
                cpuRealtimeRuntime, rules);
    }

    /** Whether the memory controller is asked for anything. */
    public boolean asksMemory() {
        return memorySwap != 0 || oomKillDisable || kernelMemory != 0 || kernelMemoryTcp != 0;
    }

    /** Whether the cpu controller's real-time files are asked for. */
    public boolean asksRealtime() {
        return cpuRealtimePeriod != 0 || cpuRealtimeRuntime != 0;
    }

    /**
     * Refuses what needs the container's memory limit ({@code memoryBytes}, 0 for none) and does not fit it, in
     * dockerd's words.
     */
    public void checkAgainst(long memoryBytes) {
        if (memoryBytes == 0 && memorySwap > 0) {
            throw new IllegalArgumentException("You should always set the Memory limit when using Memoryswap limit, see usage");
        }
        if (memoryBytes > 0 && memorySwap > 0 && memorySwap < memoryBytes) {
            throw new IllegalArgumentException("Minimum memoryswap limit should be larger than memory limit, see usage");
        }
    }

    /** dockerd's warning for an OOM killer disabled without a memory limit ({@code memoryBytes} 0); empty otherwise. */
    public List<String> warningsFor(long memoryBytes) {
        return oomKillDisable && memoryBytes == 0 ? List.of("OOM killer is disabled for the container, but no memory"
                + " limit is set, this can result in the system running out of resources.") : List.of();
    }

    /** dockerd's warnings for what {@code asked} has that {@code applied} (what the host took) lacks. */
    static List<String> warnings(AdvancedResources asked, AdvancedResources applied) {
        List<String> warnings = new ArrayList<>();
        if (asked.kernelMemory > 0) {
            warnings.add("Specifying a kernel memory limit is deprecated and will be removed in a future release.");
        }
        if (asked.kernelMemory > 0 && applied.kernelMemory != asked.kernelMemory) {
            warnings.add("Your kernel does not support kernel memory limit capabilities or the cgroup is not mounted. "
                    + "Limitation discarded.");
        }
        if (asked.kernelMemoryTcp > 0 && applied.kernelMemoryTcp != asked.kernelMemoryTcp) {
            warnings.add("Your kernel does not support kernel memory TCP limit capabilities or the cgroup is not mounted. "
                    + "Limitation discarded.");
        }
        if (asked.memorySwap > 0 && applied.memorySwap != asked.memorySwap) {
            warnings.add("Your kernel does not support swap limit capabilities or the cgroup is not mounted. "
                    + "Memory limited without swap.");
        }
        if (asked.oomKillDisable && !applied.oomKillDisable) {
            warnings.add("Your kernel does not support OomKillDisable. OomKillDisable discarded.");
        }
        if (asked.cpuRealtimePeriod > 0 && applied.cpuRealtimePeriod != asked.cpuRealtimePeriod) {
            warnings.add("Your kernel does not support cgroup cpu real-time period. Period discarded.");
        }
        if (asked.cpuRealtimeRuntime > 0 && applied.cpuRealtimeRuntime != asked.cpuRealtimeRuntime) {
            warnings.add("Your kernel does not support cgroup cpu real-time runtime. Runtime discarded.");
        }
        return warnings;
    }

    // written out, as Resources' are: it is compared on every container start
    @Override
    public boolean equals(Object o) {
        return o == this || o instanceof AdvancedResources other && memorySwap == other.memorySwap
                && oomKillDisable == other.oomKillDisable && kernelMemory == other.kernelMemory
                && kernelMemoryTcp == other.kernelMemoryTcp && cpuRealtimePeriod == other.cpuRealtimePeriod
                && cpuRealtimeRuntime == other.cpuRealtimeRuntime && deviceCgroupRules.equals(other.deviceCgroupRules);
    }

    @Override
    public int hashCode() {
        return Objects.hash(memorySwap, oomKillDisable, kernelMemory, kernelMemoryTcp, cpuRealtimePeriod,
                cpuRealtimeRuntime, deviceCgroupRules);
    }
}
