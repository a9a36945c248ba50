package dev.stevedore.cli;

/** The {@code stevedore} command. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.err.println("stevedore: not yet assembled");
        System.exit(2);
    }
}
