package dev.stevedore.dsl.fake;

import dev.stevedore.engine.ContainerSpec;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** The running side of a {@link FakeEngine} container, as its {@link FakeProgram} sees it. */
public final class FakeProcess {
    private final FakeEngine.FakeContainer container;

    FakeProcess(FakeEngine.FakeContainer container) {
        this.container = container;
    }

    /** What the container was created from. */
    public ContainerSpec spec() {
        return container.spec;
    }

    /** Writes a line to standard output. */
    public FakeProcess log(String line) {
        container.log(dev.stevedore.engine.LogLine.Stream.STDOUT, line);
        return this;
    }

    /** Writes a line to standard error. */
    public FakeProcess logError(String line) {
        container.log(dev.stevedore.engine.LogLine.Stream.STDERR, line);
        return this;
    }

    /** Starts listening on {@code containerPort}: inside (shown in /proc/net/tcp) and on its published host port. */
    public FakeProcess listen(int containerPort) {
        container.listen(containerPort);
        return this;
    }

    /** Listens inside only: the host port stays closed (as when a server binds to the container's loopback). */
    public FakeProcess listenInsideOnly(int containerPort) {
        container.listenInside(containerPort);
        return this;
    }

    /** The host port {@code containerPort} is published on (for a program that serves it itself). */
    public int hostPort(int containerPort) {
        return container.hostPort(containerPort);
    }

    /** Exits with {@code code}. */
    public void exit(int code) {
        container.exit(code);
    }

    /** Blocks until {@code gate} opens (bounded: 30 s), so a test decides when the program goes on. */
    public FakeProcess await(CountDownLatch gate) throws InterruptedException {
        if (!gate.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("a fake program's gate stayed shut for 30 s");
        }
        return this;
    }
}
