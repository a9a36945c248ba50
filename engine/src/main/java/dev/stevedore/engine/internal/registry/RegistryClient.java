package dev.stevedore.engine.internal.registry;

import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.ContentVerificationException;
import dev.stevedore.engine.EngineSettings;
import dev.stevedore.engine.ImageNotFoundException;
import dev.stevedore.engine.ImageReference;
import dev.stevedore.engine.Platform;
import dev.stevedore.engine.PushListener;
import dev.stevedore.engine.PushProgress;
import dev.stevedore.engine.RegistryAuthenticationException;
import dev.stevedore.engine.RegistryException;
import dev.stevedore.engine.internal.image.Descriptor;
import dev.stevedore.engine.internal.image.ImageFormatException;
import dev.stevedore.engine.internal.image.ImageManifest;
import dev.stevedore.engine.internal.image.ManifestDocument;
import dev.stevedore.engine.internal.image.ManifestList;
import dev.stevedore.engine.internal.store.ContentStore;
import dev.stevedore.engine.internal.store.Digest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;
import java.util.stream.Collectors;

/**
 * Pulls images from registries that speak the OCI distribution API (resolves a reference to a verified
 * manifest for a platform, then fetches blobs into the content store) and pushes them back.
 *
 * <p>One per engine; thread-safe (call {@link #fetchBlob} for several layers at once): the connection
 * pool, pinged registries, credentials and tokens are shared. {@link #close()} releases the HTTP client.
 *
 * <p>{@code docker.io} references try the configured mirrors in order, then Docker Hub; the first that
 * has the image serves all of it. Other registries are asked directly. Every manifest is checked
 * against its digest before it is parsed, and every blob before it is stored.
 */
