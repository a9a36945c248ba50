package dev.stevedore.apitest;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerState;
import dev.stevedore.engine.EngineSettings;
import dev.stevedore.engine.LogLine;
import dev.stevedore.engine.LogOptions;
import dev.stevedore.engine.ContainerLogs;
import dev.stevedore.engine.testbed.Testbed;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the container ITs share: one state directory for this JVM (images are pulled into it once;
 * every test class opens its own engine on it, as several JVMs would) and the test images' references.
 * Uses the public API only, but for {@link #containerDirectories()}: where the engine keeps containers.
 */
final class ContainerTestbed {
    static final Duration WAIT = Duration.ofSeconds(30);

    private static Path state;

    private ContainerTestbed() {
    }

    static synchronized Path state() {
        if (state == null) {
            // the Rootless*IT classes run these same tests as an ordinary user (the rootless Failsafe execution)
            if (!"root".equals(System.getProperty("user.name")) && !Boolean.getBoolean("stevedore.rootless.test")) {
                throw new AssertionError("the container ITs create namespaces and mounts: run them as root");
            }
            Testbed.get();
            try {
                state = Files.createTempDirectory("stevedore-containers-it-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Path created = state;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteQuietly(created)));
        }
        return state;
    }

    /**
     * Where the engine keeps container directories for {@link #state()}: {@code containers/} in it (kept
     * containers), and its in-memory place (containers that go with their JVM), when there is one.
     */
    static List<Path> containerDirectories() {
        List<Path> places = new ArrayList<>(List.of(state().resolve("containers")));
        dev.stevedore.engine.internal.embedded.MemoryStorage.root(state()).ifPresent(root -> places.add(root.resolve("containers")));
        return places;
    }

    static EngineSettings settings() {
        return EngineSettings.fromEnvironment().withStateDirectory(state());
    }

    static ContainerEngine engine() {
        return ContainerEngine.embedded(settings());
    }

    static String image(String repositoryAndTag) {
        return Testbed.get().plainRegistry() + "/library/" + repositoryAndTag;
    }

    static String busybox() {
        return image("busybox:latest");
    }

    /** Waits for the container to exit and returns its state; fails when it still runs after {@link #WAIT}. */
    static ContainerState exited(ContainerEngine engine, String id) {
        ContainerState state = engine.waitContainer(id, WAIT);
        assertThat(state.status()).as("state of %s after %s", id, WAIT).isEqualTo(ContainerState.Status.EXITED);
        return state;
    }

    /** Everything the container logged so far, stdout and stderr merged, one line per line. */
    static List<String> lines(ContainerEngine engine, String id) {
        try (ContainerLogs logs = engine.logs(id, LogOptions.all())) {
            return logs.lines().map(LogLine::text).toList();
        }
    }

    static String stdout(ContainerEngine engine, String id) {
        try (ContainerLogs logs = engine.logs(id, new LogOptions(true, false, false, -1, null))) {
            return String.join("\n", logs.lines().map(LogLine::text).toList());
        }
    }

    static void deleteQuietly(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // best effort at exit
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // best effort at exit
        }
        if (Files.exists(dir)) {
            // rootless: files of subordinate owners go through the user's namespace (FileTrees' fallback)
            try {
                dev.stevedore.engine.internal.os.FileTrees.deleteRecursively(dir);
            } catch (IOException | RuntimeException e) {
                // best effort at exit
            }
        }
    }
}
