package dev.stevedore.engine.internal.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stevedore.engine.ContainerEngineException;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.Okio;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Calls on a Docker Engine API endpoint at a negotiated version: every path gets the {@code /v1.NN}
 * prefix; answers outside 2xx become {@link DockerApiException}s carrying the daemon's message; I/O
 * failures become {@link ContainerEngineException}s that name the call and the endpoint.
 *
 * <p>Thread-safe; one instance per engine. Made by {@link DockerConnector} after the version is agreed.
 */
final class DockerApi implements AutoCloseable {
    static final ObjectMapper MAPPER = new ObjectMapper();
    static final MediaType JSON = MediaType.get("application/json");
    private static final int ERROR_BODY_LIMIT = 64 * 1024;

    private final DockerHttp http;
    private final ApiVersion version;
    private final String server;

    DockerApi(DockerHttp http, ApiVersion version, String server) {
        this.http = http;
        this.version = version;
        this.server = server;
    }

    DockerEndpoint endpoint() {
        return http.endpoint();
    }

    /** The API version every call uses. */
    ApiVersion version() {
        return version;
    }

    /** The daemon's {@code Server} header ({@code Docker/20.10.24 (linux)}, {@code Libpod/4.3.1}), or empty. */
    String server() {
        return server;
    }

    /** A call of {@code method} on {@code path} (without version prefix, e.g. {@code /images/json}). */
    Call call(String method, String path) {
        return new Call(method, path);
    }

    /** A connection of its own for an upgraded request ({@code Upgrade: tcp}); the caller closes it. */
    java.net.Socket openSocket() throws IOException {
        return http.openSocket();
    }

    /** {@code path} as it goes on the wire: {@code /v1.41/exec/ID/start}. */
    String versionedPath(String path) {
        return version.pathPrefix() + path;
    }

    /** The {@code Host} header value requests carry. */
    String hostHeader() {
        return http.hostHeader();
    }

    @Override
    public void close() {
        http.close();
    }

    /** One request being put together; finish it with {@link #json()}, {@link #discard()} or {@link #open()}. */
    final class Call {
        private final String method;
        private final String path;
        private final HttpUrl.Builder url;
        private final Request.Builder request = new Request.Builder();
        private RequestBody body;
        private Duration readTimeout;
        private Duration callTimeout;
        private volatile okhttp3.Call running;

        private Call(String method, String path) {
            this.method = method;
            this.path = path;
            this.url = http.url(version.pathPrefix() + path);
        }

        Call query(String name, String value) {
            if (value != null) {
                url.addQueryParameter(name, value);
            }
            return this;
        }

        Call header(String name, String value) {
            if (value != null) {
                request.header(name, value);
            }
            return this;
        }

        Call body(RequestBody requestBody) {
            this.body = requestBody;
            return this;
        }

        Call jsonBody(Object value) {
            try {
                return body(RequestBody.create(MAPPER.writeValueAsBytes(value), JSON));
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot write JSON for " + describe(), e);
            }
        }

        /** How long a read may wait for the next bytes; {@link Duration#ZERO} for ever (followed logs). */
        Call readTimeout(Duration timeout) {
            this.readTimeout = timeout;
            return this;
        }

        /**
         * How long the whole call may take, reading the body included; when it runs out the call fails with
         * an I/O error whose cause is {@link java.io.InterruptedIOException}.
         */
        Call callTimeout(Duration timeout) {
            this.callTimeout = timeout;
            return this;
        }

        /** The answer's JSON; {@code null} for an empty body. */
        JsonNode json() {
            try (Response response = open(); ResponseBody responseBody = response.body()) {
                byte[] bytes = responseBody == null ? new byte[0] : responseBody.bytes();
                return bytes.length == 0 ? null : MAPPER.readTree(bytes);
            } catch (IOException e) {
                throw ioFailure(e);
            }
        }

        /** Runs the call and drops the body. */
        void discard() {
            try (Response response = open(); ResponseBody responseBody = response.body()) {
                if (responseBody != null) {
                    responseBody.source().readAll(Okio.blackhole());
                }
            } catch (IOException e) {
                throw ioFailure(e);
            }
        }

        /**
         * Runs the call and hands over the open, successful response for incremental reading; the caller
         * closes it.
         *
         * @throws DockerApiException for an answer outside 2xx
         */
        Response open() {
            String m = method;
            RequestBody b = body;
            if (b == null && (m.equals("POST") || m.equals("PUT"))) {
                b = RequestBody.create(new byte[0], null);
            }
            Request built = request.url(url.build()).method(m, b).build();
            var client = http.client();
            if (readTimeout != null || callTimeout != null) {
                var builder = client.newBuilder();
                if (readTimeout != null) {
                    builder.readTimeout(readTimeout).writeTimeout(readTimeout);
                }
                if (callTimeout != null) {
                    builder.callTimeout(callTimeout);
                }
                client = builder.build();
            }
            Response response;
            try {
                okhttp3.Call call = client.newCall(built);
                running = call;
                response = call.execute();
            } catch (IOException e) {
                throw ioFailure(e);
            }
            if (!response.isSuccessful()) {
                try (response) {
                    throw new DockerApiException(describe(), endpoint(), response.code(), errorMessage(response));
                }
            }
            return response;
        }

        /**
         * Ends the call {@link #open()} ran by closing its connection: a reader blocked on the response wakes with an
         * exception. Closing an endless response (events) is not enough: okhttp reads what is left of it first, and
         * a stream that keeps coming (a container restarting by policy) never runs out.
         */
        void cancel() {
            okhttp3.Call call = running;
            if (call != null) {
                call.cancel();
            }
        }

        /** {@code POST /images/create} (without the version prefix), for messages. */
        String describe() {
            return method + " " + path;
        }

        ContainerEngineException ioFailure(IOException e) {
            return new ContainerEngineException(describe() + " on the Docker daemon at " + endpoint().uri()
                    + " failed: " + DockerConnector.reason(e) + "; check that the daemon is still running", e);
        }
    }

    /** The daemon's {@code {"message": ...}}, else the start of whatever text it sent. */
    static String errorMessage(Response response) {
        ResponseBody body = response.body();
        if (body == null) {
            return "";
        }
        byte[] bytes;
        try (InputStream in = body.byteStream()) {
            bytes = in.readNBytes(ERROR_BODY_LIMIT);
        } catch (IOException e) {
            return "";
        }
        try {
            JsonNode json = MAPPER.readTree(bytes);
            if (json != null && json.hasNonNull("message")) {
                return json.get("message").asText();
            }
        } catch (IOException notJson) {
            // fall through to the text
        }
        String text = new String(bytes, StandardCharsets.UTF_8).strip().replaceAll("\\s+", " ");
        return text.length() > 300 ? text.substring(0, 300) + "…" : text;
    }
}
