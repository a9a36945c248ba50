package dev.stevedore.cli;

import dev.stevedore.engine.ContainerEngine;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code stevedore stop}: the stop signal, a grace period, then SIGKILL; prints each container as named. */
@Command(name = "stop", description = "Stop one or more running containers.")
class StopCommand extends ContainersCommand {
    @Option(names = {"-t", "--time"}, paramLabel = "SECONDS",
            description = "Seconds to wait before killing (default: the container's stop timeout, else 10).")
    Integer seconds;

    @Override
    void validate() {
        if (seconds != null && seconds < 0) {
            throw usageError("--time must be 0 or more seconds, not " + seconds);
        }
    }

    @Override
    void apply(ContainerEngine engine, String container) {
        stop(engine, container);
        out().println(container);
    }

    /** Stops {@code container} with the grace period the options give. */
    final void stop(ContainerEngine engine, String container) {
        engine.stopContainer(container, grace());
    }

    /** The grace period the options give; null: the container's own stop timeout. */
    final Duration grace() {
        return seconds == null ? null : Duration.ofSeconds(seconds);
    }
}
