package dev.stevedore.cli;

import dev.stevedore.engine.AdvancedResources;
import dev.stevedore.engine.Resources;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The swap, OOM killer, kernel memory, real-time CPU and device-rule options of {@code run} and {@code create}, with
 * the docker CLI's names and value syntax ({@code --memory-swap -1} for unlimited swap, sizes as {@code 128m}) and its
 * words for a bad value. What needs the memory limit ({@code --memory-swap} without {@code -m}) is refused by the
 * engine, in dockerd's words, when it creates the container.
 */
final class AdvancedOptions {
    @Option(names = "--memory-swap", paramLabel = "SIZE", description = "Memory plus swap, e.g. 1g (-1: unlimited swap).")
    String memorySwap;

    @Option(names = "--oom-kill-disable", description = "Keep the kernel's OOM killer away from the container.")
    boolean oomKillDisable;

    @Option(names = "--kernel-memory", paramLabel = "SIZE", description = "Kernel memory limit (deprecated; ignored by"
            + " kernels since 5.4).")
    String kernelMemory;

    @Option(names = "--kernel-memory-tcp", paramLabel = "SIZE", description = "Kernel TCP buffer limit.")
    String kernelMemoryTcp;

    @Option(names = "--cpu-rt-period", paramLabel = "MICROSECONDS", description = "Real-time scheduling period.")
    long cpuRealtimePeriod;

    @Option(names = "--cpu-rt-runtime", paramLabel = "MICROSECONDS", description = "Real-time runtime per period.")
    long cpuRealtimeRuntime;

    @Option(names = "--device-cgroup-rule", paramLabel = "RULE", description = "Add a rule to the container's allowed"
            + " devices, e.g. 'c 1:3 mr'.")
    List<String> deviceCgroupRules = new ArrayList<>();

    /** {@code resources} with what these options ask for. */
    Resources applyTo(Resources resources, Function<String, RuntimeException> usageError) {
        for (String rule : deviceCgroupRules) {
            if (!rule.matches("^([acb]) ([0-9]+|\\*):([0-9]+|\\*) ([rwm]{1,3})$")) {
                throw usageError.apply("invalid argument \"" + rule + "\" for \"--device-cgroup-rule\" flag: invalid"
                        + " device cgroup format '" + rule + "'");
            }
        }
        try {
            AdvancedResources a = new AdvancedResources(
                    memorySwap == null ? 0 : memorySwap.equals("-1") ? -1 : size("--memory-swap", memorySwap, usageError),
                    oomKillDisable, size("--kernel-memory", kernelMemory, usageError),
                    size("--kernel-memory-tcp", kernelMemoryTcp, usageError), cpuRealtimePeriod, cpuRealtimeRuntime,
                    deviceCgroupRules);
            return a.equals(AdvancedResources.NONE) ? resources : resources.withAdvanced(a);
        } catch (IllegalArgumentException e) {
            throw usageError.apply(e.getMessage());
        }
    }

    private static long size(String option, String value, Function<String, RuntimeException> usageError) {
        if (value == null) {
            return 0;
        }
        try {
            return Sizes.parseBinary(value);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw usageError.apply("invalid argument \"" + value + "\" for \"" + option + "\" flag: " + e.getMessage());
        }
    }
}
