package dev.stevedore.serve.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP/1.1 request as the server read it: the method, the percent-decoded path with any {@code /v1.NN}
 * prefix taken off (and kept as {@link #apiVersion()}), the query, the headers (names in lower case) and the
 * body, which reads no further than the request's own end (Content-Length or chunked).
 *
 * @param method     GET, HEAD, POST, PUT or DELETE, as sent
 * @param path       the decoded path without the version prefix, starting with {@code /}
 * @param apiVersion the version the client asked for ({@code 1.44}), or {@code null} without a prefix
 * @param query      every query parameter with all its values, decoded
 * @param headers    header name in lower case → its last value
 * @param body       the request body; empty when the request has none
 */
record HttpRequest(String method, String path, String apiVersion, Map<String, List<String>> query,
                   Map<String, String> headers, InputStream body) {

    /** The first value of query parameter {@code name}, or {@code null}. */
    String query(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /**
     * A boolean query parameter read as moby reads one: absent, empty, {@code 0}, {@code no}, {@code false} and
     * {@code none} are false, anything else true.
     */
    boolean flag(String name) {
        return isTrue(query(name));
    }

    static boolean isTrue(String value) {
        if (value == null) {
            return false;
        }
        String v = value.strip().toLowerCase(Locale.ROOT);
        return !(v.isEmpty() || v.equals("0") || v.equals("no") || v.equals("false") || v.equals("none"));
    }

    /** Query parameter {@code name} as an integer, or {@code fallback} when absent or empty. */
    long number(String name, long fallback) {
        String value = query(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("invalid value for " + name + ": \"" + value + "\" is not a number");
        }
    }

    /** Header {@code name} (any case), or {@code null}. */
    String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    /** Whether the client asks to take the connection over as a raw stream ({@code Upgrade: tcp}). */
    boolean upgrade() {
        String connection = header("connection");
        String upgrade = header("upgrade");
        return upgrade != null && connection != null && connection.toLowerCase(Locale.ROOT).contains("upgrade");
    }

    /** Whether the client wants the connection closed after this exchange. */
    boolean wantsClose() {
        String connection = header("connection");
        return connection != null && connection.toLowerCase(Locale.ROOT).contains("close");
    }

    /** The whole body. */
    byte[] bodyBytes() throws IOException {
        return body.readAllBytes();
    }
}
