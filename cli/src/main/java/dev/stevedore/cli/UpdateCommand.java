package dev.stevedore.cli;

import dev.stevedore.engine.AdvancedResources;
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
            description = "Memory plus swap (1g); -1 for unlimited swap.")
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
        ContainerUpdate u;
        try {
            Resources resources = cpu.resources(this::usageError);
            if (memorySwap != null) {
                resources = resources.withAdvanced(AdvancedResources.NONE.withMemorySwap(memorySwap.equals("-1") ? -1
                        : Sizes.parseBinary(memorySwap)));
            }
            u = ContainerUpdate.none().withResources(resources);
            if (restart != null) {
                u = u.withRestartPolicy(RestartPolicy.parse(restart));
            }
            if (memory != null) {
                u = u.withMemoryBytes(Sizes.parseBinary(memory));
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
