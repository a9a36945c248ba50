package dev.stevedore.engine;

/**
 * What a registry said to credentials checked by {@link ContainerEngine#login}, in the shape of dockerd's
 * {@code POST /auth} answer.
 *
 * @param status        {@code "Login Succeeded"}, as dockerd says it
 * @param identityToken a token to store instead of the password when the registry issued one; {@code null} otherwise
 */
public record RegistryLoginResult(String status, String identityToken) {
    /** dockerd's status for accepted credentials. */
    public static final String SUCCEEDED = "Login Succeeded";

    @Override
    public String toString() {
        return "RegistryLoginResult[" + status + (identityToken != null ? ", with an identity token" : "") + "]";
    }
}
