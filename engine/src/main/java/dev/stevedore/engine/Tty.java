package dev.stevedore.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The terminal an exec runs on ({@link ExecSpec#tty()}, {@code docker exec -t}): its window size now, and changes to
 * it while the command runs ({@link #resize}), which the engine passes on to the command's terminal (its foreground
 * program gets SIGWINCH). Thread-safe; one {@code Tty} serves one exec at a time.
 */
public final class Tty {
    /** What an engine does when the size changes: passes it on to the running command's terminal. */
    @FunctionalInterface
    public interface Listener {
        void resized(int rows, int columns);
    }

    private final List<Listener> listeners = new ArrayList<>();
    private int rows;
    private int columns;

    private Tty(int rows, int columns) {
        check(rows, columns);
        this.rows = rows;
        this.columns = columns;
    }

    /** A terminal of {@code rows} lines of {@code columns} characters (1 to 65535 each). */
    public static Tty of(int rows, int columns) {
        return new Tty(rows, columns);
    }

    /** The window size as docker uses when the client says none: 24 lines of 80 characters. */
    public static Tty standard() {
        return new Tty(24, 80);
    }

    public synchronized int rows() {
        return rows;
    }

    public synchronized int columns() {
        return columns;
    }

    /** Changes the window size; a running exec's terminal follows. */
    public void resize(int rows, int columns) {
        check(rows, columns);
        List<Listener> now;
        synchronized (this) {
            this.rows = rows;
            this.columns = columns;
            now = List.copyOf(listeners);
        }
        now.forEach(listener -> listener.resized(rows, columns));
    }

    /**
     * For engines: calls {@code listener} on every later {@link #resize} until the returned handle is run.
     */
    public synchronized Runnable watch(Listener listener) {
        Objects.requireNonNull(listener, "listener");
        listeners.add(listener);
        return () -> {
            synchronized (this) {
                listeners.remove(listener);
            }
        };
    }

    private static void check(int rows, int columns) {
        if (rows < 1 || rows > 65535 || columns < 1 || columns > 65535) {
            throw new IllegalArgumentException("a terminal's size is 1 to 65535 rows and columns, not " + rows + "x" + columns);
        }
    }

    @Override
    public synchronized String toString() {
        return "Tty[" + rows + "x" + columns + "]";
    }
}
