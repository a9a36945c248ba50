package dev.stevedore.engine.internal.network;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How many TCP connections the JVM's {@link PortProxy} relays at once, over all its ports: each holds two buffers and
 * two descriptors, so without a bound a client that opens connections and never closes them takes the JVM's memory and
 * file limit. Past the cap a new connection is reset at once (the client learns it at connect, rather than hanging in
 * the backlog) while those relayed go on; refusals are logged at most once a second. The launcher's proxy mode holds
 * the same cap ({@code -c}, proxy.c). Used on the proxy's selector thread only.
 */
final class ConnectionCap {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionCap.class);
    /** As the launcher's proxy mode: a test's clients rarely hold more than a pool of a few dozen. */
    static final int DEFAULT = 1024;
    private static final long LOG_EVERY_NANOS = 1_000_000_000L;

    private final int max;
    private int held;
    private long unlogged;
    private long lastLog = System.nanoTime() - LOG_EVERY_NANOS;

    ConnectionCap(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("a port proxy must relay at least one connection, not " + max);
        }
        this.max = max;
    }

    /** Takes a place for one more connection; false (and the refusal counted) when all are taken. */
    boolean admit(Object where) {
        if (held < max) {
            held++;
            return true;
        }
        unlogged++;
        long now = System.nanoTime();
        if (now - lastLog >= LOG_EVERY_NANOS) {
            LOG.warn("refused {} connection(s) on {}: {} are relayed, the most the port proxy takes at once", unlogged, where, max);
            unlogged = 0;
            lastLog = now;
        }
        return false;
    }

    /** Gives back the place of a connection that ended. */
    void release() {
        held--;
    }

    int held() {
        return held;
    }
}
