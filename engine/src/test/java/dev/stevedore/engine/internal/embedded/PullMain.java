package dev.stevedore.engine.internal.embedded;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.EngineSettings;
import dev.stevedore.engine.Image;

import java.nio.file.Path;

/** A child JVM for {@link ConcurrentPullIT}: pulls one image into a shared state directory and prints its id. */
public final class PullMain {
    private PullMain() {
    }

    public static void main(String[] args) {
        EngineSettings settings = EngineSettings.fromEnvironment().withStateDirectory(Path.of(args[0]));
        try (ContainerEngine engine = ContainerEngine.embedded(settings)) {
            Image image = engine.pull(args[1]);
            System.out.println("pulled " + image.id());
        }
    }
}
