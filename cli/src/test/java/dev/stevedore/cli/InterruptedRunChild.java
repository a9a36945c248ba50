package dev.stevedore.cli;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The main of a child JVM for {@link InterruptedRunTest}: an attached {@code run --rm} against an in-memory
 * engine, with the JVM's real shutdown hooks. Prints {@code running} once the container runs, and what
 * the engine is asked to do to it afterwards.
 */
public final class InterruptedRunChild {
    private InterruptedRunChild() {
    }

    public static void main(String[] args) {
        InMemoryEngine engine = new InMemoryEngine() {
            @Override
            public synchronized void startContainer(String container) {
                super.startContainer(container);
                say("running");
            }

            @Override
            public synchronized void stopContainer(String container, Duration grace) {
                super.stopContainer(container, grace);
                say("stopped " + find(container).name);
            }

            @Override
            public synchronized void removeContainer(String container, boolean force, boolean removeVolumes) {
                String name = find(container).name;
                super.removeContainer(container, force, removeVolumes);
                say("removed " + name);
            }
        };
        engine.store("busybox:latest", InMemoryEngine.image("busybox", Instant.parse("2025-04-01T12:00:00Z"), 2_000));
        int exitCode = Main.commandLine((settings, overrides) -> engine, Terminal.plain(), Clock.systemUTC())
                .execute("run", "--rm", "--name", "sleeper", "busybox", "sleep", "1000");
        say("exit " + exitCode);
        System.exit(exitCode);
    }

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
