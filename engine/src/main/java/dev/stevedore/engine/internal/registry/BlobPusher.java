package dev.stevedore.engine.internal.registry;

import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.RegistryException;
import dev.stevedore.engine.internal.image.Descriptor;
import dev.stevedore.engine.internal.store.ContentStore;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSink;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.function.LongConsumer;

/**
 * Puts one blob from the content store into a repository, as the distribution spec describes: a {@code HEAD}
 * first (a blob the repository has is not sent again), then a cross-repository mount when another repository of
 * the same registry is known to hold it, else an upload session ({@code POST}) finished by one monolithic
 * {@code PUT ?digest=}. The registry verifies the digest of what it received; a {@code HEAD} afterwards checks it
 * kept the blob with the right size. Broken connections, 429 and 5xx answers start a new session, by the retry
 * policy.
 */
final class BlobPusher {
    private static final MediaType OCTET_STREAM = MediaType.get("application/octet-stream");
    private static final int BUFFER = 64 * 1024;

    private final RegistryCall call;
    private final Clock clock;

    BlobPusher(RegistryCall call, Clock clock) {
        this.call = call;
        this.clock = clock;
    }

    /** How a blob came to be in the repository. */
    enum Outcome {
        /** It was there already. */
        EXISTED,
        /** It was linked from another repository of the registry. */
        MOUNTED,
        /** Its bytes were uploaded. */
        UPLOADED
    }

    /** Whether the repository holds {@code blob} (with its size); {@code false} on 404. */
    boolean exists(Descriptor blob) {
        HttpUrl url = call.url("blobs", blob.digest().toString());
        try (Response head = call.executeWithRetries("HEAD", url, Map.of())) {
            if (head.code() == 404) {
                return false;
            }
            if (!head.isSuccessful()) {
                throw call.unexpected("checking for blob " + blob.digest(), head);
            }
            String length = head.header("Content-Length");
            if (length != null && !length.equals(Long.toString(blob.size()))) {
                throw new RegistryException(call.failed("the registry holds blob " + blob.digest() + " with " + length
                        + " bytes, but the image says " + blob.size()), call.registry(), call.reference(), head.code());
            }
            return true;
        }
    }

    /**
     * Makes sure the repository holds {@code blob}: skipped when it does, mounted from {@code mountFrom} (a
     * repository of the same registry, or {@code null}) when the registry allows it, else uploaded from
     * {@code store}. {@code bytesSoFar} hears the bytes sent (from 0 again when an attempt is retried).
     */
    Outcome push(Descriptor blob, ContentStore store, String mountFrom, LongConsumer bytesSoFar) {
        if (exists(blob)) {
            return Outcome.EXISTED;
        }
        Path file = store.blobPath(blob.digest());
        if (!Files.isRegularFile(file)) {
            throw new ContainerEngineException(call.failed("blob " + blob.digest() + " is not in the local store "
                    + store.root() + " — pull the image again, then push it"));
        }
        for (int attempt = 1; ; attempt++) {
            Duration retryAfter = null;
            int status = 0;
            String problem;
            try {
                HttpUrl location = startUpload(blob, attempt == 1 ? mountFrom : null);
                if (location == null) {
                    return Outcome.MOUNTED;
                }
                HttpUrl put = location.newBuilder().setQueryParameter("digest", blob.digest().toString()).build();
                try (Response response = call.execute("PUT", put, Map.of(), body(file, blob.size(), bytesSoFar))) {
                    if (response.code() == 201 || response.code() == 204) {
                        String stored = response.header("Docker-Content-Digest");
                        if (stored != null && !stored.equals(blob.digest().toString())) {
                            throw new RegistryException(call.failed("the registry stored blob " + blob.digest() + " as "
                                    + stored), call.registry(), call.reference(), response.code());
                        }
                        if (!exists(blob)) {
                            throw new RegistryException(call.failed("the registry accepted blob " + blob.digest()
                                    + " but does not hold it afterwards"), call.registry(), call.reference(), 404);
                        }
                        return Outcome.UPLOADED;
                    }
                    if (!RetryPolicy.retryable(response.code())) {
                        throw uploadRefused(blob, response);
                    }
                    status = response.code();
                    retryAfter = RetryPolicy.parseRetryAfter(response.header("Retry-After"), clock.instant());
                    problem = "the registry answered " + RegistryErrors.describe(response);
                }
            } catch (IOException e) {
                if (!RetryPolicy.retryable(e)) {
                    throw call.unreachable(e, call.uploadsUrl());
                }
                problem = call.unreachable(e, call.uploadsUrl()).getMessage();
            }
            Duration wait = call.retryPolicy().delayBefore(attempt + 1, retryAfter);
            if (wait == null) {
                throw new RegistryException(call.failed("uploading blob " + blob.digest() + ": " + problem
                        + " (gave up after " + attempt + " attempts)"), call.registry(), call.reference(), status);
            }
            call.pause(wait);
        }
    }

    /** Opens an upload session and returns its location; {@code null} when the blob was mounted instead. */
    private HttpUrl startUpload(Descriptor blob, String mountFrom) {
        HttpUrl url = call.uploadsUrl();
        if (mountFrom != null) {
            url = url.newBuilder().addQueryParameter("mount", blob.digest().toString()).addQueryParameter("from", mountFrom).build();
        }
        try (Response response = call.executeWithRetries("POST", url, Map.of())) {
            if (response.code() == 201 && mountFrom != null) {
                return null;
            }
            if (response.code() != 202) {
                throw call.unexpected("starting the upload of blob " + blob.digest(), response);
            }
            String location = response.header("Location");
            HttpUrl resolved = location == null ? null : response.request().url().resolve(location);
            if (resolved == null) {
                throw new RegistryException(call.failed("the registry opened an upload for blob " + blob.digest()
                        + " without a usable Location"), call.registry(), call.reference(), response.code());
            }
            return resolved;
        }
    }

    private RegistryException uploadRefused(Descriptor blob, Response response) {
        String what = "uploading blob " + blob.digest();
        if (response.code() == 400) {
            return new RegistryException(call.failed(what + ": the registry refused it, "
                    + RegistryErrors.describe(response) + " — the local copy may be damaged; remove the image and pull it again"),
                    call.registry(), call.reference(), 400);
        }
        return call.unexpected(what, response);
    }

    /** The blob's bytes as a repeatable body that reports its progress. */
    private static RequestBody body(Path file, long size, LongConsumer bytesSoFar) {
        return new RequestBody() {
            @Override
            public MediaType contentType() {
                return OCTET_STREAM;
            }

            @Override
            public long contentLength() {
                return size;
            }

            @Override
            public void writeTo(BufferedSink sink) throws IOException {
                bytesSoFar.accept(0);
                byte[] buffer = new byte[BUFFER];
                long sent = 0;
                try (InputStream in = Files.newInputStream(file)) {
                    for (int n; (n = in.read(buffer)) > 0; ) {
                        sink.write(buffer, 0, n);
                        sent += n;
                        bytesSoFar.accept(sent);
                    }
                }
            }
        };
    }
}
