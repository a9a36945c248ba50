package dev.stevedore.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A container's CPU and block I/O scheduling settings beside the limits {@link ContainerSpec} holds itself (memory,
 * {@code --cpus}, pids): Docker's {@code --cpu-shares}, {@code --cpu-period}, {@code --cpu-quota},
 * {@code --cpuset-cpus}, {@code --cpuset-mems} and {@code --blkio-weight}, with Docker's values and rules. A zero or
 * empty value asks for nothing; in a {@link ContainerUpdate} it leaves the container's value as it is, as
 * {@code docker update} does.
 *
 * <p>An engine applies what its host's cgroups can: where the host lacks what a setting needs (a block I/O weight
 * without a scheduler that weighs, as on most hosts without BFQ), the setting is dropped with dockerd's warning —
 * the created container's {@link ContainerInfo#spec()} has it at zero, and {@link #warnings} names it — and a rootless
 * engine refuses one whose controller is not delegated to its user.
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
 */
public record Resources(long cpuShares, long cpuPeriod, long cpuQuota, String cpusetCpus, String cpusetMems,
                        int blkioWeight) {
    /** Nothing asked for. */
    public static final Resources NONE = new Resources(0, 0, 0, "", "", 0);

    /** Refuses a value dockerd refuses, in its words. */
    public Resources {
        cpusetCpus = Objects.requireNonNullElse(cpusetCpus, "");
        cpusetMems = Objects.requireNonNullElse(cpusetMems, "");
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
        return new Resources(shares, cpuPeriod, cpuQuota, cpusetCpus, cpusetMems, blkioWeight);
    }

    /** A CFS quota in a period, both in microseconds ({@code --cpu-quota}, {@code --cpu-period}); 0 leaves either out. */
    public Resources withCpuQuota(long quota, long period) {
        return new Resources(cpuShares, period, quota, cpusetCpus, cpusetMems, blkioWeight);
    }

    public Resources withCpuset(String cpus, String mems) {
        return new Resources(cpuShares, cpuPeriod, cpuQuota, cpus, mems, blkioWeight);
    }

    public Resources withBlkioWeight(int weight) {
        return new Resources(cpuShares, cpuPeriod, cpuQuota, cpusetCpus, cpusetMems, weight);
    }

    /** Whether anything is asked for. */
    public boolean any() {
        return !equals(NONE);
    }

    /** These settings with each value {@code update} asks for in their place, as {@code docker update} merges them. */
    public Resources updatedBy(Resources update) {
        return new Resources(update.cpuShares != 0 ? update.cpuShares : cpuShares,
                update.cpuPeriod != 0 ? update.cpuPeriod : cpuPeriod, update.cpuQuota != 0 ? update.cpuQuota : cpuQuota,
                !update.cpusetCpus.isEmpty() ? update.cpusetCpus : cpusetCpus,
                !update.cpusetMems.isEmpty() ? update.cpusetMems : cpusetMems,
                update.blkioWeight != 0 ? update.blkioWeight : blkioWeight);
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
                && blkioWeight == other.blkioWeight;
    }

    @Override
    public int hashCode() {
        return Objects.hash(cpuShares, cpuPeriod, cpuQuota, cpusetCpus, cpusetMems, blkioWeight);
    }
}
