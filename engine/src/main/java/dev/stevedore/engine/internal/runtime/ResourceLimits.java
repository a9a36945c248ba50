package dev.stevedore.engine.internal.runtime;

/**
 * Limits enforced through cgroups; 0 means "no limit". A container without limits gets no cgroup of
 * its own, which keeps its start as cheap as it can be.
 *
 * @param memoryBytes memory limit (Docker's {@code --memory})
 * @param nanoCpus    CPU quota in billionths of a CPU (Docker's {@code --cpus} times 10^9)
 * @param pids        the most processes and threads the container may hold (Docker's {@code --pids-limit})
 */
public record ResourceLimits(long memoryBytes, long nanoCpus, long pids) {
    public static final ResourceLimits NONE = new ResourceLimits(0, 0, 0);

    public ResourceLimits {
        if (memoryBytes < 0 || nanoCpus < 0 || pids < 0) {
            throw new IllegalArgumentException("resource limits must not be negative: " + memoryBytes + " bytes, "
                    + nanoCpus + " nano-CPUs, " + pids + " pids");
        }
        if (memoryBytes != 0 && memoryBytes < 6L << 20) {
            throw new IllegalArgumentException("a memory limit of " + memoryBytes + " bytes is below Docker's minimum of 6 MiB");
        }
        if (nanoCpus != 0 && nanoCpus < 10_000_000L) {
            throw new IllegalArgumentException("a CPU limit of " + nanoCpus + " nano-CPUs is below 0.01 CPU");
        }
    }

    /** Whether any limit is set. */
    public boolean any() {
        return memoryBytes != 0 || nanoCpus != 0 || pids != 0;
    }
}
