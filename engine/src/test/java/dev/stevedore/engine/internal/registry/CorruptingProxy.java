package dev.stevedore.engine.internal.registry;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback TCP proxy in front of a real registry that flips one bit on the wire: in the answers,
 * the byte that follows {@code marker} (a run of bytes from the middle of the blob to corrupt). Every
 * other byte passes untouched, so manifests, headers and other blobs arrive intact.
 */
final class CorruptingProxy implements AutoCloseable {
    private final ServerSocket server;
    private final InetSocketAddress target;
    private final byte[] marker;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicInteger flips = new AtomicInteger();
    private final Thread acceptor;

    CorruptingProxy(InetSocketAddress target, byte[] marker) throws IOException {
        this.target = target;
        this.marker = marker.clone();
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::acceptLoop, "corrupting-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** {@code 127.0.0.1:port}, as a registry name. */
    String registry() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    /** How many bytes were flipped so far. */
    int flips() {
        return flips.get();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket(target.getAddress(), target.getPort());
                sockets.add(client);
                sockets.add(upstream);
                pump(client.getInputStream(), upstream.getOutputStream(), false, upstream);
                pump(upstream.getInputStream(), client.getOutputStream(), true, client);
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void pump(InputStream in, OutputStream out, boolean corrupt, Socket closeWhenDone) {
        Thread thread = new Thread(() -> {
            byte[] window = new byte[marker.length];
            int seen = 0;
            byte[] buffer = new byte[16 * 1024];
            try {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    if (corrupt) {
                        for (int i = 0; i < n; i++) {
                            if (seen >= marker.length && Arrays.equals(window, marker)) {
                                buffer[i] ^= 0x01;
                                flips.incrementAndGet();
                            }
                            System.arraycopy(window, 1, window, 0, window.length - 1);
                            window[window.length - 1] = buffer[i];
                            seen++;
                        }
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // the other side went away
            } finally {
                try {
                    closeWhenDone.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
        }, "corrupting-proxy-pump");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket socket : sockets) {
            socket.close();
        }
    }
}
