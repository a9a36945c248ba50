package dev.stevedore.serve.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads HTTP/1.1 request heads off a connection: the request line, the headers, and a body stream bounded
 * by {@code Content-Length} or {@code Transfer-Encoding: chunked} (a request with neither has no body).
 * Paths are percent-decoded after the query is split off ({@code /images/team%2Fapp:1/json} names
 * {@code team/app:1}); the version prefix {@code /v1.44} is taken off as moby's router does.
 */
final class HttpParser {
    /** Docker clients send small heads; a bigger one is not a Docker client. */
    static final int MAX_HEAD = ServerLimits.defaults().maxHead();
    static final int MAX_LINE = ServerLimits.defaults().maxHeaderLine();
    private static final Pattern VERSION_PREFIX = Pattern.compile("/v([0-9]+(?:\\.[0-9]+)?)(/.*)?");
    private static final InputStream EMPTY = InputStream.nullInputStream();

    private HttpParser() {
    }

    /**
     * The next request on the connection, or {@code null} when the client closed it (or sent only blank
     * lines) before a request began.
     *
     * @throws ApiException 400 for a malformed request line or header, 431 for an oversized head
     */
    static HttpRequest read(InputStream in) throws IOException {
        return read(in, MAX_LINE, MAX_HEAD);
    }

    /**
     * The next request, its lines at most {@code maxLine} bytes long and its head at most {@code maxHead} in all.
     *
     * @throws ApiException 400 for a malformed request line or header, 431 for an oversized line or head
     */
    static HttpRequest read(InputStream in, int maxLine, int maxHead) throws IOException {
        String requestLine;
        int size = 0;
        do {
            requestLine = readLine(in, maxLine);
            if (requestLine == null) {
                return null;
            }
            size += requestLine.length() + 2;
            if (size > maxHead) {
                throw new ApiException(431, "the request head is larger than " + maxHead + " bytes");
            }
        } while (requestLine.isEmpty());
        String[] parts = requestLine.split(" ");
        if (parts.length != 3 || !parts[2].startsWith("HTTP/1.")) {
            throw ApiException.badRequest("malformed request line \"" + requestLine + "\"");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line = readLine(in, maxLine); ; line = readLine(in, maxLine)) {
            if (line == null) {
                throw new IOException("the client closed the connection inside the request head");
            }
            if (line.isEmpty()) {
                break;
            }
            size += line.length() + 2;
            if (size > maxHead) {
                throw new ApiException(431, "the request head is larger than " + maxHead + " bytes");
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw ApiException.badRequest("malformed header line \"" + line + "\"");
            }
            headers.put(line.substring(0, colon).strip().toLowerCase(Locale.ROOT), line.substring(colon + 1).strip());
        }
        String target = parts[1];
        int question = target.indexOf('?');
        String rawPath = question >= 0 ? target.substring(0, question) : target;
        Map<String, List<String>> query = question >= 0 ? parseQuery(target.substring(question + 1)) : Map.of();
        String path = decodePath(rawPath);
        String version = null;
        Matcher prefix = VERSION_PREFIX.matcher(path);
        if (prefix.matches()) {
            version = prefix.group(1);
            path = prefix.group(2) == null ? "/" : prefix.group(2);
        }
        return new HttpRequest(parts[0].toUpperCase(Locale.ROOT), path, version, query, headers, body(in, headers));
    }

    private static InputStream body(InputStream in, Map<String, String> headers) {
        String encoding = headers.get("transfer-encoding");
        if (encoding != null && encoding.toLowerCase(Locale.ROOT).contains("chunked")) {
            return new ChunkedInputStream(in);
        }
        String length = headers.get("content-length");
        if (length != null) {
            long n;
            try {
                n = Long.parseLong(length.strip());
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("malformed Content-Length \"" + length + "\"");
            }
            if (n < 0) {
                throw ApiException.badRequest("negative Content-Length");
            }
            return n == 0 ? EMPTY : new BoundedInputStream(in, n);
        }
        return EMPTY;
    }

    /** Query parameters, form-decoded ({@code +} is a space), every value of a repeated name kept. */
    static Map<String, List<String>> parseQuery(String query) {
        Map<String, List<String>> result = new LinkedHashMap<>();
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decodeForm(eq >= 0 ? pair.substring(0, eq) : pair);
            String value = eq >= 0 ? decodeForm(pair.substring(eq + 1)) : "";
            result.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        return result;
    }

    private static String decodeForm(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("malformed percent-encoding in the query: \"" + text + "\"");
        }
    }

    /** Percent-decoding without the form rule: a {@code +} in a path stays a plus; bytes are UTF-8. */
    static String decodePath(String path) {
        if (path.chars().allMatch(c -> c != '%' && c < 0x80)) {
            return path;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(path.length());
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '%' && i + 2 < path.length()) {
                int hi = Character.digit(path.charAt(i + 1), 16);
                int lo = Character.digit(path.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw ApiException.badRequest("malformed percent-encoding in the path \"" + path + "\"");
                }
                bytes.write(hi * 16 + lo);
                i += 2;
            } else if (c == '%') {
                throw ApiException.badRequest("malformed percent-encoding in the path \"" + path + "\"");
            } else {
                // the head was read byte by byte into chars: each char is one byte of the UTF-8 path
                bytes.write(c);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /**
     * A line ended by CRLF (or a bare LF), without its end; {@code null} at the end of the stream before any
     * byte of the line.
     */
    static String readLine(InputStream in, int max) throws IOException {
        StringBuilder line = new StringBuilder();
        for (;;) {
            int b = in.read();
            if (b < 0) {
                if (line.length() == 0) {
                    return null;
                }
                throw new IOException("the client closed the connection inside a line");
            }
            if (b == '\n') {
                int end = line.length();
                if (end > 0 && line.charAt(end - 1) == '\r') {
                    line.setLength(end - 1);
                }
                return line.toString();
            }
            if (line.length() >= max) {
                throw new ApiException(431, "a request line or header is longer than " + max + " bytes");
            }
            line.append((char) b);
        }
    }
}
