package dev.stevedore.engine.internal.docker;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A request whose connection the daemon takes over ("hijacks") as a two-way byte stream: sent with
 * {@code Connection: Upgrade} and {@code Upgrade: tcp}, answered {@code 101 UPGRADED}, after which the
 * client writes the process's stdin and reads its multiplexed output on the same connection. This is how
 * {@code docker exec -i} feeds stdin; OkHttp has no such mode for HTTP/1.1, so the request is written by
 * hand on a connection of its own.
 *
 * <p>{@link #closeStdin()} half-closes the connection: the daemon sees the end of stdin and keeps sending
 * output until the process exits. Not thread-safe except that one thread may write stdin while another reads.
 */
final class HijackedStream implements Closeable {
    private static final int MAX_HEADER_BYTES = 64 * 1024;
    private static final int MAX_ERROR_BODY = 64 * 1024;

    private final Socket socket;
    private final InputStream input;
    private final OutputStream output;

    private HijackedStream(Socket socket, InputStream input, OutputStream output) {
        this.socket = socket;
        this.input = input;
        this.output = output;
    }

    /**
     * Sends {@code POST path} with a JSON body and waits for the upgrade.
     *
     * @throws DockerApiException when the daemon answers with an error instead
     */
    static HijackedStream post(DockerApi api, String path, byte[] json) throws IOException {
        Socket socket = api.openSocket();
        try {
            OutputStream out = socket.getOutputStream();
            String head = "POST " + api.versionedPath(path) + " HTTP/1.1\r\n"
                    + "Host: " + api.hostHeader() + "\r\n"
                    + "User-Agent: stevedore/0.1\r\n"
                    + "Content-Type: application/json\r\n"
                    + "Content-Length: " + json.length + "\r\n"
                    + "Connection: Upgrade\r\n"
                    + "Upgrade: tcp\r\n"
                    + "\r\n";
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.write(json);
            out.flush();
            BufferedInputStream in = new BufferedInputStream(socket.getInputStream());
            String statusLine = readLine(in);
            int status = status(statusLine);
            long contentLength = -1;
            boolean chunked = false;
            int headerBytes = statusLine.length();
            for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
                headerBytes += line.length();
                if (headerBytes > MAX_HEADER_BYTES) {
                    throw new IOException("the Docker daemon's answer to POST " + path + " has more than 64 KiB of headers");
                }
                int colon = line.indexOf(':');
                if (colon <= 0) {
                    continue;
                }
                String name = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
                String value = line.substring(colon + 1).strip();
                if (name.equals("content-length")) {
                    contentLength = Long.parseLong(value);
                } else if (name.equals("transfer-encoding") && value.toLowerCase(Locale.ROOT).contains("chunked")) {
                    chunked = true;
                }
            }
            if (status >= 300) {
                byte[] body = contentLength >= 0 ? in.readNBytes((int) Math.min(contentLength, MAX_ERROR_BODY)) : new byte[0];
                throw new DockerApiException("POST " + path, api.endpoint(), status, message(body, chunked));
            }
            // 101 is the upgrade; a 200 without upgrade (daemons before API 1.24) streams the same bytes until close
            return new HijackedStream(socket, in, out);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** The daemon's output: multiplexed frames until the process exits and the daemon closes. */
    InputStream input() {
        return input;
    }

    /** Writes part of an array to the process's stdin. */
    void writeStdin(byte[] bytes, int offset, int length) throws IOException {
        output.write(bytes, offset, length);
        output.flush();
    }

    /** Ends the process's stdin, keeping the output open. */
    void closeStdin() throws IOException {
        socket.shutdownOutput();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    private static int status(String statusLine) throws IOException {
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
            throw new IOException("the Docker daemon answered an upgrade request with \"" + statusLine + "\"");
        }
        try {
            return Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IOException("the Docker daemon answered an upgrade request with \"" + statusLine + "\"", e);
        }
    }

    private static String message(byte[] body, boolean chunked) {
        if (chunked || body.length == 0) {
            return "";
        }
        try {
            var json = DockerApi.MAPPER.readTree(body);
            if (json != null && json.hasNonNull("message")) {
                return json.get("message").asText();
            }
        } catch (IOException notJson) {
            // the text itself, below
        }
        return new String(body, StandardCharsets.UTF_8).strip();
    }

    /** One header line without its CRLF, as ASCII. */
    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("the Docker daemon closed the connection inside the answer's headers");
            }
            if (b == '\n') {
                break;
            }
            if (line.size() > MAX_HEADER_BYTES) {
                throw new IOException("a header line of the Docker daemon's answer is longer than 64 KiB");
            }
            line.write(b);
        }
        byte[] bytes = line.toByteArray();
        int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
    }
}
