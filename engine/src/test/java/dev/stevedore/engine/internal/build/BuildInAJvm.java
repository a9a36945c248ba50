package dev.stevedore.engine.internal.build;

import dev.stevedore.engine.BuildEvent;
import dev.stevedore.engine.BuildSpec;
import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.EngineSettings;
import dev.stevedore.engine.Image;

import java.nio.file.Path;

/**
 * One build in a JVM of its own, for {@link ConcurrentBuildsIT} and {@link InterruptedBuildIT}: arguments are the state
 * directory, the context and the tag. Prints {@code cached N} for each step it reused, {@code event ...} for every
 * event (as it comes, so a test can kill the JVM at a chosen point), {@code id=...} at the end; fails with exit code 1.
 */
public final class BuildInAJvm {
    private BuildInAJvm() {
    }

    public static void main(String[] args) {
        try (ContainerEngine engine = ContainerEngine.embedded(EngineSettings.fromEnvironment().withStateDirectory(Path.of(args[0])))) {
            Image image = engine.build(BuildSpec.builder(Path.of(args[1])).tag(args[2]).build(), event -> {
                if (event.kind() == BuildEvent.Kind.CACHED) {
                    System.out.println("cached " + event.step());
                }
                System.out.println("event " + event.kind() + " " + event.step() + " " + event.text());
                System.out.flush();
            });
            System.out.println("id=" + image.id());
        }
    }
}
