package dev.stevedore.serve.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Turns away the connections past the server's bound: each is told so with a 503 (Docker's clients show its message)
 * and closed, and the refusals are logged, at most one line per {@link #LOG_EVERY_NANOS} so that a flood of clients
 * does not become a flood of log lines.
 */
final class Refusals {
    private static final Logger LOG = LoggerFactory.getLogger(Refusals.class);
    private static final long LOG_EVERY_NANOS = 10_000_000_000L;

    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong unlogged = new AtomicLong();
    private volatile long lastLog = System.nanoTime() - LOG_EVERY_NANOS;

    /** Connections refused so far. */
    long count() {
        return refused.get();
    }

    void refuse(ClientSocket client, String where, int limit, boolean answer) {
        refused.incrementAndGet();
        long pending = unlogged.incrementAndGet();
        long now = System.nanoTime();
        if (now - lastLog >= LOG_EVERY_NANOS) {
            lastLog = now;
            unlogged.addAndGet(-pending);
            LOG.warn("refused {} connection(s) on {}: {} are being served, the most this server takes at once", pending,
                    where, limit);
        }
        if (answer) {
            byte[] body = ("{\"message\":\"the Docker API server is serving " + limit + " connections, the most it takes"
                    + " at once; try again when one has ended\"}").getBytes(StandardCharsets.US_ASCII);
            String head = "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nContent-Length: "
                    + body.length + "\r\nConnection: close\r\n\r\n";
            try {
                // a few hundred bytes into a fresh socket's empty buffer: the write does not wait for the client
                client.output().write(head.getBytes(StandardCharsets.US_ASCII));
                client.output().write(body);
            } catch (IOException e) {
                // the client left already
            }
        }
        closeQuietly(client);
    }

    static void closeQuietly(ClientSocket client) {
        try {
            client.close();
        } catch (IOException e) {
            // refused either way
        }
    }
}
