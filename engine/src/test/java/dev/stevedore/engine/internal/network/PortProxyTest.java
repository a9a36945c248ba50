package dev.stevedore.engine.internal.network;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The port proxy between loopback sockets: ordering, half-close, backpressure, resets, closing; udp flows. */
class PortProxyTest {
    private final PortProxy proxy = new PortProxy();
    private final List<AutoCloseable> closeAfter = new ArrayList<>();
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : closeAfter) {
            c.close();
        }
        proxy.close();
        threads.shutdownNow();
        assertThat(threads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void twoHundredConcurrentConnectionsKeepEveryByteInOrder() throws Exception {
        ServerSocket echo = echoServer();
        PortForwarder forwarder = forward(echo);
        int connections = 200;
        int bytesEach = 256 * 1024;
        List<Future<byte[]>> results = new ArrayList<>();
        List<byte[]> sent = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            byte[] data = new byte[bytesEach];
            new Random(i).nextBytes(data);
            sent.add(data);
            results.add(threads.submit(() -> roundTrip(forwarder.port(), data)));
        }
        for (int i = 0; i < connections; i++) {
            byte[] got = results.get(i).get(60, TimeUnit.SECONDS);
            assertThat(Arrays.equals(got, sent.get(i))).as("connection %d got back exactly what it sent", i).isTrue();
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> forwarder.connections() == 0);
    }

    @Test
    void pastItsCapNewConnectionsAreResetWhileTheRelayedOnesGoOn() throws Exception {
        PortProxy capped = new PortProxy(PortProxy.UDP_IDLE, 4);
        closeAfter.add(capped);
        ServerSocket echo = echoServer();
        PortForwarder forwarder = capped.forward(new InetSocketAddress("127.0.0.1", 0),
                new InetSocketAddress("127.0.0.1", echo.getLocalPort()));
        List<Socket> held = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Socket s = new Socket("127.0.0.1", forwarder.port());
            s.setSoTimeout(10_000);
            closeAfter.add(s);
            held.add(s);
            assertThat(echo(s, "held " + i)).isEqualTo("held " + i);
        }

        assertRefused(forwarder.port());
        for (int i = 0; i < 4; i++) {
            assertThat(echo(held.get(i), "still " + i)).as("connection %d goes on", i).isEqualTo("still " + i);
        }
        assertThat(forwarder.connections()).isEqualTo(4);
        held.get(0).close();
        await().atMost(Duration.ofSeconds(10)).until(() -> forwarder.connections() == 3);
        Socket again = new Socket("127.0.0.1", forwarder.port());
        again.setSoTimeout(10_000);
        closeAfter.add(again);
        assertThat(echo(again, "a freed place")).isEqualTo("a freed place");
    }

    /** A connection to {@code port} is accepted and then reset (or closed) without a byte of answer. */
    static void assertRefused(int port) throws IOException {
        try (Socket refused = new Socket("127.0.0.1", port)) {
            refused.setSoTimeout(10_000);
            assertThatThrownBy(() -> {
                refused.getOutputStream().write("past the cap".getBytes(StandardCharsets.UTF_8));
                if (refused.getInputStream().read() < 0) {
                    throw new java.net.SocketException("closed without an answer");
                }
            }).isInstanceOf(java.net.SocketException.class);
        }
    }

    /** Writes {@code text} on {@code s} and reads as many bytes back. */
    static String echo(Socket s, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        s.getOutputStream().write(bytes);
        return new String(s.getInputStream().readNBytes(bytes.length), StandardCharsets.UTF_8);
    }

    @Test
    void aHalfCloseReachesTheServerAndTheAnswerStillComesBack() throws Exception {
        ServerSocket server = listen();
        CompletableFuture<String> serverSaw = new CompletableFuture<>();
        threads.submit(() -> {
            try (Socket s = server.accept()) {
                String request = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8); // up to EOF
                serverSaw.complete(request);
                s.getOutputStream().write(("answer to " + request).getBytes(StandardCharsets.UTF_8));
            }
            return null;
        });
        PortForwarder forwarder = forward(server);
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), forwarder.port())) {
            client.getOutputStream().write("question".getBytes(StandardCharsets.UTF_8));
            client.shutdownOutput();
            assertThat(serverSaw.get(10, TimeUnit.SECONDS)).isEqualTo("question");
            assertThat(new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("answer to question");
        }
    }

    @Test
    void theServerMayHalfCloseFirstAndStillReadTheClient() throws Exception {
        ServerSocket server = listen();
        CompletableFuture<String> serverRead = new CompletableFuture<>();
        threads.submit(() -> {
            try (Socket s = server.accept()) {
                s.getOutputStream().write("banner".getBytes(StandardCharsets.UTF_8));
                s.shutdownOutput();
                serverRead.complete(new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            }
            return null;
        });
        PortForwarder forwarder = forward(server);
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), forwarder.port())) {
            assertThat(new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("banner");
            client.getOutputStream().write("still talking".getBytes(StandardCharsets.UTF_8));
            client.shutdownOutput();
            assertThat(serverRead.get(10, TimeUnit.SECONDS)).isEqualTo("still talking");
        }
    }

    @Test
    void aServerThatDoesNotReadStopsTheClientInsteadOfFillingMemory() throws Exception {
        ServerSocket server = listen();
        CompletableFuture<Socket> accepted = CompletableFuture.supplyAsync(() -> {
            try {
                return server.accept();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, threads);
        PortForwarder forwarder = forward(server);
        try (SocketChannel client = SocketChannel.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), forwarder.port()))) {
            Socket upstream = accepted.get(10, TimeUnit.SECONDS);
            closeAfter.add(upstream);
            client.configureBlocking(false);
            byte[] pattern = new byte[64 * 1024];
            new Random(7).nextBytes(pattern);
            long written = 0;
            // Write until the socket stays unwritable for half a second: the kernel buffers and the proxy's are full.
            try (Selector selector = Selector.open()) {
                client.register(selector, SelectionKey.OP_WRITE);
                for (int i = 0; i < 100_000 && selector.select(500) > 0; i++) {
                    selector.selectedKeys().clear();
                    int offset = (int) (written % pattern.length);
                    written += client.write(ByteBuffer.wrap(pattern, offset, pattern.length - offset));
                }
            }
            assertThat(written).as("bytes taken while nobody reads").isPositive().isLessThan(64L << 20);
            client.configureBlocking(true);
            client.shutdownOutput();
            byte[] received = upstream.getInputStream().readAllBytes();
            assertThat((long) received.length).isEqualTo(written);
            for (int i = 0; i < received.length; i++) {
                if (received[i] != pattern[i % pattern.length]) {
                    throw new AssertionError("byte " + i + " differs");
                }
            }
        }
    }

    @Test
    void aResetOnOneSideResetsTheOther() throws Exception {
        ServerSocket server = listen();
        threads.submit(() -> {
            Socket s = server.accept();
            s.getInputStream().read();
            s.setSoLinger(true, 0);
            s.close();
            return null;
        });
        PortForwarder forwarder = forward(server);
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), forwarder.port())) {
            client.setSoTimeout(10_000);
            client.getOutputStream().write(1);
            assertThatThrownBy(() -> client.getInputStream().read()).isInstanceOf(IOException.class);
        }
    }

    @Test
    void aTargetThatRefusesClosesTheClient() throws Exception {
        int closedPort;
        try (ServerSocket s = listen()) {
            closedPort = s.getLocalPort();
        }
        PortForwarder forwarder = proxy.forward(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                new InetSocketAddress(InetAddress.getLoopbackAddress(), closedPort));
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), forwarder.port())) {
            client.setSoTimeout(10_000);
            int first;
            try {
                first = client.getInputStream().read();
            } catch (IOException reset) {
                first = -1;
            }
            assertThat(first).isEqualTo(-1);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> forwarder.connections() == 0);
    }

    @Test
    void closingEndsOpenConnectionsAndFreesThePort() throws Exception {
        ServerSocket echo = echoServer();
        PortForwarder forwarder = forward(echo);
        int port = forwarder.port();
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port)) {
            client.setSoTimeout(10_000);
            client.getOutputStream().write("x".getBytes(StandardCharsets.UTF_8));
            assertThat(client.getInputStream().read()).isEqualTo('x');
            assertThat(forwarder.connections()).isEqualTo(1);
            forwarder.close();
            assertThat(readUntilEnd(client.getInputStream())).isEqualTo(-1);
        }
        try (ServerSocket again = new ServerSocket()) {
            again.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            assertThat(again.getLocalPort()).isEqualTo(port);
        }
    }

    @Test
    void aPortInUseFailsAtOnceNamingIt() throws Exception {
        ServerSocket taken = listen();
        assertThatThrownBy(() -> proxy.forward(new InetSocketAddress(InetAddress.getLoopbackAddress(), taken.getLocalPort()),
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 9)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("127.0.0.1:" + taken.getLocalPort())
                .hasMessageContaining("another host port");
    }

    @Test
    void listensOnlyWhereAsked() throws Exception {
        PortForwarder forwarder = forward(echoServer());
        assertThat(forwarder.address().getAddress().isLoopbackAddress()).isTrue();
        assertThat(forwarder.toString()).startsWith("127.0.0.1:" + forwarder.port() + " -> 127.0.0.1:");
    }

    @Test
    void aUdpPortRelaysEachClientsDatagramsAndTheRepliesGoBackToThatClient() throws Exception {
        DatagramSocket echo = udpEchoServer();
        PortForwarder forwarder = forwardUdp(proxy, echo);
        try (DatagramSocket first = udpClient(); DatagramSocket second = udpClient()) {
            assertThat(ask(first, forwarder.port(), "one")).isEqualTo("echo one");
            assertThat(ask(second, forwarder.port(), "two")).isEqualTo("echo two");
            assertThat(ask(first, forwarder.port(), "three")).isEqualTo("echo three");
            assertThat(forwarder.connections()).as("one flow per client").isEqualTo(2);
        }
    }

    @Test
    void anIdleUdpFlowIsClosedAndTheClientIsServedAgainLater() throws Exception {
        // Idle after 3 s, not less: the flow is counted right after its answer, and at load 15 a pause between the
        // two can pass a short idle time and close it first.
        try (PortProxy quick = new PortProxy(Duration.ofSeconds(3)); DatagramSocket client = udpClient()) {
            PortForwarder forwarder = forwardUdp(quick, udpEchoServer());
            assertThat(ask(client, forwarder.port(), "before")).isEqualTo("echo before");

            await().atMost(Duration.ofSeconds(60)).until(() -> forwarder.connections() == 0);

            assertThat(ask(client, forwarder.port(), "after")).isEqualTo("echo after");
            assertThat(forwarder.connections()).isEqualTo(1);
        }
    }

    @Test
    void closingAUdpForwarderFreesItsPortAndAUdpPortInUseFailsNamingIt() throws Exception {
        PortForwarder forwarder = forwardUdp(proxy, udpEchoServer());
        int port = forwarder.port();
        assertThatThrownBy(() -> proxy.forward("udp", new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 9)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("127.0.0.1:" + port + "/udp")
                .hasMessageContaining("another host port");

        forwarder.close();

        try (DatagramSocket again = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))) {
            assertThat(again.getLocalPort()).isEqualTo(port);
        }
    }

    // ---- helpers ----------------------------------------------------------------------------------

    private PortForwarder forwardUdp(PortProxy through, DatagramSocket target) throws IOException {
        PortForwarder f = through.forward("udp", new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                new InetSocketAddress(InetAddress.getLoopbackAddress(), target.getLocalPort()));
        closeAfter.add(0, f);
        return f;
    }

    private static DatagramSocket udpClient() throws IOException {
        DatagramSocket client = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        client.setSoTimeout(5_000);
        return client;
    }

    /** Sends {@code text} to 127.0.0.1:port and returns the reply, which must come from that address. */
    static String ask(DatagramSocket client, int port, String text) throws IOException {
        InetSocketAddress to = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        byte[] request = text.getBytes(StandardCharsets.UTF_8);
        client.send(new DatagramPacket(request, request.length, to));
        DatagramPacket reply = new DatagramPacket(new byte[2048], 2048);
        client.receive(reply);
        assertThat(reply.getSocketAddress()).as("where the reply came from").isEqualTo(to);
        return new String(reply.getData(), 0, reply.getLength(), StandardCharsets.UTF_8);
    }

    /** Answers each datagram with {@code "echo "} and the datagram, to its sender. */
    private DatagramSocket udpEchoServer() throws IOException {
        DatagramSocket server = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        closeAfter.add(server);
        threads.submit(() -> {
            byte[] buffer = new byte[2048];
            while (!server.isClosed()) {
                DatagramPacket p = new DatagramPacket(buffer, buffer.length);
                try {
                    server.receive(p);
                    byte[] answer = ("echo " + new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8))
                            .getBytes(StandardCharsets.UTF_8);
                    server.send(new DatagramPacket(answer, answer.length, p.getSocketAddress()));
                } catch (IOException closed) {
                    return null;
                }
            }
            return null;
        });
        return server;
    }

    private PortForwarder forward(ServerSocket target) throws IOException {
        PortForwarder f = proxy.forward(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                new InetSocketAddress(InetAddress.getLoopbackAddress(), target.getLocalPort()));
        closeAfter.add(0, f);
        return f;
    }

    private ServerSocket listen() throws IOException {
        ServerSocket s = new ServerSocket(0, 512, InetAddress.getLoopbackAddress());
        closeAfter.add(s);
        return s;
    }

    /** A thread-per-connection echo server that passes the client's half-close on after the echo. */
    private ServerSocket echoServer() throws IOException {
        ServerSocket server = listen();
        threads.submit(() -> {
            while (!server.isClosed()) {
                Socket s;
                try {
                    s = server.accept();
                } catch (IOException closed) {
                    return null;
                }
                threads.submit(() -> {
                    try (s) {
                        s.getInputStream().transferTo(s.getOutputStream());
                        s.shutdownOutput();
                    }
                    return null;
                });
            }
            return null;
        });
        return server;
    }

    private byte[] roundTrip(int port, byte[] data) throws Exception {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(30_000);
            Future<?> writer = threads.submit(() -> {
                OutputStream out = s.getOutputStream();
                for (int off = 0; off < data.length; off += 8192) {
                    out.write(data, off, Math.min(8192, data.length - off));
                }
                s.shutdownOutput();
                return null;
            });
            byte[] got = s.getInputStream().readAllBytes();
            writer.get(30, TimeUnit.SECONDS);
            return got;
        }
    }

    private static int readUntilEnd(InputStream in) {
        try {
            int last;
            do {
                last = in.read();
            } while (last != -1);
            return last;
        } catch (IOException reset) {
            return -1;
        }
    }
}
