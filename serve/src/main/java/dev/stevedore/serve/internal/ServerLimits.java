package dev.stevedore.serve.internal;

import java.time.Duration;

/**
 * What the server grants one client, so that no client can starve the others: how many connections are served at
 * once, how large a request head and a JSON body may be, and how long a client may take. Docker's clients send heads
 * of a few KiB, JSON bodies of a few KiB and send a request as one write; these bounds are far above that.
 *
 * @param maxConnections   connections served at once; the next one is answered 503 and closed
 * @param maxHeaderLine    the longest request line or header line, in bytes (longer: 431)
 * @param maxHead          the whole request head, in bytes (larger: 431)
 * @param maxJsonBody      a JSON request body, in bytes (larger: 413, and the connection closes)
 * @param idleTimeout      how long a kept-alive connection may wait for its next request before it is closed
 * @param headTimeout      from the first byte of a request to the end of its head (a slow-loris client is cut here)
 * @param bodyReadTimeout  how long the server waits for the next byte of a request body it is reading; a JSON body must
 *                         also arrive whole within this time
 */
record ServerLimits(int maxConnections, int maxHeaderLine, int maxHead, int maxJsonBody, Duration idleTimeout,
                    Duration headTimeout, Duration bodyReadTimeout) {

    /**
     * The defaults. The idle timeout is longer than Go's {@code http.Transport} keeps an idle connection (90 s), so
     * the docker CLI closes its idle connections before the server does and never sends a request into a closing one.
     */
    static ServerLimits defaults() {
        return new ServerLimits(512, 32 * 1024, 64 * 1024, 1024 * 1024, Duration.ofSeconds(120), Duration.ofSeconds(10),
                Duration.ofSeconds(60));
    }

    ServerLimits {
        if (maxConnections < 1 || maxHeaderLine < 64 || maxHead < maxHeaderLine || maxJsonBody < 1) {
            throw new IllegalArgumentException("server limits out of range: " + maxConnections + " connections, "
                    + maxHeaderLine + "/" + maxHead + " head bytes, " + maxJsonBody + " JSON bytes");
        }
    }
}
