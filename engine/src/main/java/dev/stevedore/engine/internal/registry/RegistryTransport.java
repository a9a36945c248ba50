package dev.stevedore.engine.internal.registry;

import dev.stevedore.engine.EngineSettings;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

import java.io.Closeable;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.ProtocolException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * How the engine talks HTTP to registries: HTTPS with the JDK's trust plus the registry's
 * {@code certs.d} CAs; plain HTTP only for loopback registries and those listed as insecure (and only
 * when the registry does not speak TLS); redirects followed without ever carrying the
 * {@code Authorization} header to another host, and never from HTTPS down to HTTP nor round a loop. A read
 * that waits longer than the read timeout (a registry that stalls mid-blob) fails, and is retried as a broken
 * connection is.
 *
 * <p>Thread-safe: every registry shares one connection pool and dispatcher.
 */
final class RegistryTransport implements Closeable {
    private static final int MAX_REDIRECTS = 10;
    /** How long one read may wait for the registry's next bytes, unless {@value #READ_TIMEOUT_VARIABLE} says otherwise. */
    static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(60);
    static final String READ_TIMEOUT_VARIABLE = "STEVEDORE_REGISTRY_READ_TIMEOUT";
    private static final Pattern LOOPBACK_V4 = Pattern.compile("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");

    private final EngineSettings settings;
    private final OkHttpClient base;
    private final Map<String, OkHttpClient> clients = new ConcurrentHashMap<>();
    private final Map<String, HttpUrl> bases = new ConcurrentHashMap<>();

    RegistryTransport(EngineSettings settings) {
        this(settings, DEFAULT_READ_TIMEOUT);
    }

    /** A transport whose reads fail after waiting {@code readTimeout} for the registry's next bytes. */
    RegistryTransport(EngineSettings settings, Duration readTimeout) {
        this.settings = settings;
        this.base = new OkHttpClient.Builder()
                .followRedirects(false)
                .followSslRedirects(false)
                .connectTimeout(15, TimeUnit.SECONDS)
                .readTimeout(readTimeout)
                .writeTimeout(60, TimeUnit.SECONDS)
                .build();
    }

    /**
     * The read timeout {@code value} (whole seconds, from {@value #READ_TIMEOUT_VARIABLE}) names, or the default when
     * it is unset.
     *
     * @throws IllegalArgumentException when it is not a positive number of seconds
     */
    static Duration readTimeout(String value) {
        if (value == null || value.isBlank()) {
            return DEFAULT_READ_TIMEOUT;
        }
        try {
            long seconds = Long.parseLong(value.strip());
            if (seconds > 0) {
                return Duration.ofSeconds(seconds);
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new IllegalArgumentException(READ_TIMEOUT_VARIABLE + "=" + value + " is not a positive number of seconds");
    }

    /** Whether {@code hostPort} may be reached over plain HTTP: loopback, or listed as insecure. */
    boolean plainHttpAllowed(String hostPort) {
        return isLoopback(host(hostPort)) || isListedInsecure(hostPort);
    }

    private boolean isListedInsecure(String hostPort) {
        return settings.insecureRegistries().contains(hostPort) || settings.insecureRegistries().contains(host(hostPort));
    }

    /** {@code localhost}, 127/8 and {@code ::1}, by their literal spelling (no name lookup). */
    static boolean isLoopback(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        return h.equalsIgnoreCase("localhost") || LOOPBACK_V4.matcher(h).matches() || h.equals("::1")
                || h.equals("0:0:0:0:0:0:0:1");
    }

    /** The host of {@code host[:port]}, IPv6 brackets kept. */
    static String host(String hostPort) {
        if (hostPort.startsWith("[")) {
            int close = hostPort.indexOf(']');
            return close < 0 ? hostPort : hostPort.substring(0, close + 1);
        }
        int colon = hostPort.lastIndexOf(':');
        return colon < 0 ? hostPort : hostPort.substring(0, colon);
    }

    /** {@code host:port} of a URL as registries are named (port left out when it is the scheme's default). */
    static String hostPort(HttpUrl url) {
        String host = url.host().contains(":") ? "[" + url.host() + "]" : url.host();
        return url.port() == HttpUrl.defaultPort(url.scheme()) ? host : host + ":" + url.port();
    }

    /** The certificate directories a user should put a CA for {@code hostPort} into, for messages. */
    List<Path> certificateDirectories() {
        return settings.certificateDirectories();
    }

    /**
     * The {@code scheme://host:port} to use for {@code registry}, found once by pinging {@code /v2/}:
     * HTTPS, unless the registry may be plain and answers TLS with something that is not TLS.
     * The ping's response is handed to {@code onPing} (for its auth challenges).
     */
    HttpUrl baseUrl(String registry, PingListener onPing) throws IOException {
        HttpUrl known = bases.get(registry);
        if (known != null) {
            return known;
        }
        HttpUrl https = url("https", registry);
        try {
            ping(https, onPing);
            bases.put(registry, https);
            return https;
        } catch (SSLException e) {
            boolean certificateProblem = isCertificateProblem(e);
            if (!plainHttpAllowed(registry) || (certificateProblem && !isListedInsecure(registry))) {
                throw e;
            }
            HttpUrl http = url("http", registry);
            try {
                ping(http, onPing);
            } catch (IOException plainFailure) {
                plainFailure.addSuppressed(e);
                throw plainFailure;
            }
            bases.put(registry, http);
            return http;
        }
    }

    /** Receives the response to the {@code /v2/} ping (its body is not needed). */
    @FunctionalInterface
    interface PingListener {
        void pinged(Response response);
    }

    private void ping(HttpUrl base, PingListener onPing) throws IOException {
        try (Response response = send(new Request.Builder().url(base.resolve("/v2/")).get().build(), base)) {
            onPing.pinged(response);
        }
    }

    private static HttpUrl url(String scheme, String registry) {
        HttpUrl url = HttpUrl.parse(scheme + "://" + registry + "/");
        if (url == null) {
            throw new IllegalArgumentException("\"" + registry + "\" is not a registry host[:port]");
        }
        return url;
    }

    /**
     * Sends {@code request}, following redirects. {@code Authorization} goes only to the origin of
     * {@code authorizedOrigin} (scheme, host and port); a redirect from HTTPS to plain HTTP is refused, whatever
     * the target (what TLS protected would go in the clear, to whoever could answer), and so is a redirect back to a
     * URL already visited (a loop).
     */
    Response send(Request request, HttpUrl authorizedOrigin) throws IOException {
        Request current = request;
        Set<HttpUrl> visited = new HashSet<>();
        for (int hop = 0; ; hop++) {
            visited.add(current.url());
            Response response = clientFor(current.url()).newCall(current).execute();
            if (!response.isRedirect()) {
                return response;
            }
            String location = response.header("Location");
            HttpUrl next = location == null ? null : response.request().url().resolve(location);
            response.close();
            if (next == null) {
                throw new ProtocolException("the redirect from " + shown(current.url()) + " has no usable Location");
            }
            if (visited.contains(next)) {
                throw new ProtocolException("refusing a redirect loop: " + shown(current.url()) + " redirects back to "
                        + shown(next) + ", visited " + hop + " redirect(s) before");
            }
            if (hop >= MAX_REDIRECTS) {
                throw new ProtocolException("more than " + MAX_REDIRECTS + " redirects, the last to " + shown(next));
            }
            if (current.isHttps() && !next.isHttps()) {
                throw new ProtocolException("refusing to follow a redirect from HTTPS down to plain HTTP: " + shown(current.url())
                        + " -> " + shown(next));
            }
            Request.Builder builder = current.newBuilder().url(next);
            if (!sameOrigin(next, authorizedOrigin)) {
                builder.removeHeader("Authorization");
            }
            if (response.code() == 303 && !"HEAD".equals(current.method())) {
                builder.get();
            }
            current = builder.build();
        }
    }

    private static boolean sameOrigin(HttpUrl a, HttpUrl b) {
        return b != null && a.scheme().equals(b.scheme()) && a.host().equals(b.host()) && a.port() == b.port();
    }

    private OkHttpClient clientFor(HttpUrl url) {
        if (!url.isHttps()) {
            return base;
        }
        return clients.computeIfAbsent(hostPort(url), hostPort -> {
            RegistryTls tls = isListedInsecure(hostPort) ? RegistryTls.trustingEverything()
                    : RegistryTls.forRegistry(hostPort, settings.certificateDirectories());
            if (tls == null) {
                return base;
            }
            OkHttpClient.Builder builder = base.newBuilder().sslSocketFactory(tls.socketFactory(), tls.trustManager());
            if (!tls.verifyHost()) {
                builder.hostnameVerifier((name, session) -> true);
            }
            return builder.build();
        });
    }

    static boolean isCertificateProblem(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CertificateException || t instanceof SSLPeerUnverifiedException) {
                return true;
            }
        }
        return false;
    }

