package dev.stevedore.cli;

/**
 * What the command's standard output is attached to: an interactive terminal (redraw progress in place
 * with ANSI cursor movement) or a pipe, file or CI log (write plain lines that never repeat).
 *
 * @param interactive whether output goes to a terminal that understands ANSI cursor movement
 * @param columns     the terminal's width in characters; lines longer than this would wrap and spoil redraws
 */
record Terminal(boolean interactive, int columns) {
    static final int DEFAULT_COLUMNS = 80;

    Terminal {
        if (columns < 20) {
            columns = DEFAULT_COLUMNS;
        }
    }

    /** A pipe or file: plain lines. */
    static Terminal plain() {
        return new Terminal(false, DEFAULT_COLUMNS);
    }

    /** The terminal this JVM runs in, judged by {@code System.console()}, {@code TERM} and {@code COLUMNS}. */
    static Terminal detect() {
        String term = System.getenv("TERM");
        boolean interactive = consoleIsTerminal() && term != null && !term.isBlank() && !term.equals("dumb");
        return new Terminal(interactive, columns(System.getenv("COLUMNS")));
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
