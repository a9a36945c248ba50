package dev.stevedore.serve.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Raw HTTP to a Docker API socket (serve's or dockerd's), as a client library sends it: the status and body
 * exactly as the server answered, with no client in between to retry or rewrite. HTTP/1.0 asks for the answer
 * unchunked; a server that chunks it all the same is read through the chunks.
 */
final class UnixHttp {
    private static final ObjectMapper JSON = new ObjectMapper();

    private UnixHttp() {
    }

    /** A server's answer. */
    record Answer(int status, String body) {
        JsonNode json() throws IOException {
            return JSON.readTree(body);
        }
    }

    static Answer call(Path socket, String method, String path, String contentType, byte[] body) throws IOException {
        try (SocketChannel channel = open(socket, method, path, contentType, body)) {
            InputStream in = Channels.newInputStream(channel);
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int headEnd = text.indexOf("\r\n\r\n");
            return new Answer(Integer.parseInt(text.substring(9, 12)), headEnd < 0 ? "" : text.substring(headEnd + 4));
        }
    }

    static Answer call(Path socket, String method, String path) throws IOException {
        return call(socket, method, path, null, null);
    }

    static Answer json(Path socket, String method, String path, String json) throws IOException {
        return call(socket, method, path, "application/json", json.replace('\'', '"').getBytes(StandardCharsets.UTF_8));
    }

    /** The first {@code count} lines of a streamed answer, then hangs up, as a client that stops reading does. */
    static List<String> lines(Path socket, String path, int count) throws IOException {
        try (SocketChannel channel = open(socket, "GET", path, null, null)) {
            InputStream in = new java.io.BufferedInputStream(Channels.newInputStream(channel));
            boolean chunked = false;
            String line;
            while (!(line = readLine(in)).isEmpty()) {
                chunked |= line.toLowerCase(java.util.Locale.ROOT).startsWith("transfer-encoding: chunked");
            }
            List<String> lines = new ArrayList<>();
            StringBuilder pending = new StringBuilder();
            while (lines.size() < count) {
                byte[] data;
                if (chunked) {
                    int size = Integer.parseInt(readLine(in).strip(), 16);
                    data = in.readNBytes(size);
                    readLine(in);
                    if (size == 0) {
                        break;
                    }
                } else {
                    data = in.readNBytes(1);
                    if (data.length == 0) {
                        break;
                    }
                }
                pending.append(new String(data, StandardCharsets.UTF_8));
                int newline;
                while ((newline = pending.indexOf("\n")) >= 0) {
                    String complete = pending.substring(0, newline);
                    pending.delete(0, newline + 1);
                    if (!complete.isBlank()) {
                        lines.add(complete);
                    }
                }
            }
            return lines.subList(0, Math.min(count, lines.size()));
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }

    private static SocketChannel open(Path socket, String method, String path, String contentType, byte[] body) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        channel.connect(UnixDomainSocketAddress.of(socket));
        OutputStream out = Channels.newOutputStream(channel);
        byte[] content = body == null ? new byte[0] : body;
        out.write((method + " " + path + " HTTP/1.0\r\nHost: docker\r\nConnection: close\r\n" + (contentType == null ? "" : "Content-Type: "
                + contentType + "\r\n") + "Content-Length: " + content.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(content);
        out.flush();
        return channel;
    }
}
