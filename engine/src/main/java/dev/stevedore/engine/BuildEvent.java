package dev.stevedore.engine;

/**
 * One event of an image build.
 *
 * @param kind  what happened
 * @param step  the step's number (1-based) among the steps built, {@code 0} for events of the whole build
 * @param steps how many steps the build has ({@code 0} when the backend does not say)
 * @param text  {@link Kind#STEP}: the instruction; {@link Kind#OUTPUT}: one line a step printed;
 *              {@link Kind#CACHED}: the image id of the step's result; {@link Kind#BUILT}: the image id;
 *              {@link Kind#TAGGED}: the reference
 */
public record BuildEvent(Kind kind, int step, int steps, String text) {

    /** What a {@link BuildEvent} reports. */
    public enum Kind {
        /** A step starts. */
        STEP,
        /** The step's result came from the cache; it did not run. */
        CACHED,
        /** A line of output of a step (a {@code RUN}'s stdout or stderr, or a message of the builder). */
        OUTPUT,
        /** The build produced its image. */
        BUILT,
        /** The image was tagged. */
        TAGGED
    }

    @Override
    public String toString() {
        return switch (kind) {
            case STEP -> "Step " + step + (steps > 0 ? "/" + steps : "") + " : " + text;
            case CACHED -> " ---> Using cache " + text;
            case OUTPUT -> text;
            case BUILT -> "Successfully built " + text;
            case TAGGED -> "Successfully tagged " + text;
        };
    }
}
