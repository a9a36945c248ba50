package dev.stevedore.engine.internal.docker;

import okhttp3.ConnectionPool;
import okhttp3.Dns;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.Proxy;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSocket;

/**
 * The HTTP side of one Docker endpoint: an OkHttp client that reaches it (over its unix socket, TCP or
 * TLS) and the base URL requests go to. Knows nothing of API versions or JSON.
 *
 * <p>Over a unix socket the URL's host is the placeholder {@code docker}; a private DNS maps it to a
 * loopback address that the socket ignores, so no lookup and no TCP connection ever happens.
 */
final class DockerHttp implements AutoCloseable {
    /** The host name in URLs for a unix socket endpoint. */
    static final String UNIX_HOST = "docker";
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    static final Duration READ_TIMEOUT = Duration.ofSeconds(60);
    private static final String USER_AGENT = "stevedore/0.1";

    private final DockerEndpoint endpoint;
    private final OkHttpClient client;
    private final HttpUrl baseUrl;

    private DockerHttp(DockerEndpoint endpoint, OkHttpClient client, HttpUrl baseUrl) {
        this.endpoint = endpoint;
        this.client = client;
        this.baseUrl = baseUrl;
    }

    /** A client for {@code endpoint}; loads TLS material now but does not connect. */
    static DockerHttp open(DockerEndpoint endpoint) {
        OkHttpClient.Builder builder = new OkHttpClient.Builder()
                .proxy(Proxy.NO_PROXY)
                .connectTimeout(CONNECT_TIMEOUT)
                .readTimeout(READ_TIMEOUT)
                .writeTimeout(READ_TIMEOUT)
                .connectionPool(new ConnectionPool(5, 1, TimeUnit.MINUTES))
                .followRedirects(false)
                .addNetworkInterceptor(chain -> chain.proceed(chain.request().newBuilder()
                        .header("User-Agent", USER_AGENT).build()));
        HttpUrl base;
        if (endpoint.kind() == DockerEndpoint.Kind.UNIX) {
            builder.socketFactory(new UnixSocketFactory(endpoint.socketPath())).dns(new PlaceholderDns());
            base = new HttpUrl.Builder().scheme("http").host(UNIX_HOST).build();
        } else {
            String[] hostPort = splitHostPort(endpoint.address());
            if (endpoint.tls()) {
                DockerTls tls = DockerTls.load(endpoint.tlsDirectory());
                builder.sslSocketFactory(tls.socketFactory(), tls.trustManager());
            }
            base = new HttpUrl.Builder().scheme(endpoint.tls() ? "https" : "http")
                    .host(hostPort[0]).port(Integer.parseInt(hostPort[1])).build();
        }
        return new DockerHttp(endpoint, builder.build(), base);
    }

    DockerEndpoint endpoint() {
        return endpoint;
    }

    OkHttpClient client() {
        return client;
    }

    /** A URL on this endpoint for {@code path} ({@code /v1.41/images/json}); {@code /} stays a separator. */
    HttpUrl.Builder url(String path) {
        HttpUrl.Builder url = baseUrl.newBuilder();
        String relative = path.startsWith("/") ? path.substring(1) : path;
        if (!relative.isEmpty()) {
            url.addPathSegments(relative);
        }
        return url;
    }

    /** The {@code Host} header OkHttp sends: {@code docker} over a unix socket, {@code host:port} over TCP. */
    String hostHeader() {
        return endpoint.kind() == DockerEndpoint.Kind.UNIX ? UNIX_HOST : baseUrl.host() + ":" + baseUrl.port();
    }

    /**
     * A new connection to the endpoint outside OkHttp's pool, for a request whose connection becomes a
     * two-way byte stream ({@code Upgrade: tcp}): connected, TLS handshaken and the host name verified as
     * OkHttp would. The caller owns and closes it.
     */
    Socket openSocket() throws IOException {
        if (endpoint.kind() == DockerEndpoint.Kind.UNIX) {
            Socket socket = new UnixSocket(endpoint.socketPath());
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return socket;
        }
        Socket plain = new Socket(Proxy.NO_PROXY);
        try {
            plain.connect(new InetSocketAddress(baseUrl.host(), baseUrl.port()), (int) CONNECT_TIMEOUT.toMillis());
            plain.setTcpNoDelay(true);
            if (!endpoint.tls()) {
                return plain;
            }
            SSLSocket tls = (SSLSocket) client.sslSocketFactory().createSocket(plain, baseUrl.host(), baseUrl.port(), true);
            tls.startHandshake();
            if (!client.hostnameVerifier().verify(baseUrl.host(), tls.getSession())) {
                tls.close();
                throw new SSLPeerUnverifiedException("the Docker daemon's certificate does not name " + baseUrl.host());
            }
            return tls;
        } catch (IOException | RuntimeException e) {
            plain.close();
            throw e;
        }
    }

    @Override
    public void close() {
        client.dispatcher().executorService().shutdown();
        client.connectionPool().evictAll();
    }

    private static String[] splitHostPort(String address) {
        int colon = address.lastIndexOf(':');
        String host = address.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new String[] {host, address.substring(colon + 1)};
    }

    /** Resolves the placeholder host without any lookup; the unix socket ignores the address anyway. */
    private static final class PlaceholderDns implements Dns {
        @Override
        public List<InetAddress> lookup(String hostname) throws UnknownHostException {
            return List.of(InetAddress.getByAddress(hostname, new byte[] {127, 0, 0, 1}));
        }
    }
}
