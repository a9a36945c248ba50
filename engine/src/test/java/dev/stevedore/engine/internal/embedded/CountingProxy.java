package dev.stevedore.engine.internal.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback TCP relay in front of a real registry that counts the HTTP/1.1 requests passing through it
 * by request line ({@code GET /v2/library/postgres/blobs/sha256:...}). Plain HTTP only; requests are
 * headers only (pulls send no bodies), so scanning the client's bytes for request lines is exact.
 */
final class CountingProxy implements AutoCloseable {
    private final ServerSocket server;
    private final InetSocketAddress target;
    private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
    private final Thread acceptor;

    CountingProxy(String targetHostPort) throws IOException {
        String[] parts = targetHostPort.split(":");
        this.target = new InetSocketAddress(parts[0], Integer.parseInt(parts[1]));
        this.server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::acceptLoop, "counting-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** {@code 127.0.0.1:PORT} of the relay. */
    String address() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    /** How many requests had a request line starting with {@code prefix} (e.g. {@code "GET /v2/library/x/blobs/"}). */
    int count(String prefix) {
        return requests.entrySet().stream().filter(e -> e.getKey().startsWith(prefix)).mapToInt(e -> e.getValue().get()).sum();
    }

    /** The request lines seen, with how often. */
    Map<String, AtomicInteger> requests() {
        return Map.copyOf(requests);
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket(target.getAddress(), target.getPort());
                Thread up = new Thread(() -> relay(client, upstream, true), "counting-proxy-up");
                Thread down = new Thread(() -> relay(upstream, client, false), "counting-proxy-down");
                up.setDaemon(true);
                down.setDaemon(true);
                up.start();
                down.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void relay(Socket from, Socket to, boolean count) {
        StringBuilder line = new StringBuilder();
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            byte[] buffer = new byte[64 * 1024];
            int n;
            while ((n = in.read(buffer)) > 0) {
                if (count) {
                    for (int i = 0; i < n; i++) {
                        char c = (char) (buffer[i] & 0xff);
                        if (c == '\n') {
                            record(line.toString().trim());
                            line.setLength(0);
                        } else if (line.length() < 4096) {
                            line.append(c);
                        }
                    }
                }
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException ignored) {
            // one side closed; the other relay thread ends on its own
        } finally {
            try {
                to.shutdownOutput();
            } catch (IOException ignored) {
                // already closed
            }
        }
    }

    private void record(String requestLine) {
        if (requestLine.matches("^(GET|HEAD|POST|PUT|DELETE|PATCH) \\S+ HTTP/1\\.[01]$")) {
            String withoutVersion = new String(requestLine.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.ISO_8859_1)
                    .replaceFirst(" HTTP/1\\.[01]$", "");
            requests.computeIfAbsent(withoutVersion, k -> new AtomicInteger()).incrementAndGet();
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
