package dev.stevedore.engine;

/**
 * Receives the progress of an image build: each step as it starts, whether it came from the cache, the output of
 * {@code RUN} steps line by line, and the image at the end. Called on the building thread; must not throw.
 */
@FunctionalInterface
public interface BuildListener {
    /** A listener that ignores every event. */
    BuildListener NONE = event -> { };

    void onEvent(BuildEvent event);
}
