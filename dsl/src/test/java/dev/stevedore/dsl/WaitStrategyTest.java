package dev.stevedore.dsl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.stevedore.dsl.fake.FakeEngine;
import dev.stevedore.engine.ExecResult;
import dev.stevedore.engine.ImageConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WaitStrategyTest {
    private final FakeEngine engine = new FakeEngine();
    private final CountDownLatch gate = new CountDownLatch(1);

    @AfterEach
    void openGate() {
        gate.countDown();
    }

    private CompletableFuture<ContainerHandle> startInBackground(ContainerHandle handle) {
        return CompletableFuture.supplyAsync(() -> handle.start(engine));
    }

    private void assertStillWaiting(CompletableFuture<?> start) {
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !start.isDone());
    }

    @Test
    void logMessageWaitsForTheNthMatchingLine() {
        engine.program("app:1", p -> p.log("server ready on 1").await(gate).log("server ready on 2"));
        ContainerHandle app = Stevedore.container("app:1", c -> c.waitFor(Wait.logMessage("ready on \\d").times(2)));
        CompletableFuture<ContainerHandle> start = startInBackground(app);
        await().atMost(Duration.ofSeconds(5)).until(() -> engine.containers().size() == 1
                && engine.containers().get(0).state().running());
        assertStillWaiting(start);
        gate.countDown();
        assertThat(start.join().isReady()).isTrue();
    }

    @Test
    void aTimeoutShowsTheLastFiftyLinesAndWhatWasAwaited() {
        engine.program("app:1", p -> IntStream.rangeClosed(1, 60).forEach(i -> p.log("line " + i)));
        ContainerHandle app = Stevedore.container("app:1", c -> c.name("app")
                .waitFor(Wait.logMessage("ready").timeout(Duration.ofMillis(500))));
        ContainerNotReadyException e = catchThrowableOfType(() -> app.start(engine), ContainerNotReadyException.class);
        assertThat(e.getMessage()).startsWith("container \"app\" (app:1) was not ready within 0.5 s")
                .contains("waited for: a log line matching /ready/ (last seen: matched 0 times)")
                .contains("its last 50 log lines:\n  | line 11\n");
        assertThat(e.lastLogLines()).hasSize(50).startsWith("line 11").endsWith("line 60");
        assertThat(e.awaited()).startsWith("a log line matching /ready/");
        assertThat(engine.containers()).as("a container that failed to get ready is removed").isEmpty();
        assertThat(app.isRunning()).isFalse();
        assertThat(app.lastLogLines(2)).as("its logs outlive it").containsExactly("line 59", "line 60");
    }

    @Test
    void aContainerThatExitsFailsTheWaitAtOnceWithItsExitCode() {
        engine.program("app:1", p -> {
            p.logError("config file missing");
            p.exit(3);
        });
        ContainerHandle app = Stevedore.container("app:1", c -> c.name("app").waitFor(Wait.logMessage("ready")));
        long started = System.nanoTime();
        ContainerNotReadyException e = catchThrowableOfType(() -> app.start(engine), ContainerNotReadyException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
        assertThat(e.getMessage()).startsWith("container \"app\" (app:1) exited with code 3 while it was waited for")
                .contains("| config file missing");
        assertThat(e.exitCode()).hasValue(3);
    }

    @Test
    void aPortIsReadyOnlyWhenItListensInsideAndAnswersFromTheHost() {
        engine.program("web:1", p -> p.listenInsideOnly(8080).await(gate).listen(8080));
        ContainerHandle web = Stevedore.container("web:1", c -> c.expose(8080));
        CompletableFuture<ContainerHandle> start = startInBackground(web);
        assertStillWaiting(start);
        gate.countDown();
        assertThat(start.join().isReady()).isTrue();
    }

    @Test
    void aPortWaitTimeoutNamesThePortsNotListening() {
        engine.program("web:1", p -> p.listen(8080));
        ContainerHandle web = Stevedore.container("web:1", c -> c.name("web").expose(8080, 9090)
                .waitFor(Wait.port(8080, 9090).timeout(Duration.ofMillis(400))));
        assertThatThrownBy(() -> web.start(engine))
                .isInstanceOf(ContainerNotReadyException.class)
                .hasMessageContaining("waited for: ports 8080, 9090 to listen (last seen: not yet listening: 9090)");
    }

    @Test
    void procNetTcpListenersAreFound() {
        String text = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
                + "   0: 00000000:1538 00000000:0000 0A 00000000:00000000 00:00000000 00000000   999        0 1 1\n"
                + "   1: 0100007F:1F90 0100007F:A2C4 01 00000000:00000000 00:00000000 00000000     0        0 2 1\n"
                + "   0: 00000000000000000000000000000000:1F91 00000000000000000000000000000000:0000 0A 0 0 0 0\n";
        assertThat(PortWait.listeningPorts(text)).isEqualTo(Set.of(5432, 8081));
    }

    @Test
    void httpWaitsForTheStatusAndBody() throws Exception {
        AtomicInteger requests = new AtomicInteger();
        engine.program("web:1", p -> {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), p.hostPort(8080)), 0);
            server.createContext("/health", exchange -> {
                requests.incrementAndGet();
                boolean up = gate.getCount() == 0;
                byte[] body = (up ? "status: ok" : "starting").getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(up ? 200 : 503, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            server.start();
        });
        ContainerHandle web = Stevedore.container("web:1", c -> c.expose(8080)
                .waitFor(Wait.http("/health").status(200).bodyContains("ok")));
        CompletableFuture<ContainerHandle> start = startInBackground(web);
        await().atMost(Duration.ofSeconds(5)).until(() -> requests.get() >= 2);
        assertStillWaiting(start);
        gate.countDown();
        assertThat(start.join().isReady()).isTrue();
    }

    @Test
    void anHttpTimeoutSaysWhatTheServerLastAnswered() throws Exception {
        engine.program("web:1", p -> {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), p.hostPort(8080)), 0);
            server.createContext("/", exchange -> {
                exchange.sendResponseHeaders(503, -1);
                exchange.close();
            });
            server.start();
        });
        ContainerHandle web = Stevedore.container("web:1", c -> c.name("web").expose(8080)
                .waitFor(Wait.http("/health").timeout(Duration.ofMillis(500))));
        assertThatThrownBy(() -> web.start(engine))
                .hasMessageContaining("waited for: GET http://…/health to answer status 2xx (last seen: status 503)");
    }

    @Test
    void aCommandIsRunUntilItSucceeds() {
        AtomicInteger runs = new AtomicInteger();
        engine.exec("db:1", command -> new ExecResult(runs.incrementAndGet() < 3 ? 1 : 0, "", "not yet", false));
        ContainerHandle db = Stevedore.container("db:1", c -> c.waitFor(Wait.command("pg_isready")));
        db.start(engine);
        assertThat(runs.get()).isEqualTo(3);
    }

    @Test
    void allOfChecksInOrderWithinOneTimeout() {
        engine.program("app:1", p -> p.log("first").await(gate).log("second"));
        ContainerHandle app = Stevedore.container("app:1", c -> c.name("app").waitFor(
                Wait.allOf(Wait.logMessage("first"), Wait.logMessage("second")).timeout(Duration.ofMillis(600))));
        ContainerNotReadyException e = catchThrowableOfType(() -> app.start(engine), ContainerNotReadyException.class);
        assertThat(e.awaited()).startsWith("a log line matching /second/");
        assertThat(e.getMessage()).contains("was not ready within 0.6 s");
    }

    @Test
    void logListenersSeeEveryLine() {
        List<String> seen = new CopyOnWriteArrayList<>();
        engine.program("app:1", p -> p.log("one").log("two").log("ready"));
        ContainerHandle app = Stevedore.container("app:1", c -> c.onLog(line -> seen.add(line.text()))
                .waitFor(Wait.logMessage("ready")));
        app.start(engine);
        await().atMost(Duration.ofSeconds(5)).until(() -> seen.size() == 3);
        assertThat(seen).containsExactly("one", "two", "ready");
        assertThat(app.logs().stream().map(l -> l.text()).collect(Collectors.toList())).containsExactly("one", "two", "ready");
        app.stop();
    }
}
