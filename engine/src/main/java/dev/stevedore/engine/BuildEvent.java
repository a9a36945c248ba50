package dev.stevedore.engine;

/**
 * One event of an image build.
 *
 * <p>{@link #line()} is the line dockerd's classic builder prints for it, so a listener that prints every event's line
 * prints what {@code DOCKER_BUILDKIT=0 docker build} prints, which scripts read.
 *
 * @param kind  what happened
 * @param step  the step's number (1-based) among the steps built, {@code 0} for events of the whole build
 * @param steps how many steps the build has ({@code 0} when the backend does not say)
 * @param text  {@link Kind#STEP}: the instruction; {@link Kind#OUTPUT}: one line a step printed;
 *              {@link Kind#CACHED}: nothing (the step's image follows as {@link Kind#RESULT});
 *              {@link Kind#RUNNING}, {@link Kind#REMOVED}: the step's container's id; {@link Kind#RESULT}: the id of
 *              the step's image ({@code ""} for {@code FROM scratch}); {@link Kind#BUILT}: the image id;
 *              {@link Kind#TAGGED}: the reference
 */
public record BuildEvent(Kind kind, int step, int steps, String text) {

    /** What a {@link BuildEvent} reports. */
    public enum Kind {
        /** A step starts. */
        STEP,
        /** The step's result came from the cache; it did not run. */
        CACHED,
        /** The step's command runs in a container (a {@code RUN}). */
        RUNNING,
        /** A line of output of a step (a {@code RUN}'s stdout or stderr, or a message of the builder). */
        OUTPUT,
        /** The step's container was removed. */
        REMOVED,
        /** The step is done: its image. */
        RESULT,
        /** The build produced its image. */
        BUILT,
        /** The image was tagged. */
        TAGGED
    }

    /** The line dockerd's classic builder prints for this event, without its line feed; ids shortened as it does. */
    public String line() {
        return switch (kind) {
            case STEP -> "Step " + step + (steps > 0 ? "/" + steps : "") + " : " + text;
            case CACHED -> " ---> Using cache";
            case RUNNING -> " ---> Running in " + shortId(text);
            case OUTPUT -> text;
            case REMOVED -> "Removing intermediate container " + shortId(text);
            case RESULT -> " ---> " + shortId(text);
            case BUILT -> "Successfully built " + shortId(text);
            case TAGGED -> "Successfully tagged " + text;
        };
    }

    /** An id as dockerd prints it: 12 hexadecimal digits, without {@code sha256:}. */
    private static String shortId(String id) {
        String hex = id.startsWith("sha256:") ? id.substring(7) : id;
        return hex.length() > 12 ? hex.substring(0, 12) : hex;
    }

    @Override
    public String toString() {
        return line();
    }
}
