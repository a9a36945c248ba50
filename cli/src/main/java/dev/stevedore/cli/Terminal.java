package dev.stevedore.cli;

import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * What the command's standard output is attached to: an interactive terminal (redraw progress in place
 * with ANSI cursor movement) or a pipe, file or CI log (write plain lines that never repeat, with no escape code).
 *
 * @param interactive whether output goes to a terminal that understands ANSI cursor movement
 * @param columns     the terminal's width in characters; lines longer than this would wrap and spoil redraws
 * @param noColor     whether the user asked for no colour ({@code NO_COLOR}, see no-color.org): even a terminal
 *                    then gets no colour codes, only the cursor movement progress needs
 */
record Terminal(boolean interactive, int columns, boolean noColor) {
    static final int DEFAULT_COLUMNS = 80;

    Terminal {
        if (columns < 20) {
            columns = DEFAULT_COLUMNS;
        }
    }

    /** An interactive terminal or not, colours allowed on it. */
    Terminal(boolean interactive, int columns) {
        this(interactive, columns, false);
    }

    /** A pipe or file: plain lines. */
    static Terminal plain() {
        return new Terminal(false, DEFAULT_COLUMNS);
    }

    /** The terminal this JVM runs in, judged by {@code System.console()}, {@code TERM}, {@code COLUMNS} and {@code NO_COLOR}. */
    static Terminal detect() {
        return detect(System::getenv, consoleIsTerminal());
    }

    /** The terminal that {@code environment} and whether the console is a terminal describe. */
    static Terminal detect(UnaryOperator<String> environment, boolean consoleIsTerminal) {
        String term = environment.apply("TERM");
        boolean interactive = consoleIsTerminal && term != null && !term.isBlank() && !term.equals("dumb");
        // no-color.org: set and not empty, whatever its value
        String noColor = environment.apply("NO_COLOR");
        return new Terminal(interactive, columns(environment.apply("COLUMNS")), noColor != null && !noColor.isEmpty());
    }

    /** Whether colour codes may be written: on a terminal, unless {@code NO_COLOR} says otherwise. */
    boolean color() {
        return interactive && !noColor;
    }

    /**
     * This terminal as {@code --progress MODE} asks, as {@code docker build --progress} takes it: {@code auto} (or
     * none) as detected, {@code plain} plain lines even on a terminal, {@code tty} redrawn progress even into a
     * pipe (a terminal emulator that reads it, {@code script} or a CI that renders ANSI).
     *
     * @throws IllegalArgumentException naming the modes, for any other value
     */
    Terminal withProgress(String mode) {
        if (mode == null) {
            return this;
        }
        return switch (mode.strip().toLowerCase(Locale.ROOT)) {
            case "auto" -> this;
            case "plain" -> new Terminal(false, columns, noColor);
            case "tty" -> new Terminal(true, columns, noColor);
            default -> throw new IllegalArgumentException("--progress is \"" + mode + "\"; use auto, plain or tty");
        };
    }

    /**
     * Up to Java 21 a console exists only when standard input and output are terminals; from Java 22 one may
     * exist for redirected output too, and {@code Console.isTerminal()} (absent before 22) tells them apart.
     */
    private static boolean consoleIsTerminal() {
        java.io.Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }

    private static int columns(String value) {
        if (value == null) {
            return DEFAULT_COLUMNS;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            return DEFAULT_COLUMNS;
        }
    }
}
