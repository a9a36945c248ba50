package dev.stevedore.cli;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerUpdate;
import dev.stevedore.engine.Resources;
import dev.stevedore.engine.RestartPolicy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code stevedore update}: new memory, CPU (shares, quota, cpuset), block I/O weight and pids limits or a new restart policy for each container, the limits at
 * once if it runs; prints each as named.
 */
@Command(name = "update", description = "Update the resource limits or the restart policy of one or more containers.")
final class UpdateCommand extends ContainersCommand {
    @Option(names = {"-m", "--memory"}, paramLabel = "BYTES", description = "Memory limit (512m, 1g).")
    String memory;

    @Option(names = "--memory-swap", paramLabel = "BYTES",
            description = "Swap limit: only -1 (unlimited) or the memory limit itself, as the engine gives no swap of its own.")
    String memorySwap;

    @Option(names = "--cpus", paramLabel = "CPUS", description = "Number of CPUs (1.5).")
    Double cpus;

    @Option(names = "--pids-limit", paramLabel = "N", description = "Most processes and threads (-1 for no limit).")
    Long pidsLimit;

    @Option(names = "--restart", paramLabel = "POLICY",
            description = "When to start it again after it ends: no, on-failure[:N], always, unless-stopped.")
    String restart;

    @picocli.CommandLine.Mixin
    CpuOptions cpu;

    private ContainerUpdate update;

    @Override
    void validate() {
        ContainerUpdate u = ContainerUpdate.none().withResources(cpu.resources(this::usageError));
        try {
            if (restart != null) {
                u = u.withRestartPolicy(RestartPolicy.parse(restart));
            }
            if (memory != null) {
                long bytes = Sizes.parseBinary(memory);
                if (memorySwap != null && !memorySwap.equals("-1") && Sizes.parseBinary(memorySwap) != bytes) {
                    throw usageError("--memory-swap: the engine gives containers no swap of their own; use -1 or the"
                            + " memory limit");
                }
                u = u.withMemoryBytes(bytes);
            }
            if (cpus != null) {
                u = u.withNanoCpus(Math.round(cpus * 1e9));
            }
            if (pidsLimit != null) {
                u = u.withPidsLimit(pidsLimit <= 0 ? -1 : pidsLimit);
            }
        } catch (IllegalArgumentException e) {
            throw usageError(e.getMessage());
        }
        if (u.isEmpty()) {
            throw usageError("you must provide one or more flags when using this command");
        }
        update = u;
    }

    @Override
    void apply(ContainerEngine engine, String container) {
        ContainerInfo updated = engine.updateContainer(container, update);
        Resources.warnings(update.resources(), updated.spec().resources()).forEach(w -> err().println("WARNING: " + w));
        out().println(container);
    }
}
