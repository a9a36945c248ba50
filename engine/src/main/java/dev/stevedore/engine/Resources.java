package dev.stevedore.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A container's CPU, memory and block I/O scheduling settings beside the limits {@link ContainerSpec} holds itself
 * (memory, {@code --cpus}, pids): Docker's {@code --cpu-shares}, {@code --cpu-period}, {@code --cpu-quota},
 * {@code --cpuset-cpus}, {@code --cpuset-mems}, {@code --blkio-weight}, {@code --memory-reservation},
 * {@code --memory-swappiness} and the per-device block I/O settings ({@link BlockIoLimits}), with Docker's values and
 * rules. A zero, empty or null value asks for nothing; in a {@link ContainerUpdate} it leaves the container's value as
 * it is, as {@code docker update} does.
 *
 * <p>An engine applies what its host's cgroups can: where the host lacks what a setting needs (a block I/O weight
 * without a scheduler that weighs, as on most hosts without BFQ), the setting is dropped with dockerd's warning —
 * the created container's {@link ContainerInfo#spec()} has it at zero, and {@link #warnings} names it — and a rootless
 * engine refuses one whose controller is not delegated to its user. A memory swappiness is refused where the memory
 * controller is cgroup v2, which has no such setting (dockerd drops it with a warning there).
 *
 * @param cpuShares   relative CPU weight against other containers ({@code --cpu-shares}, {@code -c}; Docker's default
 *                    is 1024); 0 for none
 * @param cpuPeriod   the CFS period in microseconds ({@code --cpu-period}), 1000 to 1000000; 0 for the kernel's
 *                    100000. Not with {@code --cpus}
 * @param cpuQuota    the CPU time in microseconds the container may have per period ({@code --cpu-quota}), at least
 *                    1000; -1 for no quota; 0 for none asked. Not with {@code --cpus}
 * @param cpusetCpus  the CPUs it may run on ({@code --cpuset-cpus}), as {@code 0-3} or {@code 0,1}; {@code ""} for all
 * @param cpusetMems  the memory nodes it may allocate on ({@code --cpuset-mems}), written as {@code cpusetCpus};
 *                    {@code ""} for all
 * @param blkioWeight relative block I/O weight ({@code --blkio-weight}), 10 to 1000; 0 for none
 * @param memoryReservation the soft memory limit in bytes ({@code --memory-reservation}; v1
 *                    {@code memory.soft_limit_in_bytes}, v2 {@code memory.low}), at least 6 MiB and at most the memory
 *                    limit; 0 for none
 * @param memorySwappiness how readily the kernel swaps the container's anonymous pages ({@code --memory-swappiness}),
 *                    0 to 100; {@code null} (or Docker's -1) for the parent's
 * @param blockIo     per-device block I/O weights and rates; {@link BlockIoLimits#NONE} for none
 * @param advanced    swap, OOM killer, kernel memory, real-time CPU and device cgroup rules;
 *                    {@link AdvancedResources#NONE} for none
 */
public record Resources(long cpuShares, long cpuPeriod, long cpuQuota, String cpusetCpus, String cpusetMems,
                        int blkioWeight, long memoryReservation, Integer memorySwappiness, BlockIoLimits blockIo,
                        AdvancedResources advanced) {
    /** Nothing asked for. */
    public static final Resources NONE = new Resources(0, 0, 0, "", "", 0);

    /** The CPU settings and block I/O weight alone. */
    public Resources(long cpuShares, long cpuPeriod, long cpuQuota, String cpusetCpus, String cpusetMems, int blkioWeight) {
        this(cpuShares, cpuPeriod, cpuQuota, cpusetCpus, cpusetMems, blkioWeight, 0, null, BlockIoLimits.NONE,
                AdvancedResources.NONE);
    }

    /** Without the swap, OOM killer, kernel memory, real-time and device-rule settings. */
    public Resources(long cpuShares, long cpuPeriod, long cpuQuota, String cpusetCpus, String cpusetMems, int blkioWeight,
                     long memoryReservation, Integer memorySwappiness, BlockIoLimits blockIo) {
        this(cpuShares, cpuPeriod, cpuQuota, cpusetCpus, cpusetMems, blkioWeight, memoryReservation, memorySwappiness,
                blockIo, AdvancedResources.NONE);
    }

    /** Refuses a value dockerd refuses, in its words. */
    public Resources {
        cpusetCpus = Objects.requireNonNullElse(cpusetCpus, "");
        cpusetMems = Objects.requireNonNullElse(cpusetMems, "");
        blockIo = Objects.requireNonNullElse(blockIo, BlockIoLimits.NONE); // absent in an older config.json
        advanced = Objects.requireNonNullElse(advanced, AdvancedResources.NONE);
        memorySwappiness = memorySwappiness != null && memorySwappiness == -1 ? null : memorySwappiness; // Docker's unset
        if (memorySwappiness != null && (memorySwappiness < 0 || memorySwappiness > 100)) {
            throw new IllegalArgumentException("Invalid value: " + memorySwappiness + ", valid memory swappiness range is 0-100");
        }
        if (memoryReservation < 0) {
            throw new IllegalArgumentException("Memory reservation " + memoryReservation + " cannot be negative");
        }
        if (memoryReservation > 0 && memoryReservation < 6L << 20) {
            throw new IllegalArgumentException("Minimum memory reservation allowed is 6MB");
        }
        if (cpuShares < 0) {
            throw new IllegalArgumentException("CPU shares " + cpuShares + " cannot be negative (Docker's default is 1024)");
        }
        if (cpuPeriod != 0 && (cpuPeriod < 1000 || cpuPeriod > 1_000_000)) {
            throw new IllegalArgumentException("CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s"
                    + " (i.e. 1000000)");
        }
        if (cpuQuota < -1 || cpuQuota > 0 && cpuQuota < 1000) {
            throw new IllegalArgumentException("CPU cfs quota can not be less than 1ms (i.e. 1000)");
        }
        if (blkioWeight != 0 && (blkioWeight < 10 || blkioWeight > 1000)) {
            throw new IllegalArgumentException("Range of blkio weight is from 10 to 1000");
        }
        checkList(cpusetCpus, "cpus");
        checkList(cpusetMems, "mems");
    }

    /** CPU shares alone ({@code --cpu-shares}). */
    public static Resources cpuShares(long shares) {
        return NONE.withCpuShares(shares);
    }

    public Resources withCpuShares(long shares) {
        return new Resources(shares, cpuPeriod, cpuQuota, cpusetCpus, cpusetMems, blkioWeight, memoryReservation,
                memorySwappiness, blockIo, advanced);
    }

    /** A CFS quota in a period, both in microseconds ({@code --cpu-quota}, {@code --cpu-period}); 0 leaves either out. */
    public Resources withCpuQuota(long quota, long period) {
        return new Resources(cpuShares, period, quota, cpusetCpus, cpusetMems, blkioWeight, memoryReservation,
                memorySwappiness, blockIo, advanced);
    }

    public Resources withCpuset(String cpus, String mems) {
        return new Resources(cpuShares, cpuPeriod, cpuQuota, cpus, mems, blkioWeight, memoryReservation,
                memorySwappiness, blockIo, advanced);
    }

    public Resources withBlkioWeight(int weight) {
        return new Resources(cpuShares, cpuPeriod, cpuQuota, cpusetCpus, cpusetMems, weight, memoryReservation,
                memorySwappiness, blockIo, advanced);
    }

    /** A soft memory limit in bytes ({@code --memory-reservation}); 0 for none. */
    public Resources withMemoryReservation(long bytes) {
        return new Resources(cpuShares, cpuPeriod, cpuQuota, cpusetCpus, cpusetMems, blkioWeight, bytes,
                memorySwappiness, blockIo, advanced);
    }

    /** A swappiness, 0 to 100 ({@code --memory-swappiness}); -1 for the parent's. */
    public Resources withMemorySwappiness(int swappiness) {
        return new Resources(cpuShares, cpuPeriod, cpuQuota, cpusetCpus, cpusetMems, blkioWeight, memoryReservation,
                swappiness, blockIo, advanced);
    }

    /** Per-device block I/O weights and rates. */
    public Resources withBlockIo(BlockIoLimits limits) {
        return new Resources(cpuShares, cpuPeriod, cpuQuota, cpusetCpus, cpusetMems, blkioWeight, memoryReservation,
                memorySwappiness, limits, advanced);
    }

    /** The swap, OOM killer, kernel memory, real-time CPU and device-rule settings. */
    public Resources withAdvanced(AdvancedResources settings) {
        return new Resources(cpuShares, cpuPeriod, cpuQuota, cpusetCpus, cpusetMems, blkioWeight, memoryReservation,
                memorySwappiness, blockIo, settings);
    }

    /** Whether anything is asked for. */
    public boolean any() {
        return !equals(NONE);
    }

    /**
     * These settings with each value {@code update} asks for in their place, as {@code docker update} merges them
     * (it changes neither the swappiness nor a device's limits: {@link ContainerUpdate} refuses those; of the
     * {@link AdvancedResources}, the swap limit only).
     */
    public Resources updatedBy(Resources update) {
        return new Resources(update.cpuShares != 0 ? update.cpuShares : cpuShares,
                update.cpuPeriod != 0 ? update.cpuPeriod : cpuPeriod, update.cpuQuota != 0 ? update.cpuQuota : cpuQuota,
                !update.cpusetCpus.isEmpty() ? update.cpusetCpus : cpusetCpus,
                !update.cpusetMems.isEmpty() ? update.cpusetMems : cpusetMems,
                update.blkioWeight != 0 ? update.blkioWeight : blkioWeight,
                update.memoryReservation != 0 ? update.memoryReservation : memoryReservation, memorySwappiness, blockIo,
                update.advanced.memorySwap() != 0 ? advanced.withMemorySwap(update.advanced.memorySwap()) : advanced);
    }

    /**
     * dockerd's warnings for the settings {@code asked} that did not take, because the host cannot apply them: each
     * value asked for that {@code applied} (the container's settings after its create or update) does not have. In
     * dockerd's words, as a create or update answer carries them in {@code Warnings}; empty when all took.
     */
    public static List<String> warnings(Resources asked, Resources applied) {
        List<String> warnings = new ArrayList<>();
        if (asked.cpuShares != 0 && applied.cpuShares != asked.cpuShares) {
            warnings.add("Your kernel does not support CPU shares or the cgroup is not mounted. Shares discarded.");
        }
        if (asked.cpuPeriod != 0 && applied.cpuPeriod != asked.cpuPeriod
                || asked.cpuQuota != 0 && applied.cpuQuota != asked.cpuQuota) {
            warnings.add("Your kernel does not support CPU CFS scheduler. CPU period/quota discarded.");
        }
        if (!asked.cpusetCpus.isEmpty() && !applied.cpusetCpus.equals(asked.cpusetCpus)
                || !asked.cpusetMems.isEmpty() && !applied.cpusetMems.equals(asked.cpusetMems)) {
            warnings.add("Your kernel does not support cpuset or the cgroup is not mounted. Cpuset discarded.");
        }
        if (asked.blkioWeight != 0 && applied.blkioWeight != asked.blkioWeight) {
            warnings.add("Your kernel does not support Block I/O weight or the cgroup is not mounted. Weight discarded.");
        }
        if (asked.memoryReservation != 0 && applied.memoryReservation != asked.memoryReservation) {
            warnings.add("Your kernel does not support memory soft limit capabilities or the cgroup is not mounted. "
                    + "Limitation discarded.");
        }
        if (asked.memorySwappiness != null && !asked.memorySwappiness.equals(applied.memorySwappiness)) {
            warnings.add("Your kernel does not support memory swappiness capabilities or the cgroup is not mounted. "
                    + "Memory swappiness discarded.");
        }
        warnings.addAll(BlockIoLimits.warnings(asked.blockIo, applied.blockIo));
        warnings.addAll(AdvancedResources.warnings(asked.advanced, applied.advanced));
        return List.copyOf(warnings);
    }

    /** Refuses what is not a list of numbers and ranges ({@code 0-2,4}), in dockerd's words. */
    private static void checkList(String list, String what) {
        if (!list.isEmpty() && !list.matches("[0-9]+(-[0-9]+)?(,[0-9]+(-[0-9]+)?)*")) {
            throw new IllegalArgumentException("Invalid value " + list + " for cpuset " + what);
        }
    }

    // written out: a record's generated equals links through ObjectMethods' bootstrap on its first call, and any()
    // calls it on every container start (a short CLI process pays the linkage each time)
    @Override
    public boolean equals(Object o) {
        return o == this || o instanceof Resources other
                && cpuShares == other.cpuShares
                && cpuPeriod == other.cpuPeriod
                && cpuQuota == other.cpuQuota
                && cpusetCpus.equals(other.cpusetCpus)
                && cpusetMems.equals(other.cpusetMems)
                && blkioWeight == other.blkioWeight
                && memoryReservation == other.memoryReservation
                && Objects.equals(memorySwappiness, other.memorySwappiness)
                && blockIo.equals(other.blockIo)
                && advanced.equals(other.advanced);
    }

    @Override
    public int hashCode() {
        return Objects.hash(cpuShares, cpuPeriod, cpuQuota, cpusetCpus, cpusetMems, blkioWeight, memoryReservation,
                memorySwappiness, blockIo, advanced);
    }
}
