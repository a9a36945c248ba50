package dev.stevedore.engine;

/**
 * Content did not match the digest or size that named it: nothing of it was stored.
 */
public final class ContentVerificationException extends ContainerEngineException {
    private static final long serialVersionUID = 1L;
    private final String expectedDigest;
    private final String actualDigest;

    public ContentVerificationException(String message, String expectedDigest, String actualDigest) {
        super(message);
        this.expectedDigest = expectedDigest;
        this.actualDigest = actualDigest;
    }

    /** The digest the content was supposed to have. */
    public String expectedDigest() {
        return expectedDigest;
    }

    /** The digest the content actually had, or {@code null} when it failed on size before hashing ended. */
    public String actualDigest() {
        return actualDigest;
    }
}
