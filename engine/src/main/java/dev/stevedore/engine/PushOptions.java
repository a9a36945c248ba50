package dev.stevedore.engine;

/**
 * How to push: who hears of the progress.
 *
 * @param listener receives progress events; never {@code null} ({@link PushListener#NONE} when none is given)
 */
public record PushOptions(PushListener listener) {

    public PushOptions {
        listener = listener == null ? PushListener.NONE : listener;
    }

    /** No listener. */
    public static PushOptions defaults() {
        return new PushOptions(PushListener.NONE);
    }

    public PushOptions withListener(PushListener newListener) {
        return new PushOptions(newListener);
    }
}