    /**
     * What went wrong talking to {@code url}, in words for a user, with what to do where there is
     * something to do: untrusted certificates, refused connections, unknown hosts, timeouts.
     */
    String describe(IOException e, HttpUrl url) {
        String where = shown(url);
        String hostPort = hostPort(url);
        if (e instanceof SSLPeerUnverifiedException) {
            return "the TLS certificate of " + hostPort + " does not name that host (" + e.getMessage() + ") at " + where;
        }
        if (e instanceof SSLException && isCertificateProblem(e)) {
            Path dir = settings.certificateDirectories().isEmpty() ? Path.of("/etc/docker/certs.d")
                    : settings.certificateDirectories().get(0);
            return "the TLS certificate of " + hostPort + " is not trusted (" + rootMessage(e) + ") at " + where
                    + " — put the registry's CA certificate in " + dir.resolve(hostPort).resolve("ca.crt")
                    + " (or another directory of STEVEDORE_CERTS_D), or add it to the JDK's trust store";
        }
        if (e instanceof SSLException) {
            return "the TLS handshake with " + where + " failed: " + rootMessage(e)
                    + (plainHttpAllowed(hostPort) ? "" : " — plain HTTP is used only for loopback registries and those "
                    + "in STEVEDORE_INSECURE_REGISTRIES");
        }
        if (e instanceof ConnectException || e instanceof NoRouteToHostException) {
            return "cannot connect to " + where + ": " + rootMessage(e) + " — is the registry running and reachable?";
        }
        if (e instanceof UnknownHostException) {
            return "unknown host " + url.host() + " (" + where + ") — check the registry name and DNS";
        }
        if (e instanceof SocketTimeoutException) {
            return "no answer from " + where + " in time (" + rootMessage(e) + ")";
        }
        return "the request to " + where + " failed: " + rootMessage(e);
    }

    /** A URL as messages show it: without credentials or query (signed CDN URLs carry secrets there). */
    static String shown(HttpUrl url) {
        return url.newBuilder().username("").password("").query(null).fragment(null).build().toString();
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return message == null ? root.getClass().getSimpleName() : message;
    }

    @Override
    public void close() {
        base.dispatcher().executorService().shutdown();
        base.connectionPool().evictAll();
    }
}
