package dev.stevedore.apitest;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A udp echo server to run in a busybox container (busybox has none): {@code udp-echo.c} beside this class,
 * compiled by {@link StaticBinary} and bind-mounted into the container. It answers
 * each datagram with {@code "echo "} and the datagram.
 */
public final class UdpEcho {
    private UdpEcho() {
    }

    /** The static binary, compiled on first use; fails loudly when gcc or a static C library is missing. */
    public static Path binary() {
        return StaticBinary.of("udp-echo");
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
