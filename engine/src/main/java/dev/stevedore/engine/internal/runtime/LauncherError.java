package dev.stevedore.engine.internal.runtime;

/**
 * What the launcher reported when a container could not be set up or its command not executed: the
 * step, the errno and the path involved. The cause of the public
 * {@link dev.stevedore.engine.ContainerStartException}, for callers that act on the details (an exec
 * failure becomes Docker's exit code 126 or 127).
 */
public final class LauncherError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String step;
    private final int errno;
    private final String path;

    public LauncherError(String step, int errno, String path) {
        super("launcher step \"" + step + "\" failed" + (errno != 0 ? " with errno " + errno : "")
                + (path.isEmpty() ? "" : " on " + path), null, false, false);
        this.step = step;
        this.errno = errno;
        this.path = path;
    }

    /** What the launcher was doing, e.g. {@code "exec"}, {@code "exec-lookup"} or {@code "mount the tmpfs"}. */
    public String step() {
        return step;
    }

    /** The errno the step failed with, 0 when none applies. */
    public int errno() {
        return errno;
    }

    /** The path the step worked on, possibly empty. */
    public String path() {
        return path;
    }

    /** Whether the command itself could not be executed (rather than the container set up). */
    public boolean execFailed() {
        return step.equals("exec") || step.equals("exec-lookup");
    }

    /** Docker's exit code for this failure: 127 command not found, 126 not executable, 125 set-up failed. */
    public int dockerExitCode() {
        if (step.equals("exec-lookup") || (step.equals("exec") && errno == 2)) {
            return 127;
        }
        return step.equals("exec") ? 126 : 125;
    }
}
