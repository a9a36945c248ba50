package dev.stevedore.engine;

/**
 * How to pull: for which platform and who hears of the progress.
 *
 * @param platform the platform to pick from a multi-platform index, or {@code null} for the engine's default
 * @param listener receives progress events
 */
public record PullOptions(Platform platform, PullListener listener) {

    public PullOptions {
        listener = listener == null ? PullListener.NONE : listener;
    }

    /** The engine's default platform, no listener. */
    public static PullOptions defaults() {
        return new PullOptions(null, PullListener.NONE);
    }

    public PullOptions withPlatform(Platform newPlatform) {
        return new PullOptions(newPlatform, listener);
    }

    public PullOptions withListener(PullListener newListener) {
        return new PullOptions(platform, newListener);
    }
}
