package dev.stevedore.engine.internal.runtime;

import dev.stevedore.engine.Resources;

/**
 * Limits enforced through cgroups. Memory and CPU: 0 means "no limit". Pids: 0 means the engine's default
 * ({@link #DEFAULT_PIDS}, applied wherever a pids controller is there), -1 means no limit, as Docker's
 * {@code --pids-limit -1}.
 *
 * @param memoryBytes memory limit (Docker's {@code --memory})
 * @param nanoCpus    CPU quota in billionths of a CPU (Docker's {@code --cpus} times 10^9)
 * @param pids        the most processes and threads the container may hold (Docker's {@code --pids-limit})
 * @param resources   CPU shares, CFS period and quota, cpusets and block I/O weight, as far as the host applies them
 */
public record ResourceLimits(long memoryBytes, long nanoCpus, long pids, Resources resources) {
    /**
     * The pids limit of a container that asks for none: enough for a database with hundreds of connections or a
     * JVM with thousands of threads, few enough that a fork bomb in a test image cannot take the host's process
     * table (Podman's default is 2048; Docker sets none).
     */
    public static final long DEFAULT_PIDS = 4096;
    public static final ResourceLimits NONE = new ResourceLimits(0, 0, 0);

    /** Memory, {@code --cpus} and pids limits alone. */
    public ResourceLimits(long memoryBytes, long nanoCpus, long pids) {
        this(memoryBytes, nanoCpus, pids, Resources.NONE);
    }

    public ResourceLimits {
        resources = resources == null ? Resources.NONE : resources;
        if (memoryBytes < 0 || nanoCpus < 0 || pids < -1) {
            throw new IllegalArgumentException("resource limits must not be negative (but a pids limit of -1 for none): "
                    + memoryBytes + " bytes, " + nanoCpus + " nano-CPUs, " + pids + " pids");
        }
        if (memoryBytes != 0 && memoryBytes < 6L << 20) {
            throw new IllegalArgumentException("a memory limit of " + memoryBytes + " bytes is below Docker's minimum of 6 MiB");
        }
        if (memoryBytes != 0 && memoryBytes < resources.memoryReservation()) {
            throw new IllegalArgumentException("Minimum memory limit can not be less than memory reservation limit, see usage");
        }
        resources.advanced().checkAgainst(memoryBytes);
        if (nanoCpus != 0 && nanoCpus < 10_000_000L) {
            throw new IllegalArgumentException("a CPU limit of " + nanoCpus + " nano-CPUs is below 0.01 CPU");
        }
    }

    /** Whether any limit is asked for (a pids limit of -1 asks for none). */
    public boolean any() {
        return memoryBytes != 0 || nanoCpus != 0 || pids > 0 || resources.any();
    }
}
