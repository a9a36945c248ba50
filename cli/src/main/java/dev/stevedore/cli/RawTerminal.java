package dev.stevedore.cli;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * The user's terminal in raw mode for {@code run -it}, {@code exec -it} and {@code attach}: no echo, no line editing,
 * no signals from keys (Ctrl-C is a byte for the container's terminal to act on), as docker puts it. Its settings are
 * saved first and restored on every way out: {@link #close()}, and a shutdown hook for SIGTERM, SIGHUP and an exit
 * that skips the {@code finally} (only SIGKILL leaves it raw, as it does docker's; {@code stty sane} repairs it).
 *
 * <p>Java 17 has no termios. The settings are changed by {@code stty} run on {@code /dev/tty} (POSIX, on every Linux
 * and macOS, where the CLI may drive a Docker daemon and no launcher binary exists): one process at the start, one at
 * the end and one per window change, none per keystroke. A native helper would save those few milliseconds at the cost
 * of a binary per platform. SIGWINCH, which Java does not expose either, is taken through {@code sun.misc.Signal}
 * (jdk.unsupported, present in every JDK since 9); where it cannot be, the size is only set at the start.
 */
final class RawTerminal implements AutoCloseable {
    private static final File TTY = new File("/dev/tty");

    private final String saved;
    private final ShutdownHooks.Registration restoreOnExit;
    private boolean closed;

    private RawTerminal(String saved, ShutdownHooks hooks) {
        this.saved = saved;
        this.restoreOnExit = hooks.register("stevedore-restore-terminal", this::restore);
    }

    /**
     * The user's terminal, now raw; empty when this process has no terminal on stdin (then docker's {@code -t} has
     * nothing to make raw either and the stream is passed as it is).
     */
    static Optional<RawTerminal> enter(ShutdownHooks hooks) {
        if (System.console() == null || !TTY.exists()) {
            return Optional.empty();
        }
        try {
            String saved = stty("-g").strip();
            RawTerminal terminal = new RawTerminal(saved, hooks);
            stty("raw", "-echo");
            return Optional.of(terminal);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The terminal's size as {rows, columns}; 24x80 when it cannot be read. */
    static int[] size() {
        try {
            String[] parts = stty("size").strip().split("\\s+");
            int rows = Integer.parseInt(parts[0]);
            int columns = Integer.parseInt(parts[1]);
            if (rows > 0 && columns > 0) {
                return new int[] {rows, columns};
            }
        } catch (IOException | RuntimeException e) {
            // not a terminal after all, or a size of 0 0 (a pty nobody sized): docker's default then
        }
        return new int[] {24, 80};
    }

    /**
     * Calls {@code resized} with the new size on every SIGWINCH until the JVM ends (the handler is process-wide and
     * replaced by the next call); false when this JVM cannot take the signal.
     */
    static boolean onResize(BiConsumer<Integer, Integer> resized) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("WINCH"), signal -> {
                int[] size = size();
                resized.accept(size[0], size[1]);
            });
            return true;
        } catch (IllegalArgumentException | LinkageError e) {
            return false;
        }
    }

    /** Restores the saved settings; idempotent. */
    @Override
    public void close() {
        restore();
        restoreOnExit.cancel();
    }

    private synchronized void restore() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            stty(saved);
        } catch (IOException e) {
            System.err.println("stevedore: could not restore the terminal (" + e.getMessage() + ") — run 'stty sane'");
        }
    }

    private static String stty(String... arguments) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(concat(arguments)).redirectInput(ProcessBuilder.Redirect.from(TTY))
                .redirectError(ProcessBuilder.Redirect.PIPE);
        Process process = builder.start();
        try {
            byte[] out = process.getInputStream().readAllBytes();
            byte[] err = process.getErrorStream().readAllBytes();
            if (process.waitFor() != 0) {
                throw new IOException("stty " + String.join(" ", arguments) + " failed: "
                        + new String(err, StandardCharsets.UTF_8).strip());
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running stty", e);
        }
    }

    private static List<String> concat(String[] arguments) {
        List<String> command = new java.util.ArrayList<>();
        command.add("stty");
        command.addAll(List.of(arguments));
        return command;
    }
}
