package dev.stevedore.engine;

/**
 * Receives the progress of a push. Called from the threads that upload, so implementations must be
 * thread-safe and quick; they must not throw.
 */
@FunctionalInterface
public interface PushListener {
    /** A listener that ignores every event. */
    PushListener NONE = event -> { };

    void onProgress(PushProgress event);
}
