package dev.stevedore.engine.internal.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import okhttp3.FormBody;
import okhttp3.HttpUrl;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Gets the {@code Authorization} a registry wants, as the distribution token spec describes it: a
 * {@code Basic} challenge gets the user's credentials; a {@code Bearer} challenge gets a token from
 * the challenge's realm for the repository's pull scope: anonymous, or with the user's name and password as
 * Basic credentials on a {@code GET} (as docker does: a plain token server need not speak OAuth2), or through an
 * OAuth2 {@code refresh_token} form post for an identity token (only OAuth2 servers hand those out).
 *
 * <p>Thread-safe. Tokens are cached per (registry, realm, service, scopes) until shortly before they
 * expire, and fetched once per key even when many blob downloads ask at the same time.
 */
final class RegistryAuthenticator {
    static final String CLIENT_ID = "stevedore";
    /** The actions of a pull. */
    static final String PULL = "pull";
    /** The actions of a push: registries want pull too (a push checks which blobs exist). */
    static final String PUSH = "pull,push";
    private static final Duration DEFAULT_TOKEN_LIFETIME = Duration.ofSeconds(60);
    private static final Duration EXPIRY_MARGIN = Duration.ofSeconds(10);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int TOKEN_RESPONSE_LIMIT = 1 << 20;

    private final RegistryTransport transport;
    private final DockerCredentials credentials;
    private final Clock clock;
    private final Map<String, List<AuthChallenge>> pingChallenges = new ConcurrentHashMap<>();
    private final Map<String, Optional<RegistryCredential>> credentialCache = new ConcurrentHashMap<>();
    private final Map<TokenKey, Token> tokens = new ConcurrentHashMap<>();
    private final Map<TokenKey, Object> tokenLocks = new ConcurrentHashMap<>();

    RegistryAuthenticator(RegistryTransport transport, DockerCredentials credentials, Clock clock) {
        this.transport = transport;
        this.credentials = credentials;
        this.clock = clock;
    }

    private record TokenKey(String registry, String realm, String service, List<String> scopes) {
    }

    private record Token(String authorization, Instant expires) {
    }

    /** Where the user's credentials would live, for messages. */
    DockerCredentials credentials() {
        return credentials;
    }

    /** The base URL of {@code registry}, pinging it the first time and keeping the ping's challenges. */
    HttpUrl baseUrl(String registry) throws IOException {
        return transport.baseUrl(registry, response -> pingChallenges.put(registry,
                response.code() == 401 ? AuthChallenge.parse(response.headers("WWW-Authenticate")) : List.of()));
    }

    /** The credentials for {@code registry}, looked up once per client. */
    Optional<RegistryCredential> credentialFor(String registry) {
        return credentialCache.computeIfAbsent(registry, credentials::lookup);
    }

    /**
     * What to send with the first request to {@code repository}: derived from the ping's challenges,
     * from the cache where possible; {@code null} when the registry asked for nothing or nothing can be sent.
     */
    String initialAuthorization(String registry, String repository, String actions) throws IOException {
        List<AuthChallenge> challenges = pingChallenges.getOrDefault(registry, List.of());
        return challenges.isEmpty() ? null : authorization(registry, repository, challenges, false, actions);
    }

