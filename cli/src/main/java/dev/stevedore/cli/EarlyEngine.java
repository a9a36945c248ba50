package dev.stevedore.cli;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.EngineSettings;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Opens the engine while the command line is still being parsed: building picocli's model of a command and opening
 * the embedded engine (native libraries, the stores, for container commands the container services) each take a
 * good part of a short command's time, and on two or more cores they overlap. It applies only where the choice of
 * engine cannot depend on the command line: the command word comes first (no {@code --home}, {@code --engine} or
 * {@code --host} before it) and is one of the everyday commands. What it opened is used only when the command asks
 * for exactly those settings with no overrides; otherwise, or when the early open failed, the command opens its
 * engine as it always does, so errors read the same. An engine opened for a command that then fails its parsing is
 * left to the JVM's exit, as an engine whose JVM is killed is.
 */
final class EarlyEngine implements EngineFactory {
    /** Commands that work on containers: the early open also builds what their first step would ({@code prepare}). */
    private static final Set<String> CONTAINER_COMMANDS = Set.of("run", "create", "start", "stop", "kill", "rm", "ps",
            "exec", "logs", "inspect", "port", "wait", "restart", "top", "cp");
    private static final Set<String> IMAGE_COMMANDS = Set.of("images", "pull", "rmi", "tag");

    private final EngineFactory engines;
    private final EngineSettings settings;
    private final CompletableFuture<ContainerEngine> opening = new CompletableFuture<>();
    private final AtomicBoolean taken = new AtomicBoolean();

    private EarlyEngine(EngineFactory engines, EngineSettings settings) {
        this.engines = engines;
        this.settings = settings;
    }

    /** {@code engines}, starting to open the engine now when {@code args} leave no doubt about which. */
    static EngineFactory startFor(String[] args, EngineFactory engines) {
        if (args.length == 0 || !(CONTAINER_COMMANDS.contains(args[0]) || IMAGE_COMMANDS.contains(args[0]))) {
            return engines; // no command, or one whose engine the options before it may change, or one seldom typed
        }
        EngineSettings settings;
        try {
            settings = EngineSettings.fromEnvironment();
        } catch (RuntimeException e) {
            return engines; // the command reports it, in its own words
        }
        EarlyEngine early = new EarlyEngine(engines, settings);
        boolean prepare = CONTAINER_COMMANDS.contains(args[0]);
        Thread thread = new Thread(() -> early.open(prepare), "stevedore-early-open");
        thread.setDaemon(true); // an engine nobody takes must not keep the JVM alive
        thread.start();
        return early;
    }

    private void open(boolean prepare) {
        ContainerEngine engine = null;
        Timing.mark("early open thread started");
        try {
            engine = engines.open(settings, Map.of());
            Timing.mark("engine opened");
            if (prepare) {
                engine.prepare();
                Timing.mark("engine prepared (container services)");
            }
            opening.complete(engine);
        } catch (Throwable e) {
            if (engine != null) {
                try {
                    engine.close();
                } catch (RuntimeException closing) {
                    e.addSuppressed(closing);
                }
            }
            opening.completeExceptionally(e);
        }
    }

    @Override
    public ContainerEngine open(EngineSettings wanted, Map<String, String> overrides) {
        if (overrides.isEmpty() && wanted.equals(settings) && taken.compareAndSet(false, true)) {
            try {
                return opening.join();
            } catch (RuntimeException e) {
                // opened again below: the failure comes as the command's own open would report it
            }
        }
        return engines.open(wanted, overrides);
    }
}
