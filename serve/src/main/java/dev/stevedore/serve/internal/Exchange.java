package dev.stevedore.serve.internal;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.util.regex.Matcher;

/**
 * A request being answered: the request, its answer, the path's parameters and the connection (for
 * streams that must notice the client going away, and for hijacking).
 */
final class Exchange {
    private final HttpRequest request;
    private final HttpResponse response;
    private final Matcher parameters;
    private final ServerConnection connection;

    Exchange(HttpRequest request, HttpResponse response, Matcher parameters, ServerConnection connection) {
        this.request = request;
        this.response = response;
        this.parameters = parameters;
        this.connection = connection;
    }

    HttpRequest request() {
        return request;
    }

    HttpResponse response() {
        return response;
    }

    ServerConnection connection() {
        return connection;
    }

    /** The path parameter {@code name}. */
    String param(String name) {
        return parameters.group(name);
    }

    /**
     * Takes the connection over for a raw stream (see {@link HttpResponse#hijack}); what is left of the request
     * body is skipped first, so the stream the handler then reads from the connection is the client's stdin.
     */
    java.io.OutputStream hijack(String contentType) throws IOException {
        request.body().skip(Long.MAX_VALUE);
        while (request.body().read() >= 0) {
            // skip may stop short; the body ends where the raw stream begins
        }
        return response.hijack(request.upgrade(), contentType);
    }

    /**
     * The request body as JSON (a missing node when empty).
     *
     * @throws ApiException 413 when the body is larger than the server's bound for JSON (the connection then closes)
     */
    JsonNode body() throws IOException {
        int max = connection.limits().maxJsonBody();
        byte[] bytes = request.body().readNBytes(max + 1);
        if (bytes.length > max) {
            throw new ApiException(413, "the JSON request body is larger than " + max + " bytes; no Docker client sends"
                    + " one this large");
        }
        return Json.read(bytes);
    }
}
