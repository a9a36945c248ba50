package dev.stevedore.serve.internal;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The answer to one request, written once: a whole body with its length, a chunked stream flushed per write,
 * or a hijacked connection (raw bytes until the server closes it). Every answer carries the headers moby's
 * middleware adds ({@code Api-Version}, {@code Docker-Experimental}, {@code Ostype}, {@code Server}); a HEAD
 * request gets the head only.
 */
final class HttpResponse {
    /** The JSON content type, exactly: the Go client reads error bodies only for this string. */
    static final String JSON = "application/json";

    private enum State { NEW, STREAMING, DONE, HIJACKED }

    private final OutputStream out;
    private final boolean head;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private State state = State.NEW;
    private boolean close;
    private ChunkedOutputStream chunked;
    private int status;

    HttpResponse(OutputStream out, boolean head) {
        this.out = out;
        this.head = head;
        headers.put("Api-Version", DockerApiVersions.CURRENT);
        headers.put("Docker-Experimental", "false");
        headers.put("Ostype", "linux");
        headers.put("Server", "Stevedore/" + DockerApiVersions.SERVER_VERSION + " (linux)");
    }

    /** Adds (or replaces) a header of the answer; before it is committed. */
    HttpResponse header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    /** Closes the connection after this answer (streams that end only when the client goes away). */
    HttpResponse closeAfter() {
        close = true;
        return this;
    }

    boolean closesConnection() {
        return close || state == State.HIJACKED;
    }

    boolean committed() {
        return state != State.NEW;
    }

    int status() {
        return status;
    }

    /** A whole answer. */
    void send(int code, String contentType, byte[] body) throws IOException {
        begin(code);
        StringBuilder head = statusLine(code);
        if (contentType != null) {
            head.append("Content-Type: ").append(contentType).append("\r\n");
        }
        if (code != 204 && code != 304) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        writeHead(head);
        if (!this.head && code != 204 && code != 304) {
            out.write(body);
        }
        out.flush();
        state = State.DONE;
    }

    void json(int code, JsonNode body) throws IOException {
        send(code, JSON, Json.bytes(body));
    }

    /** {@code {"message": ...}}, Docker's error body. */
    void error(int code, String message) throws IOException {
        send(code, JSON, Json.bytes(Json.object().put("message", message)));
    }

    /** An answer without a body: 204, or 200/201 with an empty one. */
    void empty(int code) throws IOException {
        send(code, code == 204 || code == 304 ? null : "text/plain; charset=utf-8", new byte[0]);
    }

    /** Starts a chunked answer; its head goes out at once, each write is a chunk. {@link #finish()} ends it. */
    OutputStream stream(int code, String contentType) throws IOException {
        begin(code);
        StringBuilder head = statusLine(code);
        head.append("Content-Type: ").append(contentType).append("\r\n");
        if (this.head) {
            writeHead(head);
            out.flush();
            state = State.DONE;
            return OutputStream.nullOutputStream();
        }
        head.append("Transfer-Encoding: chunked\r\n");
        writeHead(head);
        out.flush();
        state = State.STREAMING;
        chunked = new ChunkedOutputStream(out);
        return chunked;
    }

    /**
     * Takes the connection over: {@code 101 UPGRADED} when the client asked for the upgrade, else a 200 without
     * length whose body ends when the server closes the connection. Raw bytes follow either way.
     */
    OutputStream hijack(boolean upgrade, String contentType) throws IOException {
        begin(upgrade ? 101 : 200);
        StringBuilder head = upgrade ? new StringBuilder("HTTP/1.1 101 UPGRADED\r\n") : statusLine(200);
        head.append("Content-Type: ").append(contentType).append("\r\n");
        if (upgrade) {
            head.append("Connection: Upgrade\r\nUpgrade: tcp\r\n");
        } else {
            close = true;
        }
        writeHead(head);
        out.flush();
        state = State.HIJACKED;
        return out;
    }

    /** Ends a chunked answer; nothing for whole answers. */
    void finish() throws IOException {
        if (state == State.STREAMING) {
            chunked.close();
            state = State.DONE;
        }
    }

    private void begin(int code) {
        if (state != State.NEW) {
            throw new IllegalStateException("the answer was already started with " + status);
        }
        status = code;
    }

    private StringBuilder statusLine(int code) {
        return new StringBuilder("HTTP/1.1 ").append(code).append(' ').append(reason(code)).append("\r\n");
    }

    private void writeHead(StringBuilder head) throws IOException {
        headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        if (close && state == State.NEW && status != 101) {
            head.append("Connection: close\r\n");
        }
        head.append("\r\n");
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
    }

    static String reason(int code) {
        return switch (code) {
            case 101 -> "Switching Protocols";
            case 200 -> "OK";
            case 201 -> "Created";
            case 204 -> "No Content";
            case 304 -> "Not Modified";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 408 -> "Request Timeout";
            case 409 -> "Conflict";
            case 413 -> "Payload Too Large";
            case 431 -> "Request Header Fields Too Large";
            case 500 -> "Internal Server Error";
            case 501 -> "Not Implemented";
            case 503 -> "Service Unavailable";
            default -> "Status " + code;
        };
    }
}
