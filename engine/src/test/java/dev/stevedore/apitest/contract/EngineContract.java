package dev.stevedore.apitest.contract;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerLogs;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.ContainerState;
import dev.stevedore.engine.LogLine;
import dev.stevedore.engine.LogOptions;
import dev.stevedore.engine.PortBinding;
import dev.stevedore.engine.testbed.Ports;
import dev.stevedore.engine.testbed.Testbed;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every contract class shares: one engine per class from {@link #openEngine()}, the test bed's busybox,
 * and the end check. The contract classes use only the public API, so the same tests hold any engine to
 * the same behaviour; a subclass per engine says how to open it.
 *
 * <p>Every container a contract test makes carries {@link #RUN_LABEL} with a value unique to the class. After
 * the last test the engine is closed, a fresh engine is opened on the same backend, and no container with
 * that label may remain: closing an engine removes what it created.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
// an engine that hangs must fail its test, not the whole build: each test runs on a thread of its own
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
public abstract class EngineContract {
    /** The label that marks the containers of one contract class run. */
    protected static final String RUN_LABEL = "dev.stevedore.contract.run";
    /** How long any single container may take to do what a test asks. */
    protected static final Duration PATIENCE = Duration.ofSeconds(30);

    /** This class run's value of {@link #RUN_LABEL}. */
    protected final String run = UUID.randomUUID().toString();
    /** The engine under test, open from the first test to the last. */
    protected ContainerEngine engine;

    /** Opens the engine under test; called once before the tests and once more for the end check. */
    protected abstract ContainerEngine openEngine();

    /** Called after the engine was closed and found empty; engines with more to check (a daemon) override it. */
    protected void afterEngineClosed(ContainerEngine closed) {
    }

    @BeforeAll
    final void openTheEngine() {
        engine = openEngine();
    }

    @AfterAll
    final void closingTheEngineLeavesNoContainerBehind() {
        if (engine == null) {
            return;
        }
        engine.close();
        try (ContainerEngine fresh = openEngine()) {
            assertThat(fresh.containers(true, Map.of(RUN_LABEL, run)))
                    .extracting(c -> c.name() + " (" + c.state().status() + ", " + String.join(" ", c.command()) + ")")
                    .as("containers this class's engine created and still there after close(), which must remove them")
                    .isEmpty();
        }
        afterEngineClosed(engine);
    }

    /** {@code 127.0.0.1:5000/library/busybox:latest}: the test bed's busybox on its plain registry. */
    protected static String busyboxImage() {
        return Testbed.get().plainRegistry() + "/library/busybox:latest";
    }

    /** A busybox container running {@code sh -c script}, labelled for this run. */
    protected ContainerSpec.Builder busybox(String script) {
        return ContainerSpec.builder(busyboxImage()).cmd("sh", "-c", script).label(RUN_LABEL, run);
    }

    /** Creates and starts {@code spec}. */
    protected ContainerInfo started(ContainerSpec.Builder spec) {
        return engine.runContainer(spec.build());
    }

    /** Waits (up to {@link #PATIENCE}) until the container exits, and checks it did. */
    protected ContainerState exited(String container) {
        ContainerState state = engine.waitContainer(container, PATIENCE);
        assertThat(state.running()).as("container %s still runs after %s", container, PATIENCE).isFalse();
        return state;
    }

    /** Every log line of the container so far. */
    protected List<LogLine> logLines(String container, LogOptions options) {
        try (ContainerLogs logs = engine.logs(container, options); Stream<LogLine> lines = logs.lines()) {
            return lines.collect(Collectors.toList());
        }
    }

    /** The texts of every log line so far, both streams. */
    protected List<String> logTexts(String container) {
        return logLines(container, LogOptions.all()).stream().map(LogLine::text).collect(Collectors.toList());
    }

    /** A name no other test run uses. */
    protected static String uniqueName(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A busybox httpd serving "hello-port" at /index.html on port 8080. */
    protected static final String HTTPD = "mkdir -p /www && echo hello-port > /www/index.html && exec httpd -f -p 8080 -h /www";

    /** The one binding of {@code containerPort} the container reports. */
    protected PortBinding singleBinding(String container, int containerPort) {
        var bindings = engine.inspectContainer(container).ports().stream().filter(p -> p.containerPort() == containerPort).toList();
        assertThat(bindings).hasSize(1);
        return bindings.get(0);
    }

    /** The whole answer (status line, headers, body) to {@code GET path} on 127.0.0.1:port. */
    protected static String httpGet(int port, String path) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** A tcp port of 127.0.0.1 free right now, below the ephemeral range ({@link Ports}: it is bound later). */
    protected static int freePort() {
        return Ports.freeLoopbackPort();
    }

    /** Whether 127.0.0.1:port can be bound now. */
    protected static boolean bindable(int port) {
        return Ports.bindable(port);
    }
}
