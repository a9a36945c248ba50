package dev.stevedore.engine;

import java.time.Instant;
import java.util.Map;

/**
 * One sample of a running container's resource use, read from its cgroups (the embedded engine) or from the daemon's
 * stats (Docker), as {@code docker stats} shows it. Counters ({@code cpu*}, network bytes) only grow: a rate is the
 * difference between two samples divided by the difference of their {@link #systemCpuNanos()}.
 *
 * @param read             when it was read
 * @param cpuTotalNanos    CPU time the container's processes used, in nanoseconds
 * @param cpuUserNanos     of that, in user mode
 * @param cpuSystemNanos   of that, in kernel mode
 * @param systemCpuNanos   CPU time the whole host used (all CPUs, idle included) up to {@code read}
 * @param onlineCpus       the host's online CPUs
 * @param memoryUsageBytes memory the container uses, its page cache included
 * @param memoryCacheBytes of that, inactive page cache (Docker subtracts it for the usage it prints)
 * @param memoryLimitBytes the container's memory limit; the host's memory when it has none
 * @param pids             processes and threads in the container
 * @param pidsLimit        the most it may have; 0 for no limit
 * @param networks         traffic per interface of the container's network namespace (not {@code lo})
 */
public record ContainerStats(Instant read, long cpuTotalNanos, long cpuUserNanos, long cpuSystemNanos,
                             long systemCpuNanos, int onlineCpus, long memoryUsageBytes, long memoryCacheBytes,
                             long memoryLimitBytes, long pids, long pidsLimit, Map<String, Interface> networks) {

    public ContainerStats {
        networks = Map.copyOf(networks);
    }

    /** The counters of one network interface since it was made. */
    public record Interface(long rxBytes, long rxPackets, long rxErrors, long rxDropped,
                            long txBytes, long txPackets, long txErrors, long txDropped) {
    }
}
