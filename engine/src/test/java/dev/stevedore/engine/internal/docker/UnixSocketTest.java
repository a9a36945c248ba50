package dev.stevedore.engine.internal.docker;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class UnixSocketTest {
    @TempDir
    Path dir;

    private static void echo(SocketChannel connection) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(8192);
        while (connection.read(buffer) >= 0) {
            buffer.flip();
            while (buffer.hasRemaining()) {
                connection.write(buffer);
            }
            buffer.clear();
        }
    }

    private static Socket connect(Path path) throws IOException {
        Socket socket = new UnixSocketFactory(path).createSocket();
        // the address is whatever OkHttp's DNS made of the placeholder host: ignored
        socket.connect(new InetSocketAddress("127.0.0.1", 80), 1000);
        return socket;
    }

    @Test
    void echoesBytesBothWays() throws IOException {
        try (UnixSocketServer server = UnixSocketServer.start(dir.resolve("echo.sock"), UnixSocketTest::echo);
             Socket socket = connect(server.path())) {
            socket.getOutputStream().write("hello over a unix socket".getBytes(StandardCharsets.UTF_8));
            byte[] answer = socket.getInputStream().readNBytes(24);

            assertThat(new String(answer, StandardCharsets.UTF_8)).isEqualTo("hello over a unix socket");
            assertThat(socket.isConnected()).isTrue();
            assertThat(socket.isClosed()).isFalse();
        }
    }

    @Test
    void carriesMoreThanTheKernelBuffersInBothDirectionsAtOnce() throws Exception {
        byte[] payload = new byte[8 * 1024 * 1024];
        new Random(42).nextBytes(payload);
        try (UnixSocketServer server = UnixSocketServer.start(dir.resolve("echo.sock"), UnixSocketTest::echo);
             Socket socket = connect(server.path())) {
            socket.setSoTimeout(10_000);
            CompletableFuture<byte[]> received = CompletableFuture.supplyAsync(() -> {
                try {
                    return socket.getInputStream().readNBytes(payload.length);
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            OutputStream out = socket.getOutputStream();
            for (int off = 0; off < payload.length; off += 100_000) {
                out.write(payload, off, Math.min(100_000, payload.length - off));
            }

            assertThat(Arrays.equals(received.get(30, TimeUnit.SECONDS), payload)).isTrue();
        }
    }

    @Test
    void readTimesOutWhenThePeerIsSilentAndStaysUsable() throws Exception {
        CountDownLatch speak = new CountDownLatch(1);
        try (UnixSocketServer server = UnixSocketServer.start(dir.resolve("silent.sock"), connection -> {
                 try {
                     speak.await(30, TimeUnit.SECONDS);
                 } catch (InterruptedException e) {
                     return;
                 }
                 connection.write(ByteBuffer.wrap("late".getBytes(StandardCharsets.UTF_8)));
                 echo(connection);
             });
             Socket socket = connect(server.path())) {
            socket.setSoTimeout(200);
            long start = System.nanoTime();

            assertThatThrownBy(() -> socket.getInputStream().read())
                    .isInstanceOf(SocketTimeoutException.class)
                    .hasMessageContaining("200 ms");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(150), Duration.ofSeconds(60));
            assertThat(socket.getSoTimeout()).isEqualTo(200);

            speak.countDown();
            socket.setSoTimeout(10_000);
            assertThat(new String(socket.getInputStream().readNBytes(4), StandardCharsets.UTF_8)).isEqualTo("late");
        }
    }

    @Test
    void zeroTimeoutWaitsUntilDataArrives() throws Exception {
        CountDownLatch speak = new CountDownLatch(1);
        try (UnixSocketServer server = UnixSocketServer.start(dir.resolve("wait.sock"), connection -> {
                 try {
                     speak.await(30, TimeUnit.SECONDS);
                 } catch (InterruptedException e) {
                     return;
                 }
                 connection.write(ByteBuffer.wrap(new byte[] {7}));
             });
             Socket socket = connect(server.path())) {
            socket.setSoTimeout(0);
            CompletableFuture<Integer> read = CompletableFuture.supplyAsync(() -> {
                try {
                    return socket.getInputStream().read();
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> !read.isDone());

            speak.countDown();
            assertThat(read.get(10, TimeUnit.SECONDS)).isEqualTo(7);
        }
    }

    @Test
    void shutdownOutputHalfClosesSoThePeerStillAnswers() throws IOException {
        try (UnixSocketServer server = UnixSocketServer.start(dir.resolve("half.sock"), connection -> {
                 ByteArrayOutputStream request = new ByteArrayOutputStream();
                 ByteBuffer buffer = ByteBuffer.allocate(1024);
                 while (connection.read(buffer) >= 0) {
                     request.write(buffer.array(), 0, buffer.position());
                     buffer.clear();
                 }
                 // only after end of stream does the peer answer, with the length it got
                 connection.write(ByteBuffer.wrap(("got " + request.size()).getBytes(StandardCharsets.UTF_8)));
             });
             Socket socket = connect(server.path())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(new byte[1234]);
            socket.shutdownOutput();

            assertThat(socket.isOutputShutdown()).isTrue();
            assertThat(socket.isInputShutdown()).isFalse();
            InputStream in = socket.getInputStream();
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("got 1234");
            assertThatThrownBy(() -> socket.getOutputStream()).isInstanceOf(SocketException.class);
        }
    }

    @Test
    void shutdownInputMakesReadsEndAtOnce() throws IOException {
        try (UnixSocketServer server = UnixSocketServer.start(dir.resolve("in.sock"), UnixSocketTest::echo);
             Socket socket = connect(server.path())) {
            InputStream in = socket.getInputStream();
            socket.shutdownInput();

            assertThat(in.read()).isEqualTo(-1);
            assertThat(socket.isInputShutdown()).isTrue();
        }
    }

    @Test
    void closeFromAnotherThreadEndsABlockedRead() throws Exception {
        try (UnixSocketServer server = UnixSocketServer.start(dir.resolve("block.sock"), UnixSocketTest::echo)) {
            Socket socket = connect(server.path());
            CompletableFuture<Throwable> outcome = CompletableFuture.supplyAsync(() -> {
                try {
                    socket.getInputStream().read();
                    return null;
                } catch (IOException e) {
                    return e;
                }
            });
            await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(5)).until(() -> !outcome.isDone());

            socket.close();

            assertThat(outcome.get(10, TimeUnit.SECONDS)).isInstanceOf(SocketException.class);
            assertThat(socket.isClosed()).isTrue();
            assertThatThrownBy(socket::getInputStream).isInstanceOf(SocketException.class);
        }
    }

    @Test
    void peerClosingEndsTheStream() throws IOException {
        try (UnixSocketServer server = UnixSocketServer.start(dir.resolve("bye.sock"),
                connection -> connection.write(ByteBuffer.wrap("bye".getBytes(StandardCharsets.UTF_8))));
             Socket socket = connect(server.path())) {
            socket.setSoTimeout(10_000);

            assertThat(socket.getInputStream().readAllBytes()).asString(StandardCharsets.UTF_8).isEqualTo("bye");
        }
    }

    @Test
    void connectingToAMissingSocketFileFails() {
        Socket socket = new UnixSocketFactory(dir.resolve("nothing.sock")).createSocket();

        assertThatThrownBy(() -> socket.connect(new InetSocketAddress("127.0.0.1", 80)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("No such file");
        assertThat(socket.isConnected()).isFalse();
    }

    @Test
    void connectingToASocketFileNobodyListensOnIsRefused() throws IOException {
        Path stale = dir.resolve("stale.sock");
        UnixSocketServer.start(stale, UnixSocketTest::echo).closeKeepingFile();
        assertThat(Files.exists(stale)).isTrue();
        Socket socket = new UnixSocketFactory(stale).createSocket();

        assertThatThrownBy(() -> socket.connect(new InetSocketAddress("127.0.0.1", 80)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("Connection refused");
    }
}
