package dev.stevedore.engine.internal.registry;

import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.ContentVerificationException;
import dev.stevedore.engine.RegistryException;
import dev.stevedore.engine.internal.image.Descriptor;
import dev.stevedore.engine.internal.image.MediaTypes;
import dev.stevedore.engine.internal.store.ContentStore;
import okhttp3.HttpUrl;
import okhttp3.Response;
import okhttp3.ResponseBody;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.function.LongConsumer;

/**
 * Downloads one blob into the content store, which hashes it on the way in and keeps it only when
 * digest and size match. Broken connections, 429 and 5xx answers are retried by the retry policy; a
 * blob that arrives with the wrong content is tried once more (a flaky proxy), then reported.
 *
 * <p>Only the registry is asked, by digest: a descriptor's foreign {@code urls} are never fetched
 * (CVE-2020-15157).
 */
final class BlobPuller {
    private static final int BUFFER = 64 * 1024;

    private final RegistryCall call;
    private final Clock clock;

    BlobPuller(RegistryCall call, Clock clock) {
        this.call = call;
        this.clock = clock;
    }

    /** A failed attempt worth another: {@code retryAfter} as the registry asked, or {@code null}. */
    private static final class RetryableFailure extends IOException {
        private static final long serialVersionUID = 1L;
        final transient Duration retryAfter;
        final int status;

        RetryableFailure(String message, int status, Duration retryAfter, Throwable cause) {
            super(message, cause);
            this.status = status;
            this.retryAfter = retryAfter;
        }
    }

    void pull(Descriptor blob, ContentStore store, LongConsumer bytesSoFar) {
        HttpUrl url = call.url("blobs", blob.digest().toString());
        boolean verificationRetried = false;
        for (int attempt = 1; ; attempt++) {
            try {
                store.ingest(blob.digest(), blob.size(), out -> download(blob, url, out, bytesSoFar));
                return;
            } catch (ContentVerificationException e) {
                if (verificationRetried) {
                    throw new ContentVerificationException(call.failed("blob " + blob.digest() + " arrived corrupted twice ("
                            + RegistryTransport.shown(url) + "): " + e.getMessage()), e.expectedDigest(), e.actualDigest());
                }
                verificationRetried = true;
            } catch (RetryableFailure e) {
                Duration wait = call.retryPolicy().delayBefore(attempt + 1, e.retryAfter);
                if (wait == null) {
                    throw new RegistryException(call.failed("blob " + blob.digest() + ": " + e.getMessage()
                            + " (gave up after " + attempt + " attempts)"), call.registry(), call.reference(), e.status, e);
                }
                call.pause(wait);
            } catch (IOException e) {
                throw new ContainerEngineException(call.failed("cannot store blob " + blob.digest() + " in "
                        + store.root() + ": " + e.getMessage()), e);
            }
        }
    }

    private void download(Descriptor blob, HttpUrl url, OutputStream out, LongConsumer bytesSoFar) throws IOException {
        Response response;
        try {
            // identity: a transparently decompressed body would no longer match the blob's digest
            response = call.execute("GET", url, Map.of("Accept-Encoding", "identity"));
        } catch (IOException e) {
            if (RetryPolicy.retryable(e)) {
                throw new RetryableFailure(call.unreachable(e, url).getMessage(), 0, null, e);
            }
            throw call.unreachable(e, url);
        }
        try (response) {
            if (RetryPolicy.retryable(response.code())) {
                throw new RetryableFailure("the registry answered " + RegistryErrors.describe(response), response.code(),
                        RetryPolicy.parseRetryAfter(response.header("Retry-After"), clock.instant()), null);
            }
            if (response.code() == 404) {
                String foreign = blob.urls().isEmpty() && !MediaTypes.DOCKER_FOREIGN_LAYER_GZIP.equals(blob.mediaType()) ? ""
                        : " (it is a foreign layer; its URLs are never fetched, so the registry must hold it)";
                throw call.notFound("blob " + blob.digest() + foreign, response);
            }
            if (response.code() != 200) {
                throw call.unexpected("fetching blob " + blob.digest(), response);
            }
            ResponseBody body = response.body();
            if (body == null) {
                throw new RetryableFailure("the registry answered without a body", response.code(), null, null);
            }
            copy(body.byteStream(), out, url, bytesSoFar);
        }
    }

    private void copy(InputStream in, OutputStream out, HttpUrl url, LongConsumer bytesSoFar) throws IOException {
        byte[] buffer = new byte[BUFFER];
        long total = 0;
        bytesSoFar.accept(0);
        while (true) {
            int n;
            try {
                n = in.read(buffer);
            } catch (IOException e) {
                // only failures reading the network are retried; failures writing the store are not
                throw new RetryableFailure(call.unreachable(e, url).getMessage() + " after " + total + " bytes", 0, null, e);
            }
            if (n < 0) {
                return;
            }
            out.write(buffer, 0, n);
            total += n;
            bytesSoFar.accept(total);
        }
    }
}
