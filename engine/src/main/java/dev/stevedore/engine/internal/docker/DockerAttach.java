package dev.stevedore.engine.internal.docker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.ContainerNotFoundException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Attaches to a container through dockerd's {@code POST /containers/{id}/attach} on a hijacked connection: its output
 * ({@link #output}, what {@code docker run} and {@code docker attach} show), an attach recorded and nothing taken
 * ({@link #record}), and its stdin ({@link #stdin}, {@code ?stream=1&stdin=1&stdout=1&stderr=1}): what is written goes to the daemon as it comes (the socket's flow control is the back-pressure), and
 * closing half-closes the connection, which the daemon takes as the end of this attach's input: with {@code StdinOnce}
 * it closes the container's stdin, else only detaches.
 *
 * <p>The output is attached too and read (and dropped) on a thread of its own, as the docker CLI reads it: the daemon
 * ends an attach with output when the container ends, and the connection is then closed, so a writer waiting on a
 * container that never read its stdin fails instead of waiting for ever (an attach of stdin alone outlives the
 * container on dockerd 26). Over TCP, closing waits (bounded) for the daemon to end the attach, so that no byte
 * written is lost to a reset; a unix socket keeps what was sent readable after close.
 */
final class DockerAttach {
    /** How long closing waits, over TCP, for the daemon to end the attach after the input's end. */
    private static final long CLOSE_WAIT_MILLIS = 5_000;

    private DockerAttach() {
    }

    /**
     * An attach that takes no stream and no logs: dockerd records its {@code attach} event for it and answers at once,
     * so the event is dockerd's own, with its attributes.
     */
    static void record(DockerApi api, String container) {
        String path = "/containers/" + DockerContainers.reference(container) + "/attach?stream=0&logs=0";
        try (HijackedStream hijacked = hijack(api, container, path, "container ")) {
            drain(hijacked.input());
        } catch (IOException e) {
            throw new ContainerEngineException("cannot attach to container " + container + " on the Docker daemon at "
                    + api.endpoint().uri() + ": " + DockerConnector.reason(e) + "; check that the daemon is still running", e);
        }
    }

    static OutputStream stdin(DockerApi api, String container) {
        String ref = DockerContainers.reference(container);
        JsonNode inspect = inspect(api, container);
        if (!inspect.path("Config").path("OpenStdin").asBoolean(false)) {
            throw new ContainerEngineException("cannot attach to the stdin of container " + container
                    + ": it was created without an open stdin — create it with openStdin(true) (docker run -i)");
        }
        if (!inspect.path("State").path("Running").asBoolean(false)) {
            throw new ContainerEngineException("cannot attach to the stdin of container " + container + ": it is not running ("
                    + inspect.path("State").path("Status").asText("?") + ") — start it first");
        }
        HijackedStream hijacked = hijack(api, container, "/containers/" + ref + "/attach?stream=1&stdin=1&stdout=1&stderr=1",
                "the stdin of container ");
        Stdin stdin = new Stdin(hijacked, api.endpoint().kind() == DockerEndpoint.Kind.UNIX);
        Thread drainer = new Thread(stdin::drainOutput, "stevedore-attach-output");
        drainer.setDaemon(true);
        drainer.start();
        return stdin;
    }

    /**
     * The container's output from now on, as {@code docker run} and {@code docker attach} take it: dockerd's attach
     * stream, which is the bytes as written, not the log driver's (which re-encodes them as UTF-8, or with {@code none}
     * keeps nothing). Taken before the start, dockerd holds the container's output for it from the first byte.
     */
    static DockerLogs output(DockerApi api, String container) {
        boolean tty = inspect(api, container).path("Config").path("Tty").asBoolean(false);
        String path = "/containers/" + DockerContainers.reference(container) + "/attach?stream=1&stdout=1&stderr=1";
        return DockerLogs.attached(hijack(api, container, path, "container "), container, tty);
    }

    private static JsonNode inspect(DockerApi api, String container) {
        try {
            return api.call("GET", "/containers/" + DockerContainers.reference(container) + "/json").json();
        } catch (DockerApiException e) {
            if (e.status() == 404) {
                throw new ContainerNotFoundException(container);
            }
            throw e;
        }
    }

    /** @param what what is attached to, for messages: {@code "container "} or {@code "the stdin of container "} */
    private static HijackedStream hijack(DockerApi api, String container, String path, String what) {
        try {
            return HijackedStream.post(api, path, new byte[0]);
        } catch (IOException e) {
            throw new ContainerEngineException("cannot attach to " + what + container + " on the Docker daemon at "
                    + api.endpoint().uri() + ": " + DockerConnector.reason(e) + "; check that the daemon is still running", e);
        } catch (DockerApiException e) {
            if (e.status() == 404) {
                throw new ContainerNotFoundException(container);
            }
            throw new ContainerEngineException("cannot attach to " + what + container + ": " + e.daemonMessage(), e);
        }
    }

    private static final class Stdin extends OutputStream {
        private final HijackedStream hijacked;
        private final boolean unixSocket;
        private final java.util.concurrent.CountDownLatch ended = new java.util.concurrent.CountDownLatch(1);
        private boolean closed;

        Stdin(HijackedStream hijacked, boolean unixSocket) {
            this.hijacked = hijacked;
            this.unixSocket = unixSocket;
        }

        /** Until the daemon ends the attach (the container ended, or this attach's input did); then the connection goes. */
        void drainOutput() {
            try {
                drain(hijacked.input());
            } catch (IOException e) {
                // closed here, or the daemon went away
            } finally {
                ended.countDown();
                closeQuietly();
            }
        }

        private void closeQuietly() {
            try {
                hijacked.close();
            } catch (IOException e) {
                // already gone
            }
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) throws IOException {
            if (closed) {
                throw new IOException("this stdin stream is closed");
            }
            hijacked.writeStdin(b, off, len);
        }

        @Override
        public synchronized void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            try {
                hijacked.closeStdin();
                if (!unixSocket) {
                    ended.await(CLOSE_WAIT_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                hijacked.close();
            }
        }
    }

    /** Reads and drops what the daemon sends until it closes. */
    private static void drain(InputStream in) throws IOException {
        byte[] buffer = new byte[4096];
        while (in.read(buffer) >= 0) {
            // nothing is attached but stdin: the daemon sends nothing that matters
        }
    }
}
