package dev.stevedore.engine;

/**
 * An image could not be removed as asked, by docker's rules: another image was made from it (even when forced), a
 * container was made from it (a running one even when forced), or it is tagged in more than one repository and the removal was not forced. The message is dockerd's
 * ({@code conflict: unable to delete ...}) with what to do.
 */
public final class ImageConflictException extends ContainerEngineException {
    private static final long serialVersionUID = 1L;
    private final String imageId;
    private final boolean forceable;

    public ImageConflictException(String message, String imageId, boolean forceable) {
        super(message);
        this.imageId = imageId;
        this.forceable = forceable;
    }

    /** The id of the image that stays ({@code sha256:...}). */
    public String imageId() {
        return imageId;
    }

    /** Whether the removal would go through when forced (a stopped container's image, many repositories). */
    public boolean forceable() {
        return forceable;
    }
}
