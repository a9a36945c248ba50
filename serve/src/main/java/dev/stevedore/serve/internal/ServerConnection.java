package dev.stevedore.serve.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One client connection, served on a thread of its own: requests one after the other (keep-alive), each
 * request's unread body skipped before the next, until the client closes, an answer closes the connection
 * (streams without end, hijacked connections) or the server shuts down.
 */
final class ServerConnection implements Runnable, Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(ServerConnection.class);
    private static final int BUFFER = 16 * 1024;
    /**
     * What is skipped of a body its handler left unread before the next request; past this the connection is closed
     * instead, as Go's server does past 256 KiB: a body that never ends would otherwise be read forever.
     */
    static final long MAX_SKIP = 256 * 1024;

    private final ClientSocket socket;
    private final Router router;
    private final ServerLimits limits;
    private final Consumer<ServerConnection> onEnd;
    private final Watchdog.Deadline deadline;
    private final TimedInputStream timed;
    private final BufferedInputStream in;
    private final BufferedOutputStream out;
    private final AtomicBoolean closed = new AtomicBoolean();

    ServerConnection(ClientSocket socket, Router router, ServerLimits limits, Watchdog watchdog,
                     Consumer<ServerConnection> onEnd) {
        this.socket = socket;
        this.router = router;
        this.limits = limits;
        this.onEnd = onEnd;
        this.deadline = watchdog.deadline(this);
        this.timed = new TimedInputStream(socket.input(), deadline);
        this.in = new BufferedInputStream(timed, BUFFER);
        this.out = new BufferedOutputStream(socket.output(), BUFFER);
    }

    ServerLimits limits() {
        return limits;
    }

    @Override
    public void run() {
        try {
            serve();
        } catch (IOException e) {
            // the client went away mid-exchange, or took too long and the watchdog closed the connection
            LOG.debug("connection ended: {}", deadline.expired() != null ? deadline.expired() + " timed out" : e.toString());
        } catch (RuntimeException e) {
            LOG.warn("a connection of the Docker API server failed", e);
        } finally {
            close();
            onEnd.accept(this);
        }
    }

    private void serve() throws IOException {
        while (!closed.get()) {
            HttpRequest request;
            try {
                request = readHead();
            } catch (ApiException e) {
                HttpResponse response = new HttpResponse(out, false).closeAfter();
                response.error(e.status(), e.getMessage());
                return;
            }
            if (request == null) {
                return;
            }
            timed.timeout(limits.bodyReadTimeout());
            String expect = request.header("expect");
            if (expect != null && expect.toLowerCase(java.util.Locale.ROOT).contains("100-continue")) {
                // a client that waits for leave to send its body (an archive upload) gets it at once
                out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                out.flush();
            }
            HttpResponse response = new HttpResponse(out, request.method().equals("HEAD"));
            if (request.wantsClose()) {
                response.closeAfter();
            }
            try {
                Router.Match match = router.find(request.method(), request.path());
                match.handler().handle(new Exchange(request, response, match.parameters(), this));
                if (!response.committed()) {
                    throw new IllegalStateException("the handler of " + request.method() + " " + request.path() + " gave no answer");
                }
                response.finish();
            } catch (RuntimeException e) {
                ApiException error = Errors.of(e);
                if (error.status() >= 500) {
                    LOG.debug("{} {} failed", request.method(), request.path(), e);
                }
                if (response.committed()) {
                    // the head is out: the only way left to say it failed is to end the connection
                    return;
                }
                if (error.status() == 413) {
                    // the rest of the body is unread and may never end: the connection cannot carry another request
                    response.closeAfter();
                }
                response.error(error.status(), error.getMessage());
            }
            out.flush();
            // The body is read to its end even when the answer closes the connection: a client still writing it
            // (an answer came early, a 404 before the upload was looked at) would otherwise fail with a broken pipe
            // instead of reading the answer.
            boolean bodyRead = skip(request.body());
            if (response.closesConnection() || !bodyRead) {
                return;
            }
        }
    }

    /**
     * The next request head: the connection may idle for {@code idleTimeout} before its first byte, and the head must
     * then be whole within {@code headTimeout}, however slowly its bytes trickle in (a slow-loris client).
     */
    private HttpRequest readHead() throws IOException {
        timed.timeout(null);
        deadline.arm(limits.idleTimeout(), "waiting for the next request");
        try {
            in.mark(1);
            if (in.read() < 0) {
                return null;
            }
            in.reset();
            deadline.arm(limits.headTimeout(), "sending the request head");
            return HttpParser.read(in, limits.maxHeaderLine(), limits.maxHead());
        } finally {
            deadline.disarm();
        }
    }

    /** Reads and drops what the handler left of the body; false when that is more than {@link #MAX_SKIP}. */
    private static boolean skip(InputStream body) throws IOException {
        byte[] buffer = new byte[BUFFER];
        long skipped = 0;
        for (int n = body.read(buffer); n >= 0; n = body.read(buffer)) {
            skipped += n;
            if (skipped > MAX_SKIP) {
                return false;
            }
        }
        return true;
    }

    /** The connection's input after the request head: a hijacked stream's stdin, which may rightly stay silent. */
    InputStream input() {
        timed.timeout(null);
        return in;
    }

    /** Half-closes the connection: the client sees the end of the output and may still write. */
    void shutdownOutput() {
        try {
            out.flush();
            socket.shutdownOutput();
        } catch (IOException e) {
            // the client is gone already
        }
    }

    /**
     * After a hijacked stream's output has ended (and been half-closed): lets the client read all of it before the
     * connection goes. Closing with the client's input unread resets the connection, and a reset can throw away
     * output the client has not read yet; so what it still sends is read and dropped until it closes its side (as
     * it does once it has seen the end), for at most {@code millis}.
     */
    void lingerForClient(long millis) {
        timed.timeout(null);
        Thread drainer = new Thread(() -> {
            byte[] buffer = new byte[8192];
            try {
                while (in.read(buffer) >= 0) {
                    // the rest of a stdin that nobody reads any more
                }
            } catch (IOException e) {
                // closed: by the client, or by us after the wait
            }
        }, "stevedore-serve-linger");
        drainer.setDaemon(true);
        drainer.start();
        try {
            drainer.join(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Runs {@code onClientGone} (once, on another thread) when the client closes the connection or the server
     * closes it. Only for answers that end the connection: whatever the client sends meanwhile is dropped.
     */
    void watchForClose(Runnable onClientGone) {
        timed.timeout(null);
        Thread watcher = new Thread(() -> {
            byte[] buffer = new byte[512];
            try {
                while (in.read(buffer) >= 0) {
                    // a client of a stream has nothing more to say; reading only tells when it leaves
                }
            } catch (IOException e) {
                // closed under us: the same as the client leaving
            }
            onClientGone.run();
        }, "stevedore-serve-watch");
        watcher.setDaemon(true);
        watcher.start();
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            deadline.disarm();
            try {
                out.flush();
            } catch (IOException e) {
                // the client is gone
            }
            try {
                socket.close();
            } catch (IOException e) {
                // nothing left to release
            }
        }
    }
}
