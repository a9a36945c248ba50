package dev.stevedore.engine;

import java.util.stream.Stream;

/**
 * A container's log lines, as a stream that ends when the history is read (or, when following, when the
 * container exits). Close it to stop following early; closing frees what the engine holds for it.
 */
public interface ContainerLogs extends AutoCloseable {

    /** The lines; a follow stream blocks between lines. Can be consumed once. */
    Stream<LogLine> lines();

    @Override
    void close();
}
