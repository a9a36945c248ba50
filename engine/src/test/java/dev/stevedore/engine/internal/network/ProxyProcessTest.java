package dev.stevedore.engine.internal.network;

import dev.stevedore.engine.internal.runtime.LauncherBinary;
import dev.stevedore.engine.internal.runtime.ProcessIdentity;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Real port proxy processes (the launcher's proxy mode) relaying to an echo server of this test and watching
 * a {@code sleep} that stands in for a container's first process. No container, no root needed.
 */
class ProxyProcessTest {
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @TempDir
    Path directory;
    @TempDir
    static Path state;

    private ServerSocket echo;
    private Thread echoThread;
    private Process watched;
    private final List<ProcessIdentity> proxies = new ArrayList<>();

    @BeforeEach
    void startEchoServerAndWatchedProcess() throws IOException {
        echo = new ServerSocket();
        echo.bind(new InetSocketAddress("127.0.0.1", 0));
        echoThread = new Thread(() -> {
            while (!echo.isClosed()) {
                try {
                    Socket s = echo.accept();
                    Thread connection = new Thread(() -> {
                        try (s) {
                            s.getInputStream().transferTo(s.getOutputStream());
                        } catch (IOException gone) {
                            // the client went away
                        }
                    }, "echo-connection");
                    connection.setDaemon(true);
                    connection.start();
                } catch (IOException closed) {
                    return; // the test ended
                }
            }
        }, "echo");
        echoThread.setDaemon(true);
        echoThread.start();
        watched = new ProcessBuilder("sleep", "120").start();
    }

    @AfterEach
    void stopEverything() throws IOException, InterruptedException {
        for (ProcessIdentity proxy : proxies) {
            ProxyProcess.stop(proxy);
        }
        watched.destroyForcibly().waitFor();
        echo.close();
    }

    @Test
    void relaysUntilTheWatchedProcessEndsThenFreesThePort() throws Exception {
        ProxyProcess.Started started = start(0);
        int port = started.ports().get(0);

        assertThat(port).isPositive();
        assertThat(roundTrip(port, "through-a-proxy-process")).isEqualTo("through-a-proxy-process");
        await().atMost(PATIENCE).untilAsserted(() ->
                assertThat(Files.readString(directory.resolve("proxy.log"))).startsWith("20").contains(" serving "));

        watched.destroyForcibly().waitFor();

        await().atMost(PATIENCE).until(() -> !started.process().isAlive());
        assertBindable(port);
    }

    @Test
    void twoHundredConcurrentConnectionsKeepEveryByteInOrder() throws Exception {
        int port = start(0).ports().get(0);
        ExecutorService clients = Executors.newFixedThreadPool(50);
        try {
            List<Future<byte[]>> results = new ArrayList<>();
            List<byte[]> sent = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                byte[] data = new byte[256 * 1024];
                new Random(i).nextBytes(data);
                sent.add(data);
                results.add(clients.submit(() -> roundTrip(port, data)));
            }
            for (int i = 0; i < sent.size(); i++) {
                assertThat(Arrays.equals(results.get(i).get(60, TimeUnit.SECONDS), sent.get(i)))
                        .as("connection %d got back exactly what it sent", i).isTrue();
            }
        } finally {
            clients.shutdownNow();
        }
    }

    @Test
    void aServerThatStopsReadingSlowsTheClientInsteadOfFillingTheProxysMemory() throws Exception {
        try (ServerSocket stalled = new ServerSocket()) {
            stalled.bind(new InetSocketAddress("127.0.0.1", 0));
            ProxyProcess.Started started = ProxyProcess.start(launcher(), directory, identity(watched),
                    List.of(new ProxyProcess.Forward("tcp", "127.0.0.1", 0, "127.0.0.1", stalled.getLocalPort())));
            proxies.add(started.process());
            try (Socket client = new Socket("127.0.0.1", started.ports().get(0)); Socket server = stalled.accept()) {
                long rssBefore = rssKib(started.process());
                CompletableFuture<Long> written = CompletableFuture.supplyAsync(() -> {
                    long total = 0;
                    byte[] block = new byte[64 * 1024];
                    try {
                        for (int i = 0; i < 1024; i++) { // 64 MiB, far more than every buffer on the way
                            client.getOutputStream().write(block);
                            total += block.length;
                        }
                    } catch (IOException closed) {
                        // the test closed the socket
                    }
                    return total;
                });
                await().during(Duration.ofMillis(500)).atMost(PATIENCE).until(() -> !written.isDone());
                assertThat(rssKib(started.process()) - rssBefore).as("RSS growth of the proxy in KiB").isLessThan(4 * 1024);
                server.getInputStream().readNBytes(1024 * 1024);
                client.close();
                assertThat(written.get(10, TimeUnit.SECONDS)).isLessThan(64L << 20);
            }
        }
    }

    @Test
    void aResetOnOneSideResetsTheOther() throws Exception {
        try (ServerSocket target = new ServerSocket()) {
            target.bind(new InetSocketAddress("127.0.0.1", 0));
            ProxyProcess.Started started = ProxyProcess.start(launcher(), directory, identity(watched),
                    List.of(new ProxyProcess.Forward("tcp", "127.0.0.1", 0, "127.0.0.1", target.getLocalPort())));
            proxies.add(started.process());
            try (Socket client = new Socket("127.0.0.1", started.ports().get(0))) {
                client.setSoTimeout(10_000);
                try (Socket server = target.accept()) {
                    server.setSoLinger(true, 0); // close with a reset
                }
                assertThatThrownBy(() -> client.getInputStream().read()).isInstanceOf(java.net.SocketException.class)
                        .hasMessageContaining("reset");
            }
        }
    }

    @Test
    void aUdpPortRelaysEachClientInAFlowOfItsOwnClosedWhenIdle() throws Exception {
        try (DatagramSocket target = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            Thread server = new Thread(() -> {
                byte[] buffer = new byte[2048];
                while (!target.isClosed()) {
                    DatagramPacket p = new DatagramPacket(buffer, buffer.length);
                    try {
                        target.receive(p);
                        byte[] answer = ("echo " + new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8))
                                .getBytes(StandardCharsets.UTF_8);
                        target.send(new DatagramPacket(answer, answer.length, p.getSocketAddress()));
                    } catch (IOException closed) {
                        return;
                    }
                }
            }, "udp-echo");
            server.setDaemon(true);
            server.start();
            ProxyProcess.Started started = ProxyProcess.start(launcher(), directory, identity(watched),
                    // idle after 5 s: both flows are counted after three round trips, and at load 15 those can
                    // take longer than a short idle time, which would close the second flow before the count
                    List.of(new ProxyProcess.Forward("udp", "127.0.0.1", 0, "127.0.0.1", target.getLocalPort())),
                    Duration.ofSeconds(5));
            proxies.add(started.process());
            int port = started.ports().get(0);
            // sockets only: the proxy's stdout is swapped for /dev/null just after it answers ready, an extra
            // descriptor for a moment that a count of all descriptors taken then would take for a baseline
            long sockets = sockets(started.process());
            try (DatagramSocket first = udpClient(); DatagramSocket second = udpClient()) {
                assertThat(PortProxyTest.ask(first, port, "one")).isEqualTo("echo one");
                assertThat(PortProxyTest.ask(second, port, "two")).isEqualTo("echo two");
                assertThat(PortProxyTest.ask(first, port, "three")).isEqualTo("echo three");
                assertThat(sockets(started.process()) - sockets).as("one flow socket per client").isEqualTo(2);

                await().atMost(PATIENCE).until(() -> sockets(started.process()) == sockets);

                assertThat(PortProxyTest.ask(second, port, "again")).isEqualTo("echo again");
            }
        }
    }

    @Test
    void itListensOnTheAddressesAskedForIpv6LoopbackAndAllAddressesToo() throws Exception {
        ProxyProcess.Started started = ProxyProcess.start(launcher(), directory, identity(watched), List.of(
                new ProxyProcess.Forward("tcp", "::1", 0, "127.0.0.1", echo.getLocalPort()),
                new ProxyProcess.Forward("tcp", "0.0.0.0", 0, "127.0.0.1", echo.getLocalPort())));
        proxies.add(started.process());

        try (Socket v6 = new Socket("::1", started.ports().get(0))) {
            v6.getOutputStream().write('6');
            assertThat(v6.getInputStream().read()).isEqualTo('6');
        }
        assertThatThrownBy(() -> new Socket("127.0.0.1", started.ports().get(0)).close())
                .as("::1 only, not IPv4 loopback").isInstanceOf(IOException.class);
        assertThat(roundTrip(started.ports().get(1), "any-address")).isEqualTo("any-address");
    }

    @Test
    void aUdpPortInUseIsReported() throws Exception {
        try (DatagramSocket taken = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            assertThatThrownBy(() -> ProxyProcess.start(launcher(), directory, identity(watched),
                    List.of(new ProxyProcess.Forward("udp", "127.0.0.1", taken.getLocalPort(), "127.0.0.1", 9))))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("127.0.0.1:" + taken.getLocalPort() + "/udp")
                    .hasMessageContaining("in use");
        }
    }

    @Test
    void anExplicitPortInUseIsReportedAndNothingStaysRunning() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));

            assertThatThrownBy(() -> start(taken.getLocalPort())).isInstanceOf(IOException.class)
                    .hasMessageContaining(String.valueOf(taken.getLocalPort()));
        }
        await().atMost(PATIENCE).until(() -> proxyChildren().isEmpty());
    }

    @Test
    void aWatchedProcessThatIsGoneIsReported() {
        ProcessIdentity gone = new ProcessIdentity(watched.pid(), identity(watched).startTime() + 1);

        assertThatThrownBy(() -> ProxyProcess.start(launcher(), directory, gone, List.of(forward(0))))
                .isInstanceOf(ProxyProcess.ContainerEndedException.class);
    }

    @Test
    void stopEndsItAtOnceAndFreesThePort() throws Exception {
        ProxyProcess.Started started = start(0);

        ProxyProcess.stop(started.process());

        assertThat(started.process().isAlive()).isFalse();
        assertBindable(started.ports().get(0));
    }

    @Test
    void itEndsWhenItsRecordDirectoryIsRemoved() throws Exception {
        Path record = Files.createDirectory(directory.resolve("record"));
        ProxyProcess.Started started = ProxyProcess.start(launcher(), record, identity(watched), List.of(forward(0)));
        proxies.add(started.process());

        Files.delete(record.resolve("proxy.log"));
        Files.delete(record);

        await().atMost(PATIENCE).until(() -> !started.process().isAlive());
        assertBindable(started.ports().get(0));
    }

    @Test
    void itRunsInASessionOfItsOwnWithoutATerminal() throws Exception {
        ProxyProcess.Started started = start(0);

        String stat = Files.readString(Path.of("/proc", Long.toString(started.process().pid()), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        assertThat(fields[3]).as("session id").isEqualTo(Long.toString(started.process().pid()));
        assertThat(fields[4]).as("controlling terminal").isEqualTo("0");
    }

    @Test
    void theCommandIsTheLaunchersProxyModeWithEachPortsFiveFields() {
        List<String> command = ProxyProcess.command(Path.of("/x/launcher"), directory, new ProcessIdentity(42, 7),
                List.of(forward(8080), new ProxyProcess.Forward("udp", "::1", 53, "10.0.0.2", 5353)));

        assertThat(command).containsExactly("/x/launcher", "proxy", directory.toString(), "42", "7",
                "tcp", "127.0.0.1", "8080", "127.0.0.1", String.valueOf(echo.getLocalPort()),
                "udp", "::1", "53", "10.0.0.2", "5353");
    }

    @Test
    void pastItsCapTheProxyResetsNewConnectionsWhileTheOthersGoOn() throws Exception {
        ProxyProcess.Started started = startCapped(List.of("-c", "4"), "4096:4096");
        int port = started.ports().get(0);

        assertCapHolds(port, 4, started);
    }

    @Test
    void theProxyKeepsTheFileLimitItWasGivenAndFitsItsConnectionsIntoIt() throws Exception {
        // 40 descriptors, less 7 for set-up (stdio, pidfd, inotify, epoll, the port) and 16 spare: room for 8 connections
        ProxyProcess.Started started = startCapped(List.of(), "40:4096");
        int port = started.ports().get(0);

        assertThat(Files.readAllLines(Path.of("/proc", Long.toString(started.process().pid()), "limits")))
                .as("not raised to the hard maximum").anySatisfy(l -> assertThat(l).matches("Max open files +40 +4096 +files *"));
        assertCapHolds(port, 8, started);
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(Files.readString(directory.resolve("proxy.log")))
                .contains("relaying at most 8 tcp connections at once").contains("refused 1 connection(s) on 127.0.0.1:" + port));
    }

    /** {@code cap} connections relayed and held; the next is reset; those held still relay; a freed place is taken again. */
    private void assertCapHolds(int port, int cap, ProxyProcess.Started started) throws Exception {
        List<Socket> held = new ArrayList<>();
        try {
            for (int i = 0; i < cap; i++) {
                Socket s = new Socket("127.0.0.1", port);
                s.setSoTimeout(10_000);
                held.add(s);
                assertThat(PortProxyTest.echo(s, "held " + i)).isEqualTo("held " + i);
            }
            PortProxyTest.assertRefused(port);
            for (int i = 0; i < cap; i++) {
                assertThat(PortProxyTest.echo(held.get(i), "still " + i)).as("connection %d goes on", i).isEqualTo("still " + i);
            }
            held.remove(0).close();
            await().atMost(PATIENCE).untilAsserted(() -> assertThat(roundTrip(port, "a freed place")).isEqualTo("a freed place"));
            assertThat(descriptors(started.process())).isLessThanOrEqualTo(7 + 2L * cap + 1);
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
    }

    /** A proxy process with {@code options} under the file limit {@code nofile} (soft:hard), as prlimit sets it. */
    private ProxyProcess.Started startCapped(List<String> options, String nofile) throws IOException {
        List<String> command = new ArrayList<>(List.of("prlimit", "--nofile=" + nofile, "--"));
        List<String> proxy = ProxyProcess.command(launcher(), directory, identity(watched), List.of(forward(0)));
        proxy.addAll(2, options);
        command.addAll(proxy);
        Files.createDirectories(directory);
        Process process = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.appendTo(directory.resolve("proxy.log").toFile())).start();
        process.getOutputStream().close();
        String line = new java.io.BufferedReader(new java.io.InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))
                .readLine();
        assertThat(line).startsWith("ready ");
        String[] parts = line.split(" ");
        ProcessIdentity identity = new ProcessIdentity(Long.parseLong(parts[1]), Long.parseLong(parts[2]));
        proxies.add(identity);
        return new ProxyProcess.Started(identity, List.of(Integer.parseInt(parts[3])), process.onExit());
    }

    private ProxyProcess.Started start(int hostPort) throws IOException {
        ProxyProcess.Started started = ProxyProcess.start(launcher(), directory, identity(watched), List.of(forward(hostPort)));
        proxies.add(started.process());
        return started;
    }

    private ProxyProcess.Forward forward(int hostPort) {
        return new ProxyProcess.Forward("tcp", "127.0.0.1", hostPort, "127.0.0.1", echo.getLocalPort());
    }

    private static DatagramSocket udpClient() throws IOException {
        DatagramSocket client = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        client.setSoTimeout(5_000);
        return client;
    }

    private static long descriptors(ProcessIdentity process) throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(process.pid()), "fd"))) {
            return fds.count();
        }
    }

    private static long sockets(ProcessIdentity process) throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(process.pid()), "fd"))) {
            return fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString().startsWith("socket:");
                } catch (IOException closedMeanwhile) {
                    return false;
                }
            }).count();
        }
    }

    private static long rssKib(ProcessIdentity process) throws IOException {
        return Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status")).stream()
                .filter(l -> l.startsWith("VmRSS:")).map(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).findFirst().orElseThrow();
    }

    private static Path launcher() {
        return LauncherBinary.extract(state);
    }

    private static ProcessIdentity identity(Process process) {
        return ProcessIdentity.of(process.pid()).orElseThrow();
    }

    private static List<ProcessHandle> proxyChildren() {
        return ProcessHandle.current().children()
                .filter(p -> p.info().arguments().map(a -> a.length > 0 && a[0].equals("proxy")).orElse(false))
                .filter(ProcessHandle::isAlive).toList();
    }

    /** Writes {@code data} (on a thread of its own) and half-closes while reading the echo to its end. */
    private static byte[] roundTrip(int port, byte[] data) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(30_000);
            CompletableFuture<Void> written = new CompletableFuture<>();
            Thread writer = new Thread(() -> {
                try {
                    OutputStream out = s.getOutputStream();
                    for (int off = 0; off < data.length; off += 8192) {
                        out.write(data, off, Math.min(8192, data.length - off));
                    }
                    s.shutdownOutput();
                    written.complete(null);
                } catch (IOException e) {
                    written.completeExceptionally(e);
                }
            }, "writer");
            writer.setDaemon(true);
            writer.start();
            byte[] got = s.getInputStream().readAllBytes();
            written.get(30, TimeUnit.SECONDS);
            return got;
        }
    }

    /** Sends {@code text} through 127.0.0.1:{@code port}, half-closes, and reads the answer to its end. */
    static String roundTrip(int port, String text) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(text.getBytes(StandardCharsets.UTF_8));
            s.shutdownOutput();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static void assertBindable(int port) throws IOException {
        try (ServerSocket again = new ServerSocket()) {
            again.bind(new InetSocketAddress("127.0.0.1", port));
        }
    }
}
