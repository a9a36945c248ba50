package dev.stevedore.engine.internal.registry;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * What a user gave Stevedore to log in to one registry: a user name and password, an identity token
 * (an OAuth2 refresh token, as {@code docker login} stores for some registries) or a registry token
 * sent as-is. {@link #toString()} never shows the secret.
 *
 * @param username      the user name; {@code null} for token-only credentials
 * @param password      the password; {@code null} unless {@link Kind#PASSWORD}
 * @param identityToken a refresh token to trade for access tokens; {@code null} unless {@link Kind#IDENTITY_TOKEN}
 * @param registryToken a bearer token for the registry itself; {@code null} unless {@link Kind#REGISTRY_TOKEN}
 * @param source        where it came from, for messages ({@code config.json}, {@code docker-credential-pass})
 */
public record RegistryCredential(String username, String password, String identityToken, String registryToken,
                                 String source) {

    /** Which of the three forms this credential takes. */
    public enum Kind { PASSWORD, IDENTITY_TOKEN, REGISTRY_TOKEN }

    public static RegistryCredential password(String username, String password, String source) {
        return new RegistryCredential(username, password, null, null, source);
    }

    public static RegistryCredential identityToken(String username, String token, String source) {
        return new RegistryCredential(username, null, token, null, source);
    }

    public static RegistryCredential registryToken(String token, String source) {
        return new RegistryCredential(null, null, null, token, source);
    }

    public Kind kind() {
        return registryToken != null ? Kind.REGISTRY_TOKEN : identityToken != null ? Kind.IDENTITY_TOKEN : Kind.PASSWORD;
    }

    /** The {@code Authorization} value for HTTP Basic; only for {@link Kind#PASSWORD}. */
    public String basicAuthorization() {
        String pair = (username == null ? "" : username) + ":" + (password == null ? "" : password);
        return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "RegistryCredential[" + kind() + (username != null ? " for " + username : "") + " from " + source + "]";
    }
}
