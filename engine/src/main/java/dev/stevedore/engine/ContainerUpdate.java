package dev.stevedore.engine;

import java.util.OptionalLong;

/**
 * New limits for a container, created or running, as {@code docker update} sets them: each present value replaces
 * the container's, an absent one leaves it. The limits apply at once to a running container and to every later start.
 *
 * @param memoryBytes memory limit in bytes; 0 removes it
 * @param nanoCpus    CPU quota in billionths of a CPU; 0 removes it
 * @param pidsLimit   the most processes and threads; -1 removes it
 */
public record ContainerUpdate(OptionalLong memoryBytes, OptionalLong nanoCpus, OptionalLong pidsLimit) {

    public ContainerUpdate {
        if (memoryBytes.isPresent() && memoryBytes.getAsLong() < 0 || nanoCpus.isPresent() && nanoCpus.getAsLong() < 0
                || pidsLimit.isPresent() && pidsLimit.getAsLong() < -1) {
            throw new IllegalArgumentException("limits cannot be negative (but a pids limit of -1 for none): " + this);
        }
    }

    /** Changes nothing; add limits with the {@code with} methods. */
    public static ContainerUpdate none() {
        return new ContainerUpdate(OptionalLong.empty(), OptionalLong.empty(), OptionalLong.empty());
    }

    public ContainerUpdate withMemoryBytes(long bytes) {
        return new ContainerUpdate(OptionalLong.of(bytes), nanoCpus, pidsLimit);
    }

    public ContainerUpdate withNanoCpus(long nanos) {
        return new ContainerUpdate(memoryBytes, OptionalLong.of(nanos), pidsLimit);
    }

    public ContainerUpdate withPidsLimit(long pids) {
        return new ContainerUpdate(memoryBytes, nanoCpus, OptionalLong.of(pids));
    }

    /** Whether it changes anything. */
    public boolean isEmpty() {
        return memoryBytes.isEmpty() && nanoCpus.isEmpty() && pidsLimit.isEmpty();
    }
}
