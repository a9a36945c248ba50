package dev.stevedore.dsl;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.IntPredicate;
import java.util.function.Predicate;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Ready once an HTTP request from the host gets the expected answer: {@link Wait#http}. Immutable.
 *
 * <p>Defaults: {@code GET}, the container's first published port, any 2xx status, any body, plain HTTP.
 * {@link #tls()} speaks HTTPS without checking the certificate (test containers use self-signed ones).
 */
public final class HttpWait implements WaitStrategy {
    private static final int BODY_LIMIT = 1 << 20;
    private static final Duration REQUEST_LIMIT = Duration.ofSeconds(2);

    private final String path;
    private final int port;
    private final String method;
    private final Map<String, String> headers;
    private final IntPredicate status;
    private final String statusDescription;
    private final Predicate<String> body;
    private final String bodyDescription;
    private final boolean tls;
    private final Duration timeout;

    HttpWait(String path) {
        this(path, 0, "GET", Map.of(), s -> s >= 200 && s < 300, "2xx", null, null, false, null);
    }

    private HttpWait(String path, int port, String method, Map<String, String> headers, IntPredicate status,
                     String statusDescription, Predicate<String> body, String bodyDescription, boolean tls, Duration timeout) {
        Objects.requireNonNull(path, "path");
        if (!path.startsWith("/")) {
            throw new InvalidDefinitionException("wait for HTTP " + path, "the path must start with /");
        }
        this.path = path;
        this.port = port;
        this.method = method;
        this.headers = Map.copyOf(headers);
        this.status = status;
        this.statusDescription = statusDescription;
        this.body = body;
        this.bodyDescription = bodyDescription;
        this.tls = tls;
        this.timeout = timeout;
    }

    /** The container port to ask (published with {@code expose}); by default its first published port. */
    public HttpWait port(int containerPort) {
        return new HttpWait(path, containerPort, method, headers, status, statusDescription, body, bodyDescription, tls, timeout);
    }

    /** The request method; {@code GET} by default. */
    public HttpWait method(String value) {
        return new HttpWait(path, port, value, headers, status, statusDescription, body, bodyDescription, tls, timeout);
    }

    /** Adds a request header. */
    public HttpWait header(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new HttpWait(path, port, method, more, status, statusDescription, body, bodyDescription, tls, timeout);
    }

    /** Ready only on one of these statuses. */
    public HttpWait status(int... codes) {
        int[] accepted = codes.clone();
        String described = java.util.Arrays.toString(accepted);
        return new HttpWait(path, port, method, headers, s -> java.util.Arrays.stream(accepted).anyMatch(c -> c == s),
                described, body, bodyDescription, tls, timeout);
    }

    /** Ready only on a status {@code predicate} accepts. */
    public HttpWait status(IntPredicate predicate) {
        return new HttpWait(path, port, method, headers, predicate, "accepted by a predicate", body, bodyDescription, tls, timeout);
    }

    /** Ready only when the body (read as UTF-8, at most 1 MiB) satisfies {@code predicate}. */
    public HttpWait body(Predicate<String> predicate) {
        return new HttpWait(path, port, method, headers, status, statusDescription, predicate, "a body accepted by a predicate",
                tls, timeout);
    }

    /** Ready only when the body contains {@code text}. */
    public HttpWait bodyContains(String text) {
        return new HttpWait(path, port, method, headers, status, statusDescription, b -> b.contains(text),
                "a body containing \"" + text + "\"", tls, timeout);
    }

    /** Speaks HTTPS, trusting whatever certificate the container shows (for this check only). */
    public HttpWait tls() {
        return new HttpWait(path, port, method, headers, status, statusDescription, body, bodyDescription, true, timeout);
    }

    /** Its own timeout. */
    public HttpWait timeout(Duration value) {
        return new HttpWait(path, port, method, headers, status, statusDescription, body, bodyDescription, tls, value);
    }

    @Override
    public Optional<Duration> timeout() {
        return Optional.ofNullable(timeout);
    }

    @Override
    public void waitUntilReady(ContainerHandle container, Duration timeout) {
        int containerPort = port != 0 ? port : container.definition().ports().stream().findFirst()
                .map(ContainerDefinition.Port::containerPort)
                .orElseThrow(() -> Waiting.notReady(container, "cannot be asked over HTTP", description(),
                        "it publishes no port; expose one, or name it with Wait.http(path).port(n)", null, null));
        Waiting.until(container, timeout, description(), observed -> {
            URL url = new URL((tls ? "https://" : "http://") + container.endpoint(containerPort) + path);
            HttpURLConnection connection = (HttpURLConnection) url.openConnection();
            try {
                if (tls) {
                    trustAnything((HttpsURLConnection) connection);
                }
                connection.setConnectTimeout((int) REQUEST_LIMIT.toMillis());
                connection.setReadTimeout((int) REQUEST_LIMIT.toMillis());
                connection.setInstanceFollowRedirects(false);
                connection.setRequestMethod(method);
                headers.forEach(connection::setRequestProperty);
                int code = connection.getResponseCode();
                if (!status.test(code)) {
                    observed.set("status " + code);
                    return false;
                }
                if (body == null) {
                    return true;
                }
                String text = read(code >= 400 ? connection.getErrorStream() : connection.getInputStream());
                boolean accepted = body.test(text);
                observed.set("status " + code + ", body " + abbreviate(text));
                return accepted;
            } finally {
                connection.disconnect();
            }
        });
    }

    @Override
    public String description() {
        String what = method + " " + (tls ? "https" : "http") + "://…" + (port != 0 ? ":" + port : "") + path
                + " to answer status " + statusDescription;
        return bodyDescription == null ? what : what + " with " + bodyDescription;
    }

    private static String read(InputStream in) throws IOException {
        if (in == null) {
            return "";
        }
        try (InputStream stream = in) {
            return new String(stream.readNBytes(BODY_LIMIT), StandardCharsets.UTF_8);
        }
    }

    private static String abbreviate(String text) {
        String oneLine = text.replaceAll("\\s+", " ").trim();
        return "\"" + (oneLine.length() > 120 ? oneLine.substring(0, 120) + "…" : oneLine) + "\"";
    }

    private static void trustAnything(HttpsURLConnection connection) throws GeneralSecurityException {
        TrustManager[] trustAll = {new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }};
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trustAll, null);
        connection.setSSLSocketFactory(context.getSocketFactory());
        connection.setHostnameVerifier((host, session) -> true);
    }
}
