package dev.stevedore.engine.internal.embedded;

import dev.stevedore.engine.EngineSettings;

import java.nio.file.Path;
import java.time.Instant;

/**
 * The JVM that restarts a kept container no JVM owns ({@link KeptRestarts}): {@code KeptRestartMain STATE ID RUN},
 * started by the watcher of run {@code RUN} once it ended, its output in the container's {@code respawn.log}. Opens
 * the engine on the state directory as a CLI command does (rootless: joining the user's namespaces), restarts the
 * container as its policy says after its backoff (the container {@code restarting} meanwhile, this JVM its owner), and
 * ends, letting go of the new run as {@code stevedore run -d} does. Not an API: its arguments are the engine's.
 */
public final class KeptRestartMain {
    private KeptRestartMain() {
    }

    public static void main(String[] args) {
        if (args.length != 3) {
            System.err.println("usage: KeptRestartMain STATE-DIRECTORY CONTAINER-ID RUN");
            System.exit(2);
        }
        String id = args[1];
        Instant main = Instant.now();
        try (EmbeddedEngine engine = (EmbeddedEngine) EmbeddedEngine.open(
                EngineSettings.fromEnvironment().withStateDirectory(Path.of(args[0])), "opened to restart a kept container")) {
            String outcome = engine.restartKept(id, Long.parseLong(args[2])).join();
            // the cost of a JVM per restart, for whoever reads the log: its start (the line before, the watcher's, says
            // when it was executed) and its work, the backoff included
            System.out.println(Instant.now() + " " + outcome + " (main ran at " + main + ")");
        } catch (RuntimeException e) {
            System.out.println(Instant.now() + " cannot restart container " + id + " as its restart policy says: " + e);
            e.printStackTrace(System.out);
            System.exit(1);
        }
    }
}
