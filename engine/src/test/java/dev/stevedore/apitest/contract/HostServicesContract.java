package dev.stevedore.apitest.contract;

import com.sun.net.httpserver.HttpServer;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ExecResult;
import dev.stevedore.engine.ExecSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Host services for containers ({@code exposeHostPorts}): a server of this JVM on the host's loopback, reached from
 * inside a container as {@code host.stevedore.internal:PORT} (busybox's nc), before the container's command could
 * race it; a host port not asked for is not reachable by that name; and the relay is gone when the container stops.
 *
 * <p>Runs on the embedded engine as root and on the rootless one ({@code RootlessHostServicesContractIT}); the
 * Docker backend refuses host ports, which {@code DockerHostServicesIT} checks with dockerd.
 */
public abstract class HostServicesContract extends EngineContract {
    private final List<HttpServer> servers = new ArrayList<>();

    @AfterEach
    void stopServers() {
        servers.forEach(s -> s.stop(0));
    }

    /** An HTTP server of this JVM on 127.0.0.1, on a free port, answering {@code body} and counting requests. */
    private HttpServer server(String body, AtomicInteger requests) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
        servers.add(server);
        return server;
    }

    private static int port(HttpServer server) {
        return server.getAddress().getPort();
    }

    /**
     * {@code GET path} from inside the container with busybox's nc (the test bed's busybox wget crashes on any
     * address: a static build whose resolver segfaults), the whole answer on stdout.
     */
    private ExecResult get(String container, int port, String path) {
        return engine.exec(container, ExecSpec.of("sh", "-c", request(port, path)));
    }

    private static String request(int port, String path) {
        return "printf 'GET " + path + " HTTP/1.0\\r\\nHost: h\\r\\n\\r\\n' | nc -w 5 host.stevedore.internal " + port;
    }

    @Test
    void aServerOnTheHostsLoopbackAnswersTheContainerAsHostStevedoreInternal() throws IOException {
        AtomicInteger requests = new AtomicInteger();
        int port = port(server("hello from the host " + run, requests));

        // the first command asks at once: the relay listens before the container's command runs
        ContainerInfo container = started(busybox(request(port, "/first") + "; echo; exec sleep 3600").exposeHostPorts(port));

        await().atMost(PATIENCE).untilAsserted(() -> assertThat(logTexts(container.id()))
                .contains("hello from the host " + run));
        ExecResult again = get(container.id(), port, "/again");
        assertThat(again.exitCode()).as("nc's exit code; stderr: %s", again.stderr()).isZero();
        assertThat(again.stdout()).startsWith("HTTP/1.1 200").endsWith("\r\n\r\nhello from the host " + run);
        assertThat(requests).hasValue(2);
    }

    @Test
    void aHostPortNotExposedIsNotReachable() throws IOException {
        AtomicInteger exposedRequests = new AtomicInteger();
        AtomicInteger hiddenRequests = new AtomicInteger();
        int exposed = port(server("exposed", exposedRequests));
        int hidden = port(server("hidden", hiddenRequests));
        ContainerInfo container = started(busybox("exec sleep 3600").exposeHostPorts(exposed));

        ExecResult refused = get(container.id(), hidden, "/");
        ExecResult answered = get(container.id(), exposed, "/");

        assertThat(refused.exitCode()).as("nc to the port not exposed; stdout: %s", refused.stdout()).isNotZero();
        assertThat(refused.stderr()).contains("Connection refused");
        assertThat(hiddenRequests).hasValue(0);
        assertThat(answered.stdout()).endsWith("\r\n\r\nexposed");
        assertThat(exposedRequests).hasValue(1);
    }

    @Test
    void nothingServesTheContainerOnceItStopped() throws IOException {
        AtomicInteger requests = new AtomicInteger();
        int port = port(server("until stop", requests));
        ContainerInfo container = started(busybox("exec sleep 3600").exposeHostPorts(port));
        long pid = engine.inspectContainer(container.id()).state().pid();
        assertThat(relaysOf(pid)).as("the host relay of container process %d", pid).hasSize(1);

        engine.stopContainer(container.id(), Duration.ofSeconds(1));

        await().atMost(PATIENCE).untilAsserted(() -> assertThat(relaysOf(pid))
                .as("host relay processes of container process %d left after its stop", pid).isEmpty());
        // the host's server is the test's own and stays as it was
        assertThat(requests).hasValue(0);
    }

    /** The processes of this machine relaying host ports into the network namespace of process {@code pid}. */
    private static List<Long> relaysOf(long pid) throws IOException {
        List<Long> found = new ArrayList<>();
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            for (Path p : (Iterable<Path>) processes::iterator) {
                if (!p.getFileName().toString().chars().allMatch(Character::isDigit)) {
                    continue;
                }
                List<String> args;
                try {
                    args = List.of(new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8).split("\0"));
                } catch (IOException e) {
                    continue; // ended meanwhile, or another user's
                }
                int l = args.indexOf("-L");
                if (args.size() > 1 && args.get(1).equals("proxy") && l > 0 && l + 1 < args.size()
                        && args.get(l + 1).equals(Long.toString(pid))) {
                    found.add(Long.parseLong(p.getFileName().toString()));
                }
            }
        }
        return found;
    }
}
