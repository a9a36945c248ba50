package dev.stevedore.engine.internal.image;

/**
 * A manifest, index, image config or archive that does not follow the OCI or Docker formats, or that
 * this engine refuses on purpose (schema 1, ambiguous documents, artifacts). The message says which
 * rule was broken; callers add which document of which image it was.
 */
public final class ImageFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ImageFormatException(String message) {
        super(message);
    }

    public ImageFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
