package dev.stevedore.apitest;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A udp echo server to run in a busybox container (busybox has none): {@code udp-echo.c} beside this class,
 * compiled once per JVM with the host's {@code gcc -static} and bind-mounted into the container. It answers
 * each datagram with {@code "echo "} and the datagram.
 */
public final class UdpEcho {
    private static Path binary;

    private UdpEcho() {
    }

    /** The static binary, compiled on first use; fails loudly when gcc or a static C library is missing. */
    public static synchronized Path binary() {
        if (binary == null) {
            try {
                Path dir = Files.createTempDirectory("stevedore-udp-echo-");
                dir.toFile().deleteOnExit();
                Path source = dir.resolve("udp-echo.c");
                try (InputStream in = UdpEcho.class.getResourceAsStream("udp-echo.c")) {
                    Files.write(source, in.readAllBytes());
                }
                Path out = dir.resolve("udp-echo");
                Process gcc = new ProcessBuilder("gcc", "-static", "-O2", "-o", out.toString(), source.toString())
                        .redirectErrorStream(true).start();
                String said = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!gcc.waitFor(60, TimeUnit.SECONDS) || gcc.exitValue() != 0) {
                    throw new IllegalStateException("compiling the udp echo server with gcc -static failed: " + said
                            + " — install gcc and libc6-dev");
                }
                source.toFile().deleteOnExit();
                out.toFile().deleteOnExit();
                binary = out;
            } catch (IOException e) {
                throw new UncheckedIOException("compiling the udp echo server failed: " + e.getMessage()
                        + " — install gcc and libc6-dev", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return binary;
    }

    /**
     * Sends {@code text} from {@code client} to 127.0.0.1:port and returns the answer, checking it came from
     * that address and port; throws when none comes within a second.
     */
    public static String ask(DatagramSocket client, int port, String text) throws IOException {
        byte[] request = text.getBytes(StandardCharsets.UTF_8);
        InetSocketAddress to = new InetSocketAddress("127.0.0.1", port);
        client.setSoTimeout(1000);
        client.send(new DatagramPacket(request, request.length, to));
        DatagramPacket answer = new DatagramPacket(new byte[65536], 65536);
        client.receive(answer);
        if (!answer.getSocketAddress().equals(to)) {
            throw new IOException("the answer came from " + answer.getSocketAddress() + ", not " + to);
        }
        return new String(answer.getData(), 0, answer.getLength(), StandardCharsets.UTF_8);
    }
}
