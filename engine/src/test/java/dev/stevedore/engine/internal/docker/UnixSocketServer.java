package dev.stevedore.engine.internal.docker;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A unix-socket server for tests: accepts connections and hands each, blocking, to a handler on its own thread. */
final class UnixSocketServer implements AutoCloseable {
    /** What the server does with one accepted connection; the server closes it afterwards. */
    interface Handler {
        void handle(SocketChannel connection) throws IOException;
    }

    private final ServerSocketChannel server;
    private final Path path;
    private final Thread acceptor;
    private final List<SocketChannel> connections = new CopyOnWriteArrayList<>();

    private UnixSocketServer(Path path, Handler handler) throws IOException {
        this.path = path;
        Files.deleteIfExists(path);
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(path));
        acceptor = new Thread(() -> acceptLoop(handler), "unix-server-" + path.getFileName());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    static UnixSocketServer start(Path path, Handler handler) throws IOException {
        return new UnixSocketServer(path, handler);
    }

    Path path() {
        return path;
    }

    private void acceptLoop(Handler handler) {
        while (server.isOpen()) {
            SocketChannel connection;
            try {
                connection = server.accept();
            } catch (IOException e) {
                return;
            }
            connections.add(connection);
            Thread worker = new Thread(() -> {
                try (connection) {
                    handler.handle(connection);
                } catch (IOException e) {
                    // the client went away; nothing to report
                }
            }, "unix-server-connection");
            worker.setDaemon(true);
            worker.start();
        }
    }

    @Override
    public void close() throws IOException {
        closeKeepingFile();
        Files.deleteIfExists(path);
    }

    /** Stops listening but leaves the socket file behind, as a daemon that died would. */
    void closeKeepingFile() throws IOException {
        server.close();
        for (SocketChannel connection : connections) {
            connection.close();
        }
        try {
            acceptor.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
