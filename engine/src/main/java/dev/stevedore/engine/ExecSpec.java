package dev.stevedore.engine;

import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A command to run in a running container.
 *
 * @param command     the command and its arguments; the first is looked up in the container's PATH
 * @param env         {@code KEY=value} entries added to the container's environment
 * @param user        user to run as ({@code name}, {@code uid[:gid]}); {@code null} for the container's user
 * @param workingDir  working directory; {@code null} for the container's
 * @param stdin       bytes to feed to its standard input (then closed); {@code null} for none
 * @param timeout     how long to wait before killing it; {@code null} for no limit
 * @param output      receives output lines as they come, each the bytes written with its newline (the last without one
 *                    when the output did not end with a newline); {@code null} to only collect them
 * @param stdinStream a stream fed to its standard input as it comes, read on a thread of the engine's while the
 *                    command runs (so a command can answer line by line); its end closes the command's stdin. The
 *                    engine does not close it. {@code null} for none; set at most one of {@code stdin} and this
 * @param tty         a pseudo-terminal for the command ({@code docker exec -t}), made in the container, with its window
 *                    size kept in step with the {@link Tty}'s; its output is one raw stream (each {@link LogLine} to
 *                    {@code output} a chunk of it as it came, newlines included; all of it in {@link ExecResult#stdout()})
 *                    and stdin is typed on it ({@code ^C} interrupts). {@code null} for pipes
 * @param privileged  run it with every capability the engine holds ({@code docker exec --privileged}), in any
 *                    container as dockerd does; the container's seccomp filter and {@code no_new_privs} still hold
 */
public record ExecSpec(List<String> command, List<String> env, String user, String workingDir, byte[] stdin,
                       Duration timeout, Consumer<LogLine> output, InputStream stdinStream, Tty tty, boolean privileged) {
    public ExecSpec {
        command = List.copyOf(Objects.requireNonNull(command, "command"));
        if (command.isEmpty()) {
            throw new IllegalArgumentException("an exec needs a command");
        }
        env = env == null ? List.of() : List.copyOf(env);
        if (stdin != null && stdinStream != null) {
            throw new IllegalArgumentException("an exec takes its stdin as bytes or as a stream, not both");
        }
    }

    /** An exec without extra privileges. */
    public ExecSpec(List<String> command, List<String> env, String user, String workingDir, byte[] stdin,
                    Duration timeout, Consumer<LogLine> output, InputStream stdinStream, Tty tty) {
        this(command, env, user, workingDir, stdin, timeout, output, stdinStream, tty, false);
    }

    /** An exec without a stdin stream: {@code stdin} bytes or none. */
    public ExecSpec(List<String> command, List<String> env, String user, String workingDir, byte[] stdin,
                    Duration timeout, Consumer<LogLine> output) {
        this(command, env, user, workingDir, stdin, timeout, output, null, null);
    }

    /** An exec without a terminal. */
    public ExecSpec(List<String> command, List<String> env, String user, String workingDir, byte[] stdin,
                    Duration timeout, Consumer<LogLine> output, InputStream stdinStream) {
        this(command, env, user, workingDir, stdin, timeout, output, stdinStream, null);
    }

    /** {@code command} as the container's user, in its working directory, no timeout. */
    public static ExecSpec of(String... command) {
        return new ExecSpec(List.of(command), List.of(), null, null, null, null, null, null, null);
    }

    /** Whether the command gets a standard input (bytes or a stream); without, its stdin is {@code /dev/null}. */
    public boolean hasStdin() {
        return stdin != null || stdinStream != null;
    }

    public ExecSpec withUser(String value) {
        return new ExecSpec(command, env, value, workingDir, stdin, timeout, output, stdinStream, tty, privileged);
    }

    public ExecSpec withWorkingDir(String value) {
        return new ExecSpec(command, env, user, value, stdin, timeout, output, stdinStream, tty, privileged);
    }

    public ExecSpec withEnv(List<String> value) {
        return new ExecSpec(command, value, user, workingDir, stdin, timeout, output, stdinStream, tty, privileged);
    }

    /** Feeds {@code value} to the command's stdin, then end of file (replaces a stdin stream). */
    public ExecSpec withStdin(byte[] value) {
        return new ExecSpec(command, env, user, workingDir, value, timeout, output, null, tty, privileged);
    }

    /** Feeds {@code value} to the command's stdin as it comes, its end being the command's end of file (replaces stdin bytes). */
    public ExecSpec withStdin(InputStream value) {
        return new ExecSpec(command, env, user, workingDir, null, timeout, output, value, tty, privileged);
    }

    public ExecSpec withTimeout(Duration value) {
        return new ExecSpec(command, env, user, workingDir, stdin, value, output, stdinStream, tty, privileged);
    }

    public ExecSpec withOutput(Consumer<LogLine> value) {
        return new ExecSpec(command, env, user, workingDir, stdin, timeout, value, stdinStream, tty, privileged);
    }

    /** Runs the command with every capability ({@code docker exec --privileged}); see {@link #privileged()}. */
    public ExecSpec withPrivileged(boolean value) {
        return new ExecSpec(command, env, user, workingDir, stdin, timeout, output, stdinStream, tty, value);
    }

    /** Runs the command on a pseudo-terminal of {@code value}'s size (see {@link #tty()}). */
    public ExecSpec withTty(Tty value) {
        return new ExecSpec(command, env, user, workingDir, stdin, timeout, output, stdinStream, value, privileged);
    }
}
