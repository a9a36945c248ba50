package dev.stevedore.engine.internal.embedded;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.EngineSettings;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A child JVM for {@link MemoryRootSweepIT}: opens an engine on a state directory and prints its in-memory root; with
 * an image, runs a container to its end and dies without closing the engine (as a killed test JVM does, leaving the
 * container's files in the root), else holds the root until its standard input ends.
 */
public final class MemoryRootMain {
    private MemoryRootMain() {
    }

    public static void main(String[] args) throws IOException {
        Path state = Path.of(args[0]);
        ContainerEngine engine = ContainerEngine.embedded(EngineSettings.fromEnvironment().withStateDirectory(state));
        System.out.println("root " + MemoryStorage.root(state).orElseThrow());
        if (args.length > 1) {
            engine.pull(args[1]);
            ContainerInfo ended = engine.runContainer(ContainerSpec.builder(args[1]).cmd("true").build());
            System.out.println("ended " + engine.waitContainer(ended.id(), Duration.ofMinutes(1)).exitCode() + " " + ended.id());
        } else {
            System.out.println("holding");
            System.in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        System.out.flush();
        Runtime.getRuntime().halt(0);
    }
}
