package dev.stevedore.engine.internal.docker;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stevedore.engine.ImageReference;
import dev.stevedore.engine.internal.registry.DockerCredentials;
import dev.stevedore.engine.internal.registry.RegistryCredential;

import java.io.IOException;
import java.util.Base64;
import java.util.Optional;

/**
 * The {@code X-Registry-Auth} header for a pull: the user's credentials for the image's registry, found
 * as the embedded engine finds them ({@link DockerCredentials}: {@code config.json}, credential helpers),
 * as base64url JSON the daemon hands to the registry. The daemon never sees {@code config.json} itself,
 * so without this header a daemon pulls anonymously.
 */
final class RegistryAuthHeader {
    static final String NAME = "X-Registry-Auth";

    private RegistryAuthHeader() {
    }

    /** The header value for pulling {@code reference}, or empty when the user has no credentials for its registry. */
    static Optional<String> forImage(DockerCredentials credentials, ImageReference reference) {
        return credentials.lookup(reference.registry()).map(c -> encode(c, serverAddress(reference)));
    }

    static String encode(RegistryCredential credential, String serverAddress) {
        ObjectNode json = DockerApi.MAPPER.createObjectNode();
        switch (credential.kind()) {
            case PASSWORD -> json.put("username", credential.username()).put("password", credential.password());
            case IDENTITY_TOKEN -> {
                if (credential.username() != null) {
                    json.put("username", credential.username());
                }
                json.put("identitytoken", credential.identityToken());
            }
            case REGISTRY_TOKEN -> json.put("registrytoken", credential.registryToken());
        }
        json.put("serveraddress", serverAddress);
        try {
            return Base64.getUrlEncoder().encodeToString(DockerApi.MAPPER.writeValueAsBytes(json));
        } catch (IOException e) {
            throw new IllegalStateException("a JSON object of strings always serialises", e);
        }
    }

    private static String serverAddress(ImageReference reference) {
        return reference.registry().equals(ImageReference.DOCKER_HUB) ? DockerCredentials.DOCKER_HUB_SERVER : reference.registry();
    }
}
