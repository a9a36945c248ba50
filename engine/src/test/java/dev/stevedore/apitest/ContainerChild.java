package dev.stevedore.apitest;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.EngineSettings;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * The main of a child JVM for the container ITs: opens the embedded engine on the state directory it
 * is given, runs a container (image, auto-remove flag, name, memory limit in bytes or 0, then the
 * command), prints {@code started <id> <pid>} and blocks until stdin ends or it is killed.
 */
public final class ContainerChild {
    private ContainerChild() {
    }

    public static void main(String[] args) throws Exception {
        EngineSettings settings = EngineSettings.fromEnvironment().withStateDirectory(Path.of(args[0]));
        ContainerEngine engine = ContainerEngine.embedded(settings);
        ContainerInfo info = engine.runContainer(ContainerSpec.builder(args[1]).autoRemove(Boolean.parseBoolean(args[2]))
                .name(args[3]).memoryBytes(Long.parseLong(args[4])).cmd(Arrays.asList(args).subList(5, args.length)).build());
        System.out.println("started " + info.id() + " " + info.state().pid());
        System.out.flush();
        System.in.read();
        engine.close();
    }
}
