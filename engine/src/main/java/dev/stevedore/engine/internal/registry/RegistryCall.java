package dev.stevedore.engine.internal.registry;

import dev.stevedore.engine.ImageNotFoundException;
import dev.stevedore.engine.ImageReference;
import dev.stevedore.engine.RegistryAuthenticationException;
import dev.stevedore.engine.RegistryException;
import okhttp3.HttpUrl;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Requests to one registry on behalf of a pull or push of one image: builds URLs under {@code /v2/<repository>/},
 * authenticates (answering a 401 once, with a fresh token when the cached one was refused), retries what
 * is worth retrying, and turns failures into exceptions whose messages say which pull or push failed where,
 * what happened and what to do.
 */
final class RegistryCall {
    private final RegistryAuthenticator authenticator;
    private final RegistryTransport transport;
    private final RetryPolicy retryPolicy;
    private final Clock clock;
    private final String registry;
    private final ImageReference reference;
    private final String actions;

    RegistryCall(RegistryTransport transport, RegistryAuthenticator authenticator, RetryPolicy retryPolicy, Clock clock,
                 String registry, ImageReference reference) {
        this(transport, authenticator, retryPolicy, clock, registry, reference, RegistryAuthenticator.PULL);
    }

    /** A call for {@code actions} on the repository: {@link RegistryAuthenticator#PULL} or {@link RegistryAuthenticator#PUSH}. */
    RegistryCall(RegistryTransport transport, RegistryAuthenticator authenticator, RetryPolicy retryPolicy, Clock clock,
                 String registry, ImageReference reference, String actions) {
        this.actions = actions;
        this.transport = transport;
        this.authenticator = authenticator;
        this.retryPolicy = retryPolicy;
        this.clock = clock;
        this.registry = registry;
        this.reference = reference;
    }

    String registry() {
        return registry;
    }

    ImageReference reference() {
        return reference;
    }

    RetryPolicy retryPolicy() {
        return retryPolicy;
    }

    /** The URL of {@code /v2/<repository>/<kind>/<identifier>} ({@code kind}: {@code manifests} or {@code blobs}). */
    HttpUrl url(String kind, String identifier) {
        return base().newBuilder().addPathSegment("v2").addPathSegments(reference.repository())
                .addPathSegment(kind).addPathSegment(identifier).build();
    }

    /** The URL that starts a blob upload: {@code /v2/<repository>/blobs/uploads/}. */
    HttpUrl uploadsUrl() {
        return base().newBuilder().addPathSegment("v2").addPathSegments(reference.repository())
                .addPathSegment("blobs").addPathSegment("uploads").addPathSegment("").build();
    }

    private HttpUrl base() {
        try {
            return authenticator.baseUrl(registry);
        } catch (IOException e) {
            throw unreachable(e, HttpUrl.get("https://" + registry + "/v2/"));
        }
    }

    /**
     * Sends one request with authentication; answers a 401 once. The caller closes the response.
     *
     * @throws IOException when the exchange itself failed (see {@link RetryPolicy#retryable(IOException)})
     * @throws RegistryAuthenticationException when the registry still refuses
     */
    Response execute(String method, HttpUrl url, Map<String, String> headers) throws IOException {
        return execute(method, url, headers, null);
    }

    /**
     * As {@link #execute(String, HttpUrl, Map)} with a request body (which must be repeatable: a 401 sends it
     * again). {@code Authorization} goes only to the registry itself, wherever {@code url} points (an upload's
     * {@code Location} may name another host).
     */
    Response execute(String method, HttpUrl url, Map<String, String> headers, RequestBody body) throws IOException {
        HttpUrl origin = body == null ? url : base();
        String authorization;
        try {
            authorization = authenticator.initialAuthorization(registry, reference.repository(), actions);
        } catch (RegistryAuthenticator.TokenException e) {
            throw tokenFailure(e);
        }
        Response response = transport.send(request(method, url, headers, authorization, body), origin);
        if (response.code() != 401) {
            return response;
        }
        List<AuthChallenge> challenges = AuthChallenge.parse(response.headers("WWW-Authenticate"));
        response.close();
        String retry;
        try {
            retry = authenticator.authorization(registry, reference.repository(), challenges, authorization != null, actions);
        } catch (RegistryAuthenticator.TokenException e) {
            throw tokenFailure(e);
        }
        // resending refused Basic credentials is pointless; a refused token was just replaced by a fresh one
        if (retry == null || (retry.equals(authorization) && !authorization.startsWith("Bearer "))) {
            throw unauthorized(401);
        }
        Response second = transport.send(request(method, url, headers, retry, body), origin);
        if (second.code() == 401) {
            second.close();
            throw unauthorized(401);
        }
        return second;
    }

