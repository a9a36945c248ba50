package dev.stevedore.dsl;

import dev.stevedore.engine.ExecResult;
import dev.stevedore.engine.ExecSpec;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Ready once a command run inside the container exits with 0: {@link Wait#command}. Immutable. */
public final class CommandWait implements WaitStrategy {
    private static final Duration RUN_LIMIT = Duration.ofSeconds(10);

    private final List<String> command;
    private final Duration timeout;

    CommandWait(String[] command, Duration timeout) {
        if (command.length == 0) {
            throw new InvalidDefinitionException("wait for a command", "name the command to run");
        }
        this.command = List.of(command);
        this.timeout = timeout;
    }

    /** Its own timeout. */
    public CommandWait timeout(Duration value) {
        return new CommandWait(command.toArray(new String[0]), value);
    }

    @Override
    public Optional<Duration> timeout() {
        return Optional.ofNullable(timeout);
    }

    @Override
    public void waitUntilReady(ContainerHandle container, Duration timeout) {
        Waiting.until(container, timeout, description(), observed -> succeeds(container, command, RUN_LIMIT, observed));
    }

    /** Runs {@code command} once; true on exit code 0, else notes what it said. */
    static boolean succeeds(ContainerHandle container, List<String> command, Duration limit,
                            java.util.concurrent.atomic.AtomicReference<String> observed) {
        ExecResult result = container.exec(new ExecSpec(command, List.of(), null, null, null, limit, null));
        if (result.succeeded()) {
            return true;
        }
        String said = (result.stderr().isBlank() ? result.stdout() : result.stderr()).strip();
        if (said.length() > 200) {
            said = said.substring(said.length() - 200);
        }
        observed.set((result.timedOut() ? "timed out" : "exit code " + result.exitCode()) + (said.isEmpty() ? "" : ": " + said));
        return false;
    }

    @Override
    public String description() {
        return "the command " + String.join(" ", command) + " to succeed";
    }
}
