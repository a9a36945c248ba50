package dev.stevedore.dsl;

import dev.stevedore.engine.ContainerEngineException;
import java.util.List;
import java.util.OptionalInt;
import org.jspecify.annotations.Nullable;

/**
 * A container started but did not become ready: its wait strategy timed out, it exited while being waited
 * for, or a step of its start failed. The container is removed by then; its last log lines are kept here and
 * in the message, so what it said before it went is never lost.
 */
public final class ContainerNotReadyException extends ContainerEngineException {
    private static final long serialVersionUID = 1L;
    /** How many log lines the message shows. */
    public static final int LOG_LINES = 50;

    private final String container;
    private final String image;
    private final String awaited;
    private final List<String> lastLogLines;
    private final @Nullable Integer exitCode;

    public ContainerNotReadyException(String container, String image, String problem, String awaited,
                                      List<String> lastLogLines, @Nullable Integer exitCode, @Nullable Throwable cause) {
        super(message(container, image, problem, awaited, lastLogLines), cause);
        this.container = container;
        this.image = image;
        this.awaited = awaited;
        this.lastLogLines = List.copyOf(lastLogLines);
        this.exitCode = exitCode;
    }

    /** The container's DSL name. */
    public String container() {
        return container;
    }

    /** Its image, as the engine was asked for it. */
    public String image() {
        return image;
    }

    /** What was waited for, as the wait strategy describes it; empty when the start failed before waiting. */
    public String awaited() {
        return awaited;
    }

    /** The last lines it logged (at most {@value #LOG_LINES}). */
    public List<String> lastLogLines() {
        return lastLogLines;
    }

    /** Its exit code when it exited while being waited for. */
    public OptionalInt exitCode() {
        return exitCode == null ? OptionalInt.empty() : OptionalInt.of(exitCode);
    }

    private static String message(String container, String image, String problem, String awaited, List<String> lines) {
        StringBuilder m = new StringBuilder();
        m.append("container \"").append(container).append("\" (").append(image).append(") ").append(problem);
        if (awaited != null && !awaited.isEmpty()) {
            m.append("\n  waited for: ").append(awaited);
        }
        if (lines.isEmpty()) {
            m.append("\n  it logged nothing");
        } else {
            m.append("\n  its last ").append(lines.size()).append(lines.size() == 1 ? " log line:" : " log lines:");
            for (String line : lines) {
                m.append("\n  | ").append(line);
            }
        }
        return m.toString();
    }
}
