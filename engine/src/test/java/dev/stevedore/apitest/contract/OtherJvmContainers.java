package dev.stevedore.apitest.contract;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerSpec;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Run in a JVM of its own by {@link EmbeddedEventsContractIT}: opens the embedded engine on a state directory, runs
 * short-lived auto-remove containers ({@code exit i % 64}), prints each one's id as soon as it started, waits for
 * them and exits.
 *
 * <p>Arguments: state directory, image, count, label value.
 */
final class OtherJvmContainers {
    private OtherJvmContainers() {
    }

    public static void main(String[] args) {
        Path state = Path.of(args[0]);
        int count = Integer.parseInt(args[2]);
        try (ContainerEngine engine = EmbeddedEngines.open(state)) {
            java.util.List<String> ids = new java.util.ArrayList<>();
            for (int i = 0; i < count; i++) {
                ContainerInfo created = engine.createContainer(ContainerSpec.builder(args[1]).cmd("sh", "-c", "exit " + (i % 64))
                        .label(EngineContract.RUN_LABEL, args[3]).autoRemove(true).build());
                engine.startContainer(created.id());
                System.out.println(created.id() + " " + (i % 64));
                System.out.flush();
                ids.add(created.id());
            }
            for (String id : ids) {
                engine.waitContainer(id, Duration.ofSeconds(30));
            }
        }
    }
}
