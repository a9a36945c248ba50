package dev.stevedore.cli;

import dev.stevedore.engine.Resources;
import picocli.CommandLine.Option;

import java.util.function.Function;

/**
 * The CPU, block I/O weight and memory reservation options of {@code run}, {@code create} and {@code update}, with the
 * docker CLI's names and Docker's values ({@link Resources}): what the engine's host cannot apply is dropped with
 * dockerd's warning, as there.
 */
final class CpuOptions {
    @Option(names = {"-c", "--cpu-shares"}, paramLabel = "N", description = "CPU shares, the relative weight (default 1024).")
    Long cpuShares;

    @Option(names = "--cpu-period", paramLabel = "US", description = "CFS period in microseconds (1000 to 1000000).")
    Long cpuPeriod;

    @Option(names = "--cpu-quota", paramLabel = "US", description = "CFS quota in microseconds per period (-1: none).")
    Long cpuQuota;

    @Option(names = "--cpuset-cpus", paramLabel = "LIST", description = "CPUs it may run on (0-3, 0,1).")
    String cpusetCpus;

    @Option(names = "--cpuset-mems", paramLabel = "LIST", description = "Memory nodes it may allocate on (0-3, 0,1).")
    String cpusetMems;

    @Option(names = "--blkio-weight", paramLabel = "N", description = "Block I/O weight, 10 to 1000 (0: none).")
    Integer blkioWeight;

    @Option(names = "--memory-reservation", paramLabel = "SIZE", description = "Memory soft limit (64m, 1g).")
    String memoryReservation;

    /** What the options ask for; {@link Resources#NONE} when none is given. */
    Resources resources(Function<String, RuntimeException> usageError) {
        try {
            return new Resources(cpuShares == null ? 0 : cpuShares, cpuPeriod == null ? 0 : cpuPeriod,
                    cpuQuota == null ? 0 : cpuQuota, cpusetCpus, cpusetMems, blkioWeight == null ? 0 : blkioWeight)
                    .withMemoryReservation(memoryReservation == null ? 0 : Sizes.parseBinary(memoryReservation));
        } catch (IllegalArgumentException e) {
            throw usageError.apply(e.getMessage());
        }
    }
}
