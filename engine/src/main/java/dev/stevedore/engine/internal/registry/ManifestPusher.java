package dev.stevedore.engine.internal.registry;

import dev.stevedore.engine.RegistryException;
import dev.stevedore.engine.internal.store.Digest;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.RequestBody;
import okhttp3.Response;

import java.io.IOException;
import java.util.Map;

/**
 * Stores a manifest in a repository under a tag or its digest ({@code PUT /v2/<repository>/manifests/<ref>}),
 * byte for byte as the local store holds it, so its digest stays the one the image is known by; the digest the
 * registry reports back is checked. Registries refuse a manifest whose blobs they lack, which is why it goes last.
 */
final class ManifestPusher {
    private final RegistryCall call;

    ManifestPusher(RegistryCall call) {
        this.call = call;
    }

    /** Puts {@code body} (of {@code mediaType}) under {@code tagOrDigest}; returns its digest. */
    Digest put(String tagOrDigest, byte[] body, String mediaType) {
        Digest digest = Digest.of(body);
        HttpUrl url = call.url("manifests", tagOrDigest);
        RequestBody request = RequestBody.create(body, MediaType.get(mediaType));
        for (int attempt = 1; ; attempt++) {
            try (Response response = call.execute("PUT", url, Map.of(), request)) {
                if (response.code() == 201 || response.code() == 200 || response.code() == 204) {
                    String stored = response.header("Docker-Content-Digest");
                    if (stored != null && !stored.equals(digest.toString())) {
                        throw new RegistryException(call.failed("the registry stored manifest " + digest + " as " + stored),
                                call.registry(), call.reference(), response.code());
                    }
                    return digest;
                }
                if (!RetryPolicy.retryable(response.code()) || call.retryPolicy().delayBefore(attempt + 1, null) == null) {
                    throw call.unexpected("storing manifest " + digest + " as " + tagOrDigest, response);
                }
            } catch (IOException e) {
                if (!RetryPolicy.retryable(e) || call.retryPolicy().delayBefore(attempt + 1, null) == null) {
                    throw call.unreachable(e, url);
                }
            }
            call.pause(call.retryPolicy().delayBefore(attempt + 1, null));
        }
    }
}
