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
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Real port proxy processes (the launcher's proxy mode) relaying to an echo server of this test and watching
 * a {@code sleep} that stands in for a container's first process. No container, no root needed.
 */
class ProxyProcessTest {
    private static final Duration PATIENCE = Duration.ofSeconds(20);

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
                try (Socket s = echo.accept()) {
                    s.getInputStream().transferTo(s.getOutputStream());
                } catch (IOException closed) {
                    // the test ended, or the client went away
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

    private ProxyProcess.Started start(int hostPort) throws IOException {
        ProxyProcess.Started started = ProxyProcess.start(launcher(), directory, identity(watched), List.of(forward(hostPort)));
        proxies.add(started.process());
        return started;
    }

    private ProxyProcess.Forward forward(int hostPort) {
        return new ProxyProcess.Forward("tcp", "127.0.0.1", hostPort, "127.0.0.1", echo.getLocalPort());
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

    private static String roundTrip(int port, String text) throws IOException {
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