public final class RegistryClient implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RegistryClient.class);

    private final EngineSettings settings;
    private final RegistryTransport transport;
    private final RegistryAuthenticator authenticator;
    private final RetryPolicy retryPolicy;
    private final Clock clock;

    /**
     * A client with {@code settings}; one read from a registry may wait as long as {@code STEVEDORE_REGISTRY_READ_TIMEOUT}
     * says (seconds, 60 when unset) before it fails and the request is retried.
     */
    public RegistryClient(EngineSettings settings) {
        this(settings, new DockerCredentials(settings.dockerConfigDirectory()), RetryPolicy.DEFAULT, Clock.systemUTC(),
                RegistryTransport.readTimeout(System.getenv(RegistryTransport.READ_TIMEOUT_VARIABLE)));
    }

    RegistryClient(EngineSettings settings, DockerCredentials credentials, RetryPolicy retryPolicy, Clock clock) {
        this(settings, credentials, retryPolicy, clock, RegistryTransport.DEFAULT_READ_TIMEOUT);
    }

    RegistryClient(EngineSettings settings, DockerCredentials credentials, RetryPolicy retryPolicy, Clock clock,
                   java.time.Duration readTimeout) {
        this.settings = settings;
        this.transport = new RegistryTransport(settings, readTimeout);
        this.authenticator = new RegistryAuthenticator(transport, credentials, clock);
        this.retryPolicy = retryPolicy;
        this.clock = clock;
    }

    /**
     * Resolves {@code reference} to the manifest for {@code platform}: by tag ({@code HEAD}, then by
     * digest) or by the reference's digest, through an index when the image has several platforms.
     *
     * @throws ImageNotFoundException            when no registry tried has the image, or not for {@code platform}
     * @throws RegistryAuthenticationException   when the registry wants credentials it did not get or accept
     * @throws RegistryException                 when a registry cannot be reached or serves something invalid
     */
    public ResolvedImage resolve(ImageReference reference, Platform platform) {
        return resolve(reference, platform, null);
    }

    /**
     * As {@link #resolve(ImageReference, Platform)}; manifests already in {@code known} (verified when
     * they were stored) are read from there instead of being downloaded again. Tags are still resolved
     * against the registry.
     */
    public ResolvedImage resolve(ImageReference reference, Platform platform, ContentStore known) {
        List<String> registries = registriesFor(reference, settings.registryMirrors());
        List<RegistryException> failures = new ArrayList<>();
        for (String registry : registries) {
            try {
                return resolveFrom(registry, reference, platform, known);
            } catch (RegistryException e) {
                if (registries.size() > 1) {
                    LOG.debug("Could not resolve {} from {}: {}", reference, registry, e.getMessage());
                }
                failures.add(e);
            }
        }
        throw combined(reference, failures);
    }

    /**
     * Downloads {@code blob} of {@code image} from the registry that served the image into {@code store},
     * verified against its digest and size; does nothing when the store has it already.
     * {@code bytesSoFar} hears the bytes received (from 0 again when an attempt is retried).
     *
     * @throws ContentVerificationException when the blob arrived with the wrong content twice; nothing is stored
     * @throws RegistryException            when the registry does not have it or cannot be reached
     */
    public void fetchBlob(ResolvedImage image, Descriptor blob, ContentStore store, LongConsumer bytesSoFar) {
        if (store.hasBlob(blob.digest())) {
            return;
        }
        new BlobPuller(call(image.registryUsed(), image.requested()), clock).pull(blob, store, bytesSoFar);
    }

    /**
     * Pushes a local image to the registry {@code target} names ({@link ImageReference#apiHost()}; mirrors are for
     * pulls only): every distinct layer and then the config blob (layers {@code uploads} at a time), each skipped
     * when the repository has it, mounted from the first of {@code mountFrom} (repositories of the same registry
     * that name the image) when it can be, else uploaded; the manifest goes last, under the target's tag (or
     * digest), byte for byte.
     *
     * @param manifestBytes the manifest as the local store holds it
     * @return the manifest's digest, as the registry confirmed it
     * @throws RegistryException (or a subclass) when the registry refuses or fails; no manifest is stored then
     */
    public Digest push(ImageReference target, byte[] manifestBytes, ImageManifest manifest, ContentStore store,
                       List<String> mountFrom, PushListener listener, java.util.concurrent.ExecutorService uploads) {
        RegistryCall call = new RegistryCall(transport, authenticator, retryPolicy, clock, target.apiHost(), target,
                RegistryAuthenticator.PUSH);
        BlobPusher pusher = new BlobPusher(call, clock);
        String from = mountFrom.stream().filter(r -> !r.equals(target.repository())).findFirst().orElse(null);
        List<Descriptor> layers = new ArrayList<>();
        java.util.Set<Digest> seen = new java.util.HashSet<>();
        for (Descriptor layer : manifest.layers()) {
            if (seen.add(layer.digest())) {
                layers.add(layer);
                listener.onProgress(new PushProgress(target, layer.digest().toString(), PushProgress.Phase.PREPARING, 0, layer.size()));
            }
        }
        List<java.util.concurrent.Future<?>> pending = new ArrayList<>();
        for (Descriptor layer : layers) {
            pending.add(uploads.submit(() -> pushBlob(pusher, target, layer, store, from, listener)));
        }
        await(target, pending);
        if (seen.add(manifest.config().digest())) {
            pushBlob(pusher, target, manifest.config(), store, from, listener);
        }
        String tagOrDigest = target.tag() != null ? target.tag() : target.digest();
        Digest digest = new ManifestPusher(call).put(tagOrDigest, manifestBytes, manifest.mediaType());
        listener.onProgress(new PushProgress(target, digest.toString(), PushProgress.Phase.COMPLETE, 0, manifestBytes.length));
        return digest;
    }

    private static void pushBlob(BlobPusher pusher, ImageReference target, Descriptor blob, ContentStore store, String from,
                                 PushListener listener) {
        String id = blob.digest().toString();
        BlobPusher.Outcome outcome = pusher.push(blob, store, from,
                bytes -> listener.onProgress(new PushProgress(target, id, PushProgress.Phase.PUSHING, bytes, blob.size())));
        PushProgress.Phase phase = switch (outcome) {
            case EXISTED -> PushProgress.Phase.ALREADY_EXISTS;
            case MOUNTED -> PushProgress.Phase.MOUNTED;
            case UPLOADED -> PushProgress.Phase.PUSHED;
        };
        listener.onProgress(new PushProgress(target, id, phase, outcome == BlobPusher.Outcome.UPLOADED ? blob.size() : 0, blob.size()));
    }

    private static void await(ImageReference target, List<java.util.concurrent.Future<?>> pending) {
        try {
            for (java.util.concurrent.Future<?> future : pending) {
                future.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            pending.forEach(f -> f.cancel(true));
            throw new ContainerEngineException("push of " + target + " was interrupted", e);
        } catch (java.util.concurrent.ExecutionException e) {
            pending.forEach(f -> f.cancel(true));
            Throwable cause = e.getCause();
            if (cause instanceof ContainerEngineException engineException) {
                throw engineException;
            }
            throw new ContainerEngineException("push of " + target + " failed: " + cause, cause);
        }
    }

    /** The registries to ask for {@code reference}, in order: for Docker Hub the mirrors first. */
    static List<String> registriesFor(ImageReference reference, List<String> mirrors) {
        if (!ImageReference.DOCKER_HUB.equals(reference.registry())) {
            return List.of(reference.registry());
        }
        List<String> registries = new ArrayList<>(mirrors);
        registries.remove(ImageReference.DOCKER_HUB_API_HOST);
        registries.add(ImageReference.DOCKER_HUB_API_HOST);
        return registries.stream().distinct().toList();
    }

    private RegistryCall call(String registry, ImageReference reference) {
        return new RegistryCall(transport, authenticator, retryPolicy, clock, registry, reference);
    }

    private ResolvedImage resolveFrom(String registry, ImageReference reference, Platform platform, ContentStore known) {
        RegistryCall call = call(registry, reference);
        ManifestPuller puller = new ManifestPuller(call);
        ManifestPuller.Fetched top = reference.digest() != null
                ? puller.byDigest(digestOf(call, reference.digest()), -1, null, known)
                : puller.byTag(reference.tag(), known);
        ManifestDocument document = parse(call, top.digest(), () -> ManifestDocument.parse(top.body(), top.contentType()));
        if (document instanceof ImageManifest manifest) {
            requireRunnable(call, top.digest(), manifest);
            return new ResolvedImage(reference, registry, null, null, null, top.digest(), top.body(), manifest.mediaType(), manifest);
        }
        ManifestList index = (ManifestList) document;
        Descriptor entry = index.select(platform).orElseThrow(() -> new ImageNotFoundException(call.failed(
                "the image has no variant for " + platform + "; it offers "
                        + (index.platforms().isEmpty() ? "no runnable platform at all"
                        : index.platforms().stream().map(Platform::toString).collect(Collectors.joining(", ")))
                        + " — choose one of those with STEVEDORE_PLATFORM or the pull's platform option"),
                registry, reference, 200));
        ManifestPuller.Fetched child = puller.byDigest(entry.digest(), entry.size(), entry.mediaType(), known);
        ImageManifest manifest = parse(call, child.digest(), () -> ImageManifest.parse(child.body(), child.contentType()));
        if (!manifest.mediaType().equals(entry.mediaType())) {
            throw new RegistryException(call.failed("the index lists " + entry.digest() + " as " + entry.mediaType()
                    + " but the document is " + manifest.mediaType() + "; refusing the mismatch"), registry, reference, 200);
        }
        requireRunnable(call, child.digest(), manifest);
        return new ResolvedImage(reference, registry, top.digest(), top.body(), index.mediaType(),
                child.digest(), child.body(), manifest.mediaType(), manifest);
    }

    private static Digest digestOf(RegistryCall call, String digest) {
        try {
            return Digest.parse(digest);
        } catch (IllegalArgumentException e) {
            throw new RegistryException(call.failed(e.getMessage()), call.registry(), call.reference(), 0);
        }
    }

    private static <T> T parse(RegistryCall call, Digest digest, java.util.function.Supplier<T> parser) {
        try {
            return parser.get();
        } catch (ImageFormatException e) {
            throw new RegistryException(call.failed("manifest " + digest + " is invalid: " + e.getMessage()),
                    call.registry(), call.reference(), 200, e);
        }
    }

    private static void requireRunnable(RegistryCall call, Digest digest, ImageManifest manifest) {
        parse(call, digest, manifest::requireRunnable);
    }

    /** One failure as it is; several (mirrors, then the origin) as the last one's kind, naming all. */
    static RegistryException combined(ImageReference reference, List<RegistryException> failures) {
        RegistryException last = failures.get(failures.size() - 1);
        if (failures.size() == 1) {
            return last;
        }
        String others = failures.subList(0, failures.size() - 1).stream()
                .map(e -> reason(e).startsWith(e.registry()) ? reason(e) : e.registry() + ": " + reason(e))
                .collect(Collectors.joining("; "));
        String message = last.getMessage() + " (mirrors tried first: " + others + ")";
        RegistryException result;
        if (last instanceof ImageNotFoundException) {
            result = new ImageNotFoundException(message, last.registry(), reference, last.status());
        } else if (last instanceof RegistryAuthenticationException) {
            result = new RegistryAuthenticationException(message, last.registry(), reference, last.status());
        } else {
            result = new RegistryException(message, last.registry(), reference, last.status(), last.getCause());
        }
        failures.subList(0, failures.size() - 1).forEach(result::addSuppressed);
        return result;
    }

    private static String reason(RegistryException e) {
        String message = e.getMessage();
        int colon = message.indexOf(" failed: ");
        return colon < 0 ? message : message.substring(colon + " failed: ".length());
    }

    /**
     * Checks a user name and password against {@code serverAddress} (a registry name or URL; Docker Hub's names go
     * to {@code registry-1.docker.io}), as dockerd's {@code POST /auth}.
     *
     * @throws RegistryAuthenticationException when the registry refuses them (401/403)
     * @throws RegistryException               when it cannot be reached or fails otherwise
     */
    public dev.stevedore.engine.RegistryLoginResult login(String serverAddress, String username, String password) {
        String host = DockerCredentials.hostname(serverAddress);
        String registry = DockerCredentials.isDockerHub(host) ? "registry-1.docker.io" : host;
        RegistryCredential credential = RegistryCredential.password(username, password, "the login");
        try {
            String identityToken = authenticator.login(registry, credential);
            return new dev.stevedore.engine.RegistryLoginResult(dev.stevedore.engine.RegistryLoginResult.SUCCEEDED, identityToken);
        } catch (RegistryAuthenticator.TokenException e) {
            if (e.status() == 401 || e.status() == 403) {
                throw new RegistryAuthenticationException("Login to " + registry + " as " + username + " failed: " + e.getMessage()
                        + "; check the user name and password", registry, null, e.status());
            }
            throw new RegistryException("Login to " + registry + " failed: " + e.getMessage(), registry, null, e.status(), e);
        } catch (java.io.IOException e) {
            // the transport's words, as a pull's: an untrusted certificate says where its CA goes
            okhttp3.HttpUrl v2 = okhttp3.HttpUrl.parse("https://" + registry + "/v2/");
            throw new RegistryException("Login to " + registry + " failed: "
                    + (v2 == null ? e.getMessage() : transport.describe(e, v2)), registry, null, 0, e);
        }
    }

    @Override
    public void close() {
        transport.close();
    }
}
