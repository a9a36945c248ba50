package dev.stevedore.engine.internal.build;

import java.util.List;

/**
 * A parsed Dockerfile.
 *
 * @param file         its name, for messages
 * @param instructions its instructions in order
 * @param escape       the escape character ({@code \} or {@code `}) its {@code # escape=} directive chose
 */
public record Dockerfile(String file, List<Instruction> instructions, char escape) {
    public Dockerfile {
        instructions = List.copyOf(instructions);
    }
}
