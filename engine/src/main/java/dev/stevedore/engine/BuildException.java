package dev.stevedore.engine;

import java.util.List;

/**
 * An image build failed: the Dockerfile is wrong (the message names its file, line and instruction), a source
 * is missing or outside the context, or a {@code RUN} step exited with a non-zero code. A failed build tags nothing.
 */
public class BuildException extends ContainerEngineException {
    private static final long serialVersionUID = 1L;
    private final String step;
    private final int exitCode;
    private final List<String> output;

    public BuildException(String message, String step, int exitCode, List<String> output) {
        super(message);
        this.step = step;
        this.exitCode = exitCode;
        this.output = List.copyOf(output);
    }

    public BuildException(String message, Throwable cause) {
        super(message, cause);
        this.step = null;
        this.exitCode = -1;
        this.output = List.of();
    }

    /** The step that failed ({@code RUN make}), or {@code null} when the build failed before any step. */
    public String step() {
        return step;
    }

    /** The exit code of the failed {@code RUN}; {@code -1} when no command failed. */
    public int exitCode() {
        return exitCode;
    }

    /** The last lines the failed {@code RUN} printed; empty when none. */
    public List<String> output() {
        return output;
    }
}
