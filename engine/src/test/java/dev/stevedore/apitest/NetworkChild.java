package dev.stevedore.apitest;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.EngineSettings;
import dev.stevedore.engine.NetworkSpec;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * The main of a child JVM for the network ITs: opens the embedded engine on the state directory it is given, makes
 * the named network unless it exists, runs a container on it (image, network, alias, then the command), prints
 * {@code started <id> <pid>} and blocks until stdin ends or it is killed.
 */
public final class NetworkChild {
    private NetworkChild() {
    }

    public static void main(String[] args) throws Exception {
        ContainerEngine engine = ContainerEngine.embedded(EngineSettings.fromEnvironment().withStateDirectory(Path.of(args[0])));
        try {
            engine.createNetwork(new NetworkSpec(args[2], null, Map.of(), false));
        } catch (ContainerEngineException e) {
            try {
                engine.inspectNetwork(args[2]); // made by the other JVM: it must be there now
            } catch (ContainerEngineException missing) {
                missing.addSuppressed(e); // then the creation failed for another reason: say which
                throw missing;
            }
        }
        ContainerInfo info = engine.runContainer(ContainerSpec.builder(args[1]).networkMode(args[2]).networkAlias(args[3])
                .cmd(Arrays.asList(args).subList(4, args.length)).build());
        System.out.println("started " + info.id() + " " + info.state().pid());
        System.out.flush();
        System.in.read();
        engine.close();
    }
}