    /**
     * What to send after a 401 carrying {@code challenges}; {@code refresh} drops a cached token first
     * (it was just refused: expired, revoked or too narrow). A challenge that names no scope gets one for
     * {@code actions} on {@code repository} ({@code pull}, or {@code pull,push} for a push).
     * {@code null} when there is nothing to send.
     *
     * @throws TokenException when the token server refuses or fails
     */
    String authorization(String registry, String repository, List<AuthChallenge> challenges, boolean refresh,
                         String actions) throws IOException {
        AuthChallenge bearer = challenges.stream().filter(c -> c.is("Bearer") && c.parameter("realm") != null)
                .findFirst().orElse(null);
        Optional<RegistryCredential> credential = credentialFor(registry);
        if (bearer == null) {
            boolean basic = challenges.stream().anyMatch(c -> c.is("Basic"));
            return basic ? credential.filter(c -> c.kind() == RegistryCredential.Kind.PASSWORD)
                    .map(RegistryCredential::basicAuthorization).orElse(null) : null;
        }
        List<String> scopes = bearer.scopes().isEmpty() ? List.of(scope(repository, actions)) : bearer.scopes();
        TokenKey key = new TokenKey(registry, bearer.parameter("realm"), bearer.parameter("service"), scopes);
        if (refresh) {
            tokens.remove(key);
        }
        Token cached = valid(tokens.get(key));
        if (cached != null) {
            return cached.authorization();
        }
        synchronized (tokenLocks.computeIfAbsent(key, k -> new Object())) {
            cached = valid(tokens.get(key));
            if (cached == null) {
                try {
                    cached = fetchToken(key, credential.orElse(null));
                } catch (TokenException e) {
                    throw e;
                } catch (IOException e) {
                    // said here, or it would read as a failure of the registry rather than of its token server
                    throw new TokenException("cannot get a token: " + transport.describe(e, HttpUrl.get(key.realm())), 0, e);
                }
                tokens.put(key, cached);
            }
            return cached.authorization();
        }
    }

    /**
     * Checks {@code credential} against {@code registry} as {@code docker login} does: a registry that asks for
     * nothing accepts anyone; a Basic challenge is answered on {@code /v2/}; a Bearer challenge sends the credential
     * to the token server with no scope and the token it gives to {@code /v2/}.
     *
     * @return the identity token the token server issued, {@code null} when none
     * @throws TokenException when the registry or its token server refuses (its HTTP status, its message)
     */
    String login(String registry, RegistryCredential credential) throws IOException {
        HttpUrl base = baseUrl(registry);
        List<AuthChallenge> challenges = pingChallenges.getOrDefault(registry, List.of());
        if (challenges.isEmpty()) {
            return null;
        }
        AuthChallenge bearer = challenges.stream().filter(c -> c.is("Bearer") && c.parameter("realm") != null)
                .findFirst().orElse(null);
        String authorization;
        if (bearer == null) {
            authorization = credential.basicAuthorization();
        } else {
            TokenKey key = new TokenKey(registry, bearer.parameter("realm"), bearer.parameter("service"), List.of());
            authorization = fetchToken(key, credential).authorization();
        }
        HttpUrl v2 = base.resolve("/v2/");
        try (Response response = transport.send(new Request.Builder().url(v2).get().header("Authorization", authorization).build(), base)) {
            if (!response.isSuccessful()) {
                throw new TokenException(RegistryTransport.shown(v2) + " answered " + RegistryErrors.describe(response), response.code());
            }
        }
        return null;
    }

    /** The scope to pull from a repository, as registries name it. */
    static String pullScope(String repository) {
        return scope(repository, PULL);
    }

    /** The scope for {@code actions} ({@code pull}, {@code pull,push}) on a repository, as registries name it. */
    static String scope(String repository, String actions) {
        return "repository:" + repository + ":" + actions;
    }

    private Token valid(Token token) {
        return token != null && clock.instant().isBefore(token.expires()) ? token : null;
    }

