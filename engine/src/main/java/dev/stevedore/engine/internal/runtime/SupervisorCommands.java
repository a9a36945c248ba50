package dev.stevedore.engine.internal.runtime;

import java.io.IOException;
import java.io.OutputStream;

/**
 * The pipe on which a container's supervisor reads its commands (go, signal, stdin, resize, keep), which is also
 * the container's lifeline: when it closes, by {@link #close()} or by this JVM's death, the supervisor kills the
 * container unless told to keep it. Each record goes in one write, so writers from several threads never
 * interleave. Thread-safe.
 */
final class SupervisorCommands {
    private final OutputStream pipe;
    // guarded by this
    private boolean closed;

    SupervisorCommands(OutputStream pipe) {
        this.pipe = pipe;
    }

    /** Sends a command made of {@code key} and {@code fields}; false when the supervisor is gone. */
    boolean send(String key, String... fields) {
        return send(Records.encode(key, fields));
    }

    /** Sends an encoded record; false when the supervisor is gone (the pipe is then closed). */
    synchronized boolean send(byte[] record) {
        if (closed) {
            return false;
        }
        try {
            pipe.write(record);
            pipe.flush();
            return true;
        } catch (IOException e) {
            // the supervisor is gone: the container ended with it
            close();
            return false;
        }
    }

    /** Closes the pipe, which cuts the lifeline. Idempotent. */
    synchronized void close() {
        if (!closed) {
            closed = true;
            try {
                pipe.close();
            } catch (IOException e) {
                // closing a pipe to a process that is gone
            }
        }
    }
}
