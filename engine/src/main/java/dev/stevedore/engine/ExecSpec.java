package dev.stevedore.engine;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A command to run in a running container.
 *
 * @param command    the command and its arguments; the first is looked up in the container's PATH
 * @param env        {@code KEY=value} entries added to the container's environment
 * @param user       user to run as ({@code name}, {@code uid[:gid]}); {@code null} for the container's user
 * @param workingDir working directory; {@code null} for the container's
 * @param stdin      bytes to feed to its standard input (then closed); {@code null} for none
 * @param timeout    how long to wait before killing it; {@code null} for no limit
 * @param output     receives output lines as they come; {@code null} to only collect them
 */
public record ExecSpec(List<String> command, List<String> env, String user, String workingDir, byte[] stdin,
                       Duration timeout, Consumer<LogLine> output) {
    public ExecSpec {
        command = List.copyOf(Objects.requireNonNull(command, "command"));
        if (command.isEmpty()) {
            throw new IllegalArgumentException("an exec needs a command");
        }
        env = env == null ? List.of() : List.copyOf(env);
    }

    /** {@code command} as the container's user, in its working directory, no timeout. */
    public static ExecSpec of(String... command) {
        return new ExecSpec(List.of(command), List.of(), null, null, null, null, null);
    }

    public ExecSpec withUser(String value) {
        return new ExecSpec(command, env, value, workingDir, stdin, timeout, output);
    }

    public ExecSpec withWorkingDir(String value) {
        return new ExecSpec(command, env, user, value, stdin, timeout, output);
    }

    public ExecSpec withEnv(List<String> value) {
        return new ExecSpec(command, value, user, workingDir, stdin, timeout, output);
    }

    public ExecSpec withStdin(byte[] value) {
        return new ExecSpec(command, env, user, workingDir, value, timeout, output);
    }

    public ExecSpec withTimeout(Duration value) {
        return new ExecSpec(command, env, user, workingDir, stdin, value, output);
    }

    public ExecSpec withOutput(Consumer<LogLine> value) {
        return new ExecSpec(command, env, user, workingDir, stdin, timeout, value);
    }
}
