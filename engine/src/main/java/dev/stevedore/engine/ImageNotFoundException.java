package dev.stevedore.engine;

/** The registry (or the local store) has no image by that reference, or none for the wanted platform. */
public final class ImageNotFoundException extends RegistryException {
    private static final long serialVersionUID = 1L;

    public ImageNotFoundException(String message, String registry, ImageReference reference, int status) {
        super(message, registry, reference, status);
    }
}