    private Token fetchToken(TokenKey key, RegistryCredential credential) throws IOException {
        HttpUrl realm = HttpUrl.parse(key.realm());
        if (realm == null) {
            throw new TokenException("the registry's token realm \"" + key.realm() + "\" is not an http(s) URL", 0);
        }
        if (credential != null && credential.kind() == RegistryCredential.Kind.REGISTRY_TOKEN) {
            return new Token("Bearer " + credential.registryToken(), Instant.MAX);
        }
        if (credential != null && !realm.isHttps() && !transport.plainHttpAllowed(RegistryTransport.hostPort(realm))) {
            throw new TokenException("the token realm " + RegistryTransport.shown(realm) + " is plain HTTP; credentials are not sent "
                    + "over it (list the host in STEVEDORE_INSECURE_REGISTRIES if that is really wanted)", 0);
        }
        if (credential == null) {
            return readToken(send(getRequest(realm, key, null), realm), realm);
        }
        if (credential.kind() == RegistryCredential.Kind.IDENTITY_TOKEN) {
            FormBody.Builder form = form(key).add("grant_type", "refresh_token").add("refresh_token", credential.identityToken());
            return readToken(send(new Request.Builder().url(realm).post(form.build()).build(), realm), realm);
        }
        // a name and password go as Basic credentials on a GET, as docker sends them: every token server answers
        // that, while an OAuth2 password-grant POST is refused by many in ways of their own (400, 404, 405, 501...)
        return readToken(send(getRequest(realm, key, credential), realm), realm);
    }

    private static FormBody.Builder form(TokenKey key) {
        FormBody.Builder form = new FormBody.Builder().add("client_id", CLIENT_ID).add("scope", String.join(" ", key.scopes()));
        if (key.service() != null) {
            form.add("service", key.service());
        }
        return form;
    }

    private static Request getRequest(HttpUrl realm, TokenKey key, RegistryCredential credential) {
        HttpUrl.Builder url = realm.newBuilder();
        if (key.service() != null) {
            url.addQueryParameter("service", key.service());
        }
        for (String scope : key.scopes()) {
            url.addQueryParameter("scope", scope);
        }
        Request.Builder request = new Request.Builder().url(url.build()).get();
        if (credential != null) {
            request.header("Authorization", credential.basicAuthorization());
        }
        return request.build();
    }

    private Response send(Request request, HttpUrl realm) throws IOException {
        return transport.send(request, realm);
    }

    private Token readToken(Response response, HttpUrl realm) throws IOException {
        try (response) {
            if (!response.isSuccessful()) {
                throw new TokenException("the token server " + RegistryTransport.shown(realm) + " answered " + RegistryErrors.describe(response),
                        response.code());
            }
            ResponseBody body = response.body();
            byte[] bytes = body == null ? new byte[0] : body.byteStream().readNBytes(TOKEN_RESPONSE_LIMIT + 1);
            if (bytes.length > TOKEN_RESPONSE_LIMIT) {
                // a token is a few KiB; what is larger is not a token server's answer, and is not read to its end
                throw new TokenException("the token server " + RegistryTransport.shown(realm) + " answered with more than "
                        + TOKEN_RESPONSE_LIMIT + " bytes; refusing it", response.code());
            }
            JsonNode json = bytes.length == 0 ? null : MAPPER.readTree(bytes);
            String token = json == null ? null : json.path("token").asText(null);
            if (token == null || token.isEmpty()) {
                token = json == null ? null : json.path("access_token").asText(null);
            }
            if (token == null || token.isEmpty()) {
                throw new TokenException("the token server " + RegistryTransport.shown(realm) + " answered without a token", response.code());
            }
            long expiresIn = json.path("expires_in").asLong(0);
            Duration lifetime = expiresIn > 0 ? Duration.ofSeconds(expiresIn) : DEFAULT_TOKEN_LIFETIME;
            Duration usable = lifetime.compareTo(EXPIRY_MARGIN.multipliedBy(2)) > 0 ? lifetime.minus(EXPIRY_MARGIN) : lifetime.dividedBy(2);
            return new Token("Bearer " + token, clock.instant().plus(usable));
        }
    }

    /** The token server refused or failed; {@code status} is its HTTP status, 0 when there was none. */
    static final class TokenException extends IOException {
        private static final long serialVersionUID = 1L;
        private final int status;

        TokenException(String message, int status) {
            this(message, status, null);
        }

        TokenException(String message, int status, Throwable cause) {
            super(message, cause);
            this.status = status;
        }

        int status() {
            return status;
        }
    }
}
