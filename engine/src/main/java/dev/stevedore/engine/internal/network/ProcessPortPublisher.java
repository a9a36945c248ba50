package dev.stevedore.engine.internal.network;

import dev.stevedore.engine.internal.network.NetworkStore.ProxyRecord;
import dev.stevedore.engine.internal.runtime.ProcessIdentity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Publishes ports through a port proxy process of the container's own (the launcher's proxy mode, see
 * {@link ProxyProcess}): for containers that outlive the JVM that started them. The process ends with the
 * container; any JVM stops it through the container's record.
 */
final class ProcessPortPublisher implements PortPublisher {
    private static final Logger LOG = LoggerFactory.getLogger(ProcessPortPublisher.class);

    private final Supplier<Path> launcher;
    private final LongSupplier namespaceHolder;

    /** Publishes with the launcher binary {@code launcher} gives (extracted on first use), relaying from the host. */
    ProcessPortPublisher(Supplier<Path> launcher) {
        this(launcher, () -> 0);
    }

    private ProcessPortPublisher(Supplier<Path> launcher, LongSupplier namespaceHolder) {
        this.launcher = launcher;
        this.namespaceHolder = namespaceHolder;
    }

    /**
     * Publishes through proxy processes that accept on the host and connect inside the network namespace of the
     * process {@code holder} gives (at each publish), joining its user namespace too when it is another one: the
     * publisher of a rootless engine, whose bridges live in a network namespace of the user's. The containers'
     * addresses are those on these bridges.
     */
    static ProcessPortPublisher insideNamespaceOf(Supplier<Path> launcher, LongSupplier holder) {
        return new ProcessPortPublisher(launcher, holder);
    }

    @Override
    public Served publish(String containerId, Path directory, ProcessIdentity container, List<ProxyProcess.Forward> forwards)
            throws IOException {
        ProxyProcess.Started started = ProxyProcess.start(launcher.get(), directory, container, forwards, null,
                namespaceHolder.getAsLong());
        return new Served(started.ports(), started.process(), started.ended());
    }

    /** A proxy that will not die is logged, not thrown: it ends by itself with its container or its record directory. */
    @Override
    public void stop(String containerId, ProxyRecord recorded) {
        if (recorded == null) {
            return;
        }
        try {
            ProxyProcess.stop(recorded.process());
        } catch (IOException | RuntimeException e) {
            LOG.warn("stopping the port proxy process {} of container {} failed: {}", recorded.pid(), containerId, e.toString());
        }
    }

    @Override
    public void close() {
        // Its processes stay: they serve containers that outlive this JVM.
    }
}
