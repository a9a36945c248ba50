package dev.stevedore.engine;

/** An image reference that does not follow Docker's grammar, with the offending input and why. */
public final class InvalidImageReferenceException extends ContainerEngineException {
    private static final long serialVersionUID = 1L;
    private final String input;

    public InvalidImageReferenceException(String input, String reason) {
        super("invalid image reference \"" + input + "\": " + reason);
        this.input = input;
    }

    /** The text that failed to parse. */
    public String input() {
        return input;
    }
}
