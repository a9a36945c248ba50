package dev.stevedore.engine;

/** The registry wants credentials Stevedore does not have, or refused the ones it sent (401/403). */
public final class RegistryAuthenticationException extends RegistryException {
    private static final long serialVersionUID = 1L;

    public RegistryAuthenticationException(String message, String registry, ImageReference reference, int status) {
        super(message, registry, reference, status);
    }
}
