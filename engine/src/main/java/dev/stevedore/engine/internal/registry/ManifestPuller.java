package dev.stevedore.engine.internal.registry;

import dev.stevedore.engine.RegistryException;
import dev.stevedore.engine.internal.image.ManifestDocument;
import dev.stevedore.engine.internal.image.MediaTypes;
import dev.stevedore.engine.internal.store.ContentStore;
import dev.stevedore.engine.internal.store.Digest;
import okhttp3.HttpUrl;
import okhttp3.Response;
import okhttp3.ResponseBody;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/**
 * Fetches manifests and indexes from a registry, verified: a tag is resolved with {@code HEAD} to its
 * digest and the document then fetched by digest (or, when the registry names no digest, fetched by
 * tag and hashed here); every body is checked against the digest that named it, and never read past
 * {@link ManifestDocument#MAX_SIZE}.
 */
final class ManifestPuller {
    private static final Map<String, String> ACCEPT = Map.of("Accept", String.join(", ", MediaTypes.MANIFEST_ACCEPT));

    private final RegistryCall call;

    ManifestPuller(RegistryCall call) {
        this.call = call;
    }

    /** A manifest or index as served: verified bytes, the type it was served as and its digest. */
    record Fetched(byte[] body, String contentType, Digest digest) {
    }

    /**
     * The document a tag points to. {@code known} (may be {@code null}) is a store already holding
     * verified manifests: when the tag's digest is there, the document is not downloaded again.
     */
    Fetched byTag(String tag, ContentStore known) {
        HttpUrl url = call.url("manifests", tag);
        try (Response head = call.executeWithRetries("HEAD", url, ACCEPT)) {
            if (head.code() == 404) {
                throw call.notFound("manifest for tag \"" + tag + "\" of " + call.reference().repository(), head);
            }
            String digestHeader = head.header("Docker-Content-Digest");
            if (head.isSuccessful() && digestHeader != null && isSha256(digestHeader)) {
                return byDigest(Digest.parse(digestHeader), -1, head.header("Content-Type"), known);
            }
            // some registries answer HEAD with 405 or without a digest: fall back to GET and hash it here
        }
        return get(url, "manifest for tag \"" + tag + "\" of " + call.reference().repository());
    }

    /**
     * The document with {@code digest}; {@code expectedSize} is checked when not negative.
     * {@code knownContentType} stands in for the Content-Type when the document comes from {@code known}.
     */
    Fetched byDigest(Digest digest, long expectedSize, String knownContentType, ContentStore known) {
        if (known != null && known.hasBlob(digest)) {
            try {
                byte[] body = known.readBlob(digest);
                if (expectedSize < 0 || body.length == expectedSize) {
                    return new Fetched(body, knownContentType, digest);
                }
            } catch (IOException e) {
                // unreadable locally: fetch it again
            }
        }
        HttpUrl url = call.url("manifests", digest.toString());
        Fetched fetched = get(url, "manifest " + digest + " in " + call.reference().repository());
        if (!fetched.digest().equals(digest)) {
            throw new RegistryException(call.failed("manifest " + digest + " arrived with content that hashes to "
                    + fetched.digest() + "; refusing it"), call.registry(), call.reference(), 200);
        }
        if (expectedSize >= 0 && fetched.body().length != expectedSize) {
            throw new RegistryException(call.failed("manifest " + digest + " has " + fetched.body().length
                    + " bytes, but the index says " + expectedSize), call.registry(), call.reference(), 200);
        }
        return fetched;
    }

    /** GETs a document and hashes it here; a {@code Docker-Content-Digest} that disagrees is refused. */
    private Fetched get(HttpUrl url, String what) {
        try (Response get = call.executeWithRetries("GET", url, ACCEPT)) {
            if (get.code() == 404) {
                throw call.notFound(what, get);
            }
            if (!get.isSuccessful()) {
                throw call.unexpected("fetching " + what, get);
            }
            byte[] body = readCapped(get, url);
            Digest actual = Digest.of(body);
            String claimed = get.header("Docker-Content-Digest");
            if (claimed != null && isSha256(claimed) && !claimed.equals(actual.toString())) {
                throw new RegistryException(call.failed(what + " hashes to " + actual + " but the registry says it is "
                        + claimed + "; refusing it"), call.registry(), call.reference(), get.code());
            }
            return new Fetched(body, get.header("Content-Type"), actual);
        }
    }

    private byte[] readCapped(Response response, HttpUrl url) {
        ResponseBody body = response.body();
        if (body == null) {
            return new byte[0];
        }
        if (body.contentLength() > ManifestDocument.MAX_SIZE) {
            throw tooLarge(body.contentLength(), response.code());
        }
        try (InputStream in = body.byteStream()) {
            byte[] bytes = in.readNBytes(ManifestDocument.MAX_SIZE + 1);
            if (bytes.length > ManifestDocument.MAX_SIZE) {
                throw tooLarge(-1, response.code());
            }
            return bytes;
        } catch (IOException e) {
            throw call.unreachable(e, url);
        }
    }

    private RegistryException tooLarge(long length, int status) {
        return new RegistryException(call.failed("the manifest is " + (length >= 0 ? length + " bytes, " : "")
                + "larger than the " + ManifestDocument.MAX_SIZE + " bytes accepted"), call.registry(), call.reference(), status);
    }

    private static boolean isSha256(String digest) {
        try {
            Digest.parse(digest);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