    /**
     * As {@link #execute}, retrying 429 and 5xx answers and broken connections by the retry policy.
     * Returns the first answer that is not worth retrying (the caller checks its status).
     */
    Response executeWithRetries(String method, HttpUrl url, Map<String, String> headers) {
        for (int attempt = 1; ; attempt++) {
            Duration wait;
            try {
                Response response = execute(method, url, headers);
                if (!RetryPolicy.retryable(response.code())) {
                    return response;
                }
                wait = retryPolicy.delayBefore(attempt + 1,
                        RetryPolicy.parseRetryAfter(response.header("Retry-After"), clock.instant()));
                if (wait == null) {
                    return response;
                }
                response.close();
            } catch (IOException e) {
                wait = RetryPolicy.retryable(e) ? retryPolicy.delayBefore(attempt + 1, null) : null;
                if (wait == null) {
                    throw unreachable(e, url);
                }
            }
            pause(wait);
        }
    }

    void pause(Duration wait) {
        try {
            Thread.sleep(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException(failed("interrupted while waiting to retry"), registry, reference, 0, e);
        }
    }

    private static Request request(String method, HttpUrl url, Map<String, String> headers, String authorization,
                                   RequestBody body) {
        RequestBody sent = body == null && (method.equals("PUT") || method.equals("POST") || method.equals("PATCH"))
                ? RequestBody.create(new byte[0]) : body;
        Request.Builder builder = new Request.Builder().url(url).method(method, sent);
        headers.forEach(builder::header);
        if (authorization != null) {
            builder.header("Authorization", authorization);
        }
        return builder.build();
    }

    /** {@code pull of REF from REGISTRY failed: DETAIL} (or {@code push of REF to REGISTRY}). */
    String failed(String detail) {
        return RegistryAuthenticator.PUSH.equals(actions)
                ? "push of " + reference + " to " + registry + " failed: " + detail
                : "pull of " + reference + " from " + registry + " failed: " + detail;
    }

    /** The registry refused the request for lack of (valid) credentials. */
    RegistryAuthenticationException unauthorized(int status) {
        Optional<RegistryCredential> credential = authenticator.credentialFor(registry);
        String what = status == 403
                ? RegistryErrors.status(403, null) + ": access to " + reference.repository() + " is denied"
                : RegistryErrors.status(401, null);
        String detail = credential
                .map(c -> what + " with the credentials" + (c.username() != null ? " of " + c.username() : "")
                        + " from " + c.source() + " — check them, or log in again with '" + loginCommand() + "'")
                .orElseGet(() -> what + "; the registry wants credentials and none were found for " + registry
                        + " — log in with '" + loginCommand() + "' or put credentials for " + registry + " in "
                        + authenticator.credentials().configFile());
        return new RegistryAuthenticationException(failed(detail), registry, reference, status);
    }

    private RegistryException tokenFailure(RegistryAuthenticator.TokenException e) {
        int status = e.status();
        if (status == 401 || status == 403) {
            Optional<RegistryCredential> credential = authenticator.credentialFor(registry);
            String hint = credential.isPresent() ? " — check the credentials from " + credential.get().source()
                    + ", or log in again with '" + loginCommand() + "'"
                    : " — log in with '" + loginCommand() + "' or put credentials for " + registry + " in "
                    + authenticator.credentials().configFile();
            return new RegistryAuthenticationException(failed(e.getMessage() + hint), registry, reference, status);
        }
        return new RegistryException(failed(e.getMessage()), registry, reference, status, e);
    }

    private String loginCommand() {
        return registry.equals(ImageReference.DOCKER_HUB_API_HOST) ? "docker login" : "docker login " + registry;
    }

    /** The exchange with {@code url} failed before an answer came. */
    RegistryException unreachable(IOException e, HttpUrl url) {
        if (e instanceof RegistryAuthenticator.TokenException tokenException) {
            return tokenFailure(tokenException);
        }
        return new RegistryException(failed(transport.describe(e, url)), registry, reference, 0, e);
    }

    /** A manifest or blob the registry does not have. */
    ImageNotFoundException notFound(String what, Response response) {
        return new ImageNotFoundException(failed(registry + " has no " + what + " ("
                + RegistryErrors.describe(response) + ")"), registry, reference, response.code());
    }

    /** An answer with a status the operation does not expect; 401/403 become authentication failures. */
    RegistryException unexpected(String what, Response response) {
        if (response.code() == 401 || response.code() == 403) {
            return unauthorized(response.code());
        }
        return new RegistryException(failed(what + ": the registry answered " + RegistryErrors.describe(response)),
                registry, reference, response.code());
    }
}
