package dev.stevedore.engine.internal.docker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.ContainerNotFoundException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;

/**
 * A container's stdin through {@code POST /containers/{id}/attach?stream=1&stdin=1} on a hijacked connection:
 * what is written goes to the daemon as it comes (TCP's flow control is the back-pressure), and closing
 * half-closes the connection, which the daemon takes as the end of this attach's input: with {@code StdinOnce}
 * it closes the container's stdin, else only detaches. The connection is closed once the daemon has ended the
 * attach (bounded wait), so no byte written is lost to an early reset.
 */
final class DockerAttach {
    /** How long closing waits for the daemon to end the attach after the input's end. */
    private static final int CLOSE_WAIT_MILLIS = 10_000;

    private DockerAttach() {
    }

    static OutputStream stdin(DockerApi api, String container) {
        String ref = DockerContainers.reference(container);
        JsonNode inspect;
        try {
            inspect = api.call("GET", "/containers/" + ref + "/json").json();
        } catch (DockerApiException e) {
            if (e.status() == 404) {
                throw new ContainerNotFoundException(container);
            }
            throw e;
        }
        if (!inspect.path("Config").path("OpenStdin").asBoolean(false)) {
            throw new ContainerEngineException("cannot attach to the stdin of container " + container
                    + ": it was created without an open stdin — create it with openStdin(true) (docker run -i)");
        }
        if (!inspect.path("State").path("Running").asBoolean(false)) {
            throw new ContainerEngineException("cannot attach to the stdin of container " + container + ": it is not running ("
                    + inspect.path("State").path("Status").asText("?") + ") — start it first");
        }
        HijackedStream hijacked;
        try {
            hijacked = HijackedStream.post(api, "/containers/" + ref + "/attach?stream=1&stdin=1&stdout=0&stderr=0", new byte[0]);
        } catch (IOException e) {
            throw new ContainerEngineException("cannot attach to the stdin of container " + container + " on the Docker daemon at "
                    + api.endpoint().uri() + ": " + DockerConnector.reason(e) + "; check that the daemon is still running", e);
        } catch (DockerApiException e) {
            throw new ContainerEngineException("cannot attach to the stdin of container " + container + ": " + e.daemonMessage(), e);
        }
        return new Stdin(hijacked);
    }

    private static final class Stdin extends OutputStream {
        private final HijackedStream hijacked;
        private boolean closed;

        Stdin(HijackedStream hijacked) {
            this.hijacked = hijacked;
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
                hijacked.awaitEnd(CLOSE_WAIT_MILLIS);
            } catch (SocketTimeoutException e) {
                // the daemon kept the attach open: what was written has been read long since
            } finally {
                hijacked.close();
            }
        }
    }

    /** Reads and drops what the daemon still sends until it closes; for {@link HijackedStream#awaitEnd}. */
    static void drain(InputStream in) throws IOException {
        byte[] buffer = new byte[4096];
        while (in.read(buffer) >= 0) {
            // nothing is attached but stdin: the daemon sends nothing that matters
        }
    }
}
