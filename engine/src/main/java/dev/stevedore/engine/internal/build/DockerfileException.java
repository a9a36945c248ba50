package dev.stevedore.engine.internal.build;

import dev.stevedore.engine.BuildException;

/** A Dockerfile that cannot be parsed or built as written; the message names the file, line and instruction. */
public final class DockerfileException extends BuildException {
    private static final long serialVersionUID = 1L;

    public DockerfileException(String file, int line, String instruction, String problem) {
        super(file + " line " + line + (instruction == null || instruction.isEmpty() ? "" : " (" + abbreviate(instruction) + ")")
                + ": " + problem, null, -1, java.util.List.of());
    }

    private static String abbreviate(String text) {
        String oneLine = text.strip().replace('\n', ' ');
        return oneLine.length() <= 80 ? oneLine : oneLine.substring(0, 77) + "...";
    }
}
