package dev.stevedore.engine.testbed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Bearer token issuer the token registry ({@link Testbed#tokenRegistry()}) sends clients to:
 * {@code GET /token?service=S&scope=repository:NAME:ACTIONS} (optional Basic credentials) and the
 * OAuth2 form {@code POST /token} ({@code grant_type=password}).
 *
 * <p>Policy: anonymous clients may pull {@code library/busybox} and {@code library/multiarch} and get
 * a token without access for anything else (as Docker Hub does, so the registry answers 401);
 * {@link Testbed#tokenUser()} gets every action it asks for; wrong credentials get 401 with a JSON
 * error. Tokens are RS256 JWTs signed with {@link Testbed#tokenKey()}, carrying the certificate in
 * {@code x5c}, valid for 300 s.
 *
 * <p>{@link #ensureRunning(Testbed)} starts one issuer per JVM on {@code 127.0.0.1:TOKEN_ISSUER_PORT}
 * and keeps it until the JVM exits. When another JVM's issuer holds the port, that one serves this
 * JVM too ({@link #tokensIssued()} then counts that issuer's tokens), and this JVM takes the port
 * over if the other one goes away.
 */
public final class TokenIssuer {

    /** Repositories anonymous clients may pull. */
    public static final Set<String> PUBLIC_REPOSITORIES = Set.of("library/busybox", "library/multiarch");

    /** Lifetime of an issued token. */
    public static final Duration TOKEN_LIFETIME = Duration.ofSeconds(300);

    private static final String IDENTITY = "stevedore-testbed-token-issuer";
    private static TokenIssuer instance;

    private final Testbed testbed;
    private final PrivateKey key;
    private final String certificateDer;
    private final AtomicInteger issued = new AtomicInteger();
    private final ObjectMapper json = new ObjectMapper();
    private volatile HttpServer server;

    private TokenIssuer(Testbed testbed) {
        this.testbed = testbed;
        this.key = readKey(testbed.tokenKey());
        this.certificateDer = readCertificate(testbed.tokenCertificate());
    }

    /**
     * Makes sure an issuer answers on the test bed's issuer port; starts one in this JVM if the port is free.
     *
     * @throws AssertionError when the port is held by something that is not a test bed issuer
     */
    public static synchronized TokenIssuer ensureRunning(Testbed testbed) {
        if (instance == null) {
            TokenIssuer issuer = new TokenIssuer(testbed);
            if (!issuer.tryStart()) {
                if (!issuer.otherIssuerAnswers()) {
                    throw new AssertionError("port " + testbed.tokenIssuerPort()
                            + " is taken by something that is not the test bed's token issuer; free it");
                }
                issuer.watchForTakeover();
            }
            instance = issuer;
        }
        return instance;
    }

    /**
     * Runs the issuer until killed, for trying the token registry by hand (e.g. with the docker CLI):
     * {@code java -cp engine/target/test-classes:<engine test classpath> dev.stevedore.engine.testbed.TokenIssuer}.
     */
    public static void main(String[] args) throws InterruptedException {
        TokenIssuer issuer = ensureRunning(Testbed.get());
        System.out.println("token issuer on " + issuer.realm() + (issuer.servesFromThisJvm() ? "" : " (served by another JVM)"));
        new java.util.concurrent.CountDownLatch(1).await();
    }

    /** The URL clients fetch tokens from ({@link Testbed#tokenRealm()}). */
    public URI realm() {
        return testbed.tokenRealm();
    }

    /** Whether this JVM's server answers (false while another JVM's issuer serves the port). */
    public boolean servesFromThisJvm() {
        return server != null;
    }

    /** Tokens issued so far by the issuer that holds the port (this JVM's, or another JVM's). */
    public int tokensIssued() {
        if (server != null) {
            return issued.get();
        }
        JsonNode stats = fetchStats();
        if (stats == null) {
            throw new AssertionError("the token issuer on port " + testbed.tokenIssuerPort() + " does not answer /stats");
        }
        return stats.path("tokensIssued").asInt();
    }

    /**
     * Signs a token as the issuer would, for tests that need unusual ones (expired, other audience).
     *
     * @param repositoryActions repository name → actions granted
     */
    public String sign(String subject, String audience, Map<String, List<String>> repositoryActions, Instant issuedAt, Duration lifetime) {
        ArrayNode access = json.createArrayNode();
        repositoryActions.forEach((name, actions) -> {
            ObjectNode entry = access.addObject().put("type", "repository").put("name", name);
            actions.forEach(entry.putArray("actions")::add);
        });
        return sign(subject, audience, access, issuedAt, lifetime);
    }

    private String sign(String subject, String audience, ArrayNode access, Instant issuedAt, Duration lifetime) {
        ObjectNode header = json.createObjectNode().put("alg", "RS256").put("typ", "JWT");
        header.putArray("x5c").add(certificateDer);
        long now = issuedAt.getEpochSecond();
        ObjectNode claims = json.createObjectNode()
                .put("iss", testbed.tokenIssuer())
                .put("sub", subject)
                .put("aud", audience)
                .put("exp", now + lifetime.toSeconds())
                .put("nbf", now - 10)
                .put("iat", now)
                .put("jti", UUID.randomUUID().toString());
        claims.set("access", access);
        Base64.Encoder url = Base64.getUrlEncoder().withoutPadding();
        try {
            String signingInput = url.encodeToString(json.writeValueAsBytes(header)) + "."
                    + url.encodeToString(json.writeValueAsBytes(claims));
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initSign(key);
            rsa.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + url.encodeToString(rsa.sign());
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("signing a test bed token failed", e);
        }
    }

    private boolean tryStart() {
        HttpServer created;
        try {
            created = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), testbed.tokenIssuerPort()), 50);
        } catch (BindException e) {
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException("starting the token issuer on port " + testbed.tokenIssuerPort() + " failed", e);
        }
        ExecutorService handlers = Executors.newFixedThreadPool(4, runnable -> {
            Thread thread = new Thread(runnable, "testbed-token-issuer");
            thread.setDaemon(true);
            return thread;
        });
        created.setExecutor(handlers);
        created.createContext("/token", this::handleToken);
        created.createContext("/stats", this::handleStats);
        // The dispatcher thread inherits daemon status from the thread that starts the server,
        // so starting it from a daemon thread keeps it from holding the JVM open.
        Thread starter = new Thread(created::start, "testbed-token-issuer-start");
        starter.setDaemon(true);
        starter.start();
        try {
            starter.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the token issuer", e);
        }
        server = created;
        return true;
    }

    private void watchForTakeover() {
        ScheduledExecutorService watcher = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "testbed-token-issuer-takeover");
            thread.setDaemon(true);
            return thread;
        });
        watcher.scheduleWithFixedDelay(() -> {
            try {
                if (server != null || tryStart()) {
                    watcher.shutdown();
                }
            } catch (RuntimeException e) {
                // A failed attempt must not end the schedule (an exception would cancel it); retry.
            }
        }, 100, 100, TimeUnit.MILLISECONDS);
    }

    private boolean otherIssuerAnswers() {
        JsonNode stats = fetchStats();
        return stats != null && IDENTITY.equals(stats.path("issuer").asText());
    }

    private JsonNode fetchStats() {
        URI stats = URI.create("http://127.0.0.1:" + testbed.tokenIssuerPort() + "/stats");
        try {
            HttpResponse<byte[]> response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()
                    .send(HttpRequest.newBuilder(stats).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofByteArray());
            return response.statusCode() == 200 ? json.readTree(response.body()) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private void handleStats(HttpExchange exchange) throws IOException {
        try (exchange) {
            respond(exchange, 200, json.createObjectNode().put("issuer", IDENTITY).put("tokensIssued", issued.get()));
        }
    }

    private void handleToken(HttpExchange exchange) throws IOException {
        try (exchange) {
            Map<String, List<String>> params;
            String user;
            String password;
            String method = exchange.getRequestMethod();
            if (method.equals("GET")) {
                params = parseForm(exchange.getRequestURI().getRawQuery());
                String[] basic = basicCredentials(exchange.getRequestHeaders().getFirst("Authorization"));
                user = basic == null ? null : basic[0];
                password = basic == null ? null : basic[1];
            } else if (method.equals("POST")) {
                String body;
                try (InputStream in = exchange.getRequestBody()) {
                    body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
                params = parseForm(body);
                if (!"password".equals(first(params, "grant_type"))) {
                    respond(exchange, 400, error("unsupported_grant_type", "only grant_type=password is supported"));
                    return;
                }
                user = first(params, "username");
                password = first(params, "password");
                if (user == null || password == null) {
                    respond(exchange, 400, error("invalid_request", "grant_type=password needs username and password"));
                    return;
                }
            } else {
                respond(exchange, 405, error("UNSUPPORTED", "use GET or POST"));
                return;
            }
            boolean authenticated = false;
            if (user != null) {
                if (!user.equals(testbed.tokenUser()) || !testbed.tokenPassword().equals(password)) {
                    exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"" + realm() + "\"");
                    respond(exchange, 401, error("UNAUTHORIZED", "incorrect username or password for " + user));
                    return;
                }
                authenticated = true;
            }
            String service = first(params, "service");
            Instant now = Instant.now();
            String token = sign(authenticated ? user : "", service == null ? testbed.tokenService() : service,
                    grant(params.getOrDefault("scope", List.of()), authenticated), now, TOKEN_LIFETIME);
            issued.incrementAndGet();
            ObjectNode answer = json.createObjectNode()
                    .put("token", token)
                    .put("access_token", token)
                    .put("expires_in", TOKEN_LIFETIME.toSeconds())
                    .put("issued_at", now.toString());
            if (method.equals("POST")) {
                answer.put("token_type", "Bearer");
                answer.put("scope", String.join(" ", params.getOrDefault("scope", List.of())));
            }
            respond(exchange, 200, answer);
        }
    }

    /** The access entries granted for the requested scopes under the policy in the class comment. */
    private ArrayNode grant(List<String> scopeParams, boolean authenticated) {
        Map<String, Set<String>> granted = new LinkedHashMap<>();
        Map<String, String> types = new LinkedHashMap<>();
        for (String param : scopeParams) {
            for (String scope : param.trim().split("\\s+")) {
                int firstColon = scope.indexOf(':');
                int lastColon = scope.lastIndexOf(':');
                if (firstColon < 0 || lastColon == firstColon) {
                    continue;
                }
                String type = scope.substring(0, firstColon).replaceFirst("\\(.*\\)$", "");
                String name = scope.substring(firstColon + 1, lastColon);
                List<String> wanted = List.of(scope.substring(lastColon + 1).split(","));
                List<String> allowed = new ArrayList<>();
                for (String action : wanted) {
                    if (authenticated || (type.equals("repository") && action.equals("pull") && PUBLIC_REPOSITORIES.contains(name))) {
                        allowed.add(action);
                    }
                }
                String keyName = type + ":" + name;
                types.put(keyName, type);
                granted.computeIfAbsent(keyName, k -> new LinkedHashSet<>()).addAll(allowed);
            }
        }
        ArrayNode access = json.createArrayNode();
        granted.forEach((keyName, actions) -> {
            if (!actions.isEmpty()) {
                ObjectNode entry = access.addObject()
                        .put("type", types.get(keyName))
                        .put("name", keyName.substring(keyName.indexOf(':') + 1));
                actions.forEach(entry.putArray("actions")::add);
            }
        });
        return access;
    }

    private ObjectNode error(String code, String message) {
        ObjectNode body = json.createObjectNode();
        body.putArray("errors").addObject().put("code", code).put("message", message);
        body.put("error", code).put("error_description", message);
        return body;
    }

    private void respond(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = json.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private static String[] basicCredentials(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return new String[] {"", ""};
        }
        int colon = decoded.indexOf(':');
        return colon < 0 ? new String[] {decoded, ""} : new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)};
    }

    private static Map<String, List<String>> parseForm(String raw) {
        Map<String, List<String>> params = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return params;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            params.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        return params;
    }

    private static String first(Map<String, List<String>> params, String name) {
        List<String> values = params.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    private static PrivateKey readKey(Path pem) {
        try {
            String text = Files.readString(pem, StandardCharsets.US_ASCII);
            if (!text.contains("-----BEGIN PRIVATE KEY-----")) {
                throw new IllegalStateException(pem + " is not a PKCS#8 PEM key (BEGIN PRIVATE KEY): rerun `sudo testbed/up`");
            }
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pemBody(text)));
        } catch (IOException e) {
            throw new UncheckedIOException("reading the token signing key " + pem + " failed", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the token signing key " + pem + " is not an RSA PKCS#8 key", e);
        }
    }

    private static String readCertificate(Path pem) {
        try (InputStream in = Files.newInputStream(pem)) {
            X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            return Base64.getEncoder().encodeToString(certificate.getEncoded());
        } catch (IOException e) {
            throw new UncheckedIOException("reading the token certificate " + pem + " failed", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the token certificate " + pem + " is not an X.509 certificate", e);
        }
    }

    private static byte[] pemBody(String pem) {
        String body = pem.replaceAll("-----(BEGIN|END) [A-Z ]+-----", "").replaceAll("\\s", "");
        return Base64.getDecoder().decode(body);
    }
}
