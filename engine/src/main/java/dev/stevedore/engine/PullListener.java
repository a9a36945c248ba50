package dev.stevedore.engine;

/**
 * Receives the progress of a pull. Called from the threads that download, so implementations must be
 * thread-safe and quick; they must not throw.
 */
@FunctionalInterface
public interface PullListener {
    /** A listener that ignores every event. */
    PullListener NONE = event -> { };

    void onProgress(PullProgress event);
}
