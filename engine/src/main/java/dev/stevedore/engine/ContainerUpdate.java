package dev.stevedore.engine;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * New limits or a new restart policy for a container, created or running, as {@code docker update} sets them: each
 * present value replaces the container's, an absent one leaves it. The limits apply at once to a running container
 * and to every later start; the policy to the container's next exit.
 *
 * @param memoryBytes memory limit in bytes; 0 removes it
 * @param nanoCpus    CPU quota in billionths of a CPU; 0 removes it
 * @param pidsLimit   the most processes and threads; -1 removes it
 * @param restartPolicy its restart policy ({@code docker update --restart})
 * @param resources   CPU shares, CFS period and quota, cpusets, block I/O weight and memory reservation: each non-zero
 *                    (non-empty) value replaces the container's, as {@code docker update} merges them ({@link Resources#updatedBy});
 *                    {@link Resources#NONE} changes none
 */
public record ContainerUpdate(OptionalLong memoryBytes, OptionalLong nanoCpus, OptionalLong pidsLimit,
                              Optional<RestartPolicy> restartPolicy, Resources resources) {

    public ContainerUpdate {
        if (memoryBytes.isPresent() && memoryBytes.getAsLong() < 0 || nanoCpus.isPresent() && nanoCpus.getAsLong() < 0
                || pidsLimit.isPresent() && pidsLimit.getAsLong() < -1) {
            throw new IllegalArgumentException("limits cannot be negative (but a pids limit of -1 for none): " + this);
        }
        Objects.requireNonNull(resources, "resources");
        if (resources.memorySwappiness() != null || resources.blockIo().any()) {
            // as docker update: its API takes neither (dockerd would accept and drop them), so no engine pretends to
            throw new IllegalArgumentException("an update cannot change a container's memory swappiness or per-device block"
                    + " I/O limits (docker update has no such options); create the container with them instead");
        }
        AdvancedResources advanced = resources.advanced();
        if (!advanced.withMemorySwap(0).equals(AdvancedResources.NONE)) {
            // docker update has a swap limit of these settings only (its kernel memory one is deprecated)
            throw new IllegalArgumentException("an update can change a container's memory swap limit, but not its OOM killer,"
                    + " kernel memory, real-time or device-rule settings; create the container with them instead");
        }
        if (advanced.memorySwap() > 0 && memoryBytes.isPresent() && memoryBytes.getAsLong() > advanced.memorySwap()) {
            throw new IllegalArgumentException("Minimum memoryswap limit should be larger than memory limit, see usage");
        }
        // as dockerd: only an update that sets both is checked (a reservation alone may pass the container's limit)
        if (memoryBytes.isPresent() && memoryBytes.getAsLong() > 0 && memoryBytes.getAsLong() < resources.memoryReservation()) {
            throw new IllegalArgumentException("Minimum memory limit can not be less than memory reservation limit, see usage");
        }
    }

    /** New limits only, the restart policy left as it is. */
    public ContainerUpdate(OptionalLong memoryBytes, OptionalLong nanoCpus, OptionalLong pidsLimit) {
        this(memoryBytes, nanoCpus, pidsLimit, Optional.empty(), Resources.NONE);
    }

    /** Changes nothing; add limits with the {@code with} methods. */
    public static ContainerUpdate none() {
        return new ContainerUpdate(OptionalLong.empty(), OptionalLong.empty(), OptionalLong.empty());
    }

    public ContainerUpdate withMemoryBytes(long bytes) {
        return new ContainerUpdate(OptionalLong.of(bytes), nanoCpus, pidsLimit, restartPolicy, resources);
    }

    public ContainerUpdate withNanoCpus(long nanos) {
        return new ContainerUpdate(memoryBytes, OptionalLong.of(nanos), pidsLimit, restartPolicy, resources);
    }

    public ContainerUpdate withPidsLimit(long pids) {
        return new ContainerUpdate(memoryBytes, nanoCpus, OptionalLong.of(pids), restartPolicy, resources);
    }

    public ContainerUpdate withRestartPolicy(RestartPolicy policy) {
        return new ContainerUpdate(memoryBytes, nanoCpus, pidsLimit, Optional.of(policy), resources);
    }

    /** CPU shares, quota, cpusets or block I/O weight to change; see {@link #resources()}. */
    public ContainerUpdate withResources(Resources value) {
        return new ContainerUpdate(memoryBytes, nanoCpus, pidsLimit, restartPolicy, value);
    }

    /** Whether it changes a limit (a running container's cgroups). */
    public boolean changesLimits() {
        return memoryBytes.isPresent() || nanoCpus.isPresent() || pidsLimit.isPresent() || resources.any();
    }

    /** Whether it changes anything. */
    public boolean isEmpty() {
        return !changesLimits() && restartPolicy.isEmpty();
    }
}
