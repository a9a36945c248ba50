package dev.stevedore.engine;

import java.util.List;

/**
 * A container could not be started: its process could not be executed or its set-up failed. Carries the
 * container and the last lines it logged.
 */
public final class ContainerStartException extends ContainerEngineException {
    private static final long serialVersionUID = 1L;
    private final String containerId;
    private final List<String> lastLogLines;

    public ContainerStartException(String message, String containerId, List<String> lastLogLines, Throwable cause) {
        super(message, cause);
        this.containerId = containerId;
        this.lastLogLines = List.copyOf(lastLogLines);
    }

    /** The container that failed, or {@code null} when it was never created. */
    public String containerId() {
        return containerId;
    }

    /** The last lines the container logged before it failed; empty when it logged nothing. */
    public List<String> lastLogLines() {
        return lastLogLines;
    }
}
