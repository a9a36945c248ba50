package dev.stevedore.engine;

/**
 * How an exec ended.
 *
 * @param exitCode its exit code (128 + signal when killed; 137 after a timeout)
 * @param stdout   what it wrote to standard output, as UTF-8
 * @param stderr   what it wrote to standard error, as UTF-8
 * @param timedOut whether it was killed because its timeout ran out
 */
public record ExecResult(int exitCode, String stdout, String stderr, boolean timedOut) {
    public boolean succeeded() {
        return exitCode == 0 && !timedOut;
    }
}
