package dev.stevedore.engine.internal.network;

import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.PortBinding;
import dev.stevedore.engine.internal.network.NetworkStore.ContainerRecord;
import dev.stevedore.engine.internal.network.NetworkStore.NetworkRecord;
import dev.stevedore.engine.internal.network.NetworkStore.ProxyRecord;
import dev.stevedore.engine.internal.runtime.ProcessIdentity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Containers' published ports: which {@link PortPublisher} serves them (the engine's for containers that go with
 * their JVM, or its outliving one), what is recorded (the host ports bound, and the proxy process if any, so that
 * any JVM shows the mapping and stops the process with the container), and a killed proxy process replaced on the
 * same host ports: at once by the JVM that started it while that runs, else at the next engine start.
 */
final class PublishedPorts implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PublishedPorts.class);

    private final NetworkStore store;
    private final HostLock lock;
    private final PortPublisher withJvm;
    private final PortPublisher outliving;
    private volatile boolean closed;

    PublishedPorts(NetworkStore store, HostLock lock, NetworkBackend backend) {
        this.store = store;
        this.lock = lock;
        this.withJvm = backend.withJvm();
        this.outliving = backend.outliving();
    }

    /** See {@link NetworkManager#publish(String, List, ProcessIdentity, boolean)}. */
    List<PortBinding> publish(String containerId, List<PortBinding> ports, ProcessIdentity first, boolean outlive) {
        if (ports.isEmpty()) {
            return List.of();
        }
        ContainerRecord container;
        Map<String, NetworkRecord> networks;
        try {
            container = requireContainer(containerId);
            networks = NetworkRecords.byId(store.networks());
        } catch (IOException e) {
            throw new ContainerEngineException("publishing ports of container " + containerId + " failed: " + e.getMessage(), e);
        }
        if (container.mode() == NetworkMode.HOST) {
            return List.of(); // its own sockets are the host's
        }
        PortPublisher publisher = outlive ? outliving : withJvm;
        String address = NetworkRecords.publishedAddress(container, networks);
        if (address == null) {
            throw new ContainerEngineException("publishing ports of container " + container.name() + " failed: it has no address"
                    + (container.mode() == NetworkMode.NONE ? " (network mode none)" : " (it is not running)"));
        }
        for (PortBinding port : ports) {
            if (!port.protocol().equals("tcp") && !port.protocol().equals("udp")) {
                throw new ContainerEngineException("publishing " + port.key() + " of container " + container.name()
                        + " failed: the embedded engine publishes tcp and udp ports only");
            }
        }
        PortPublisher.Served served;
        try {
            served = publisher.publish(containerId, store.containerDirectory(containerId), first, forwards(ports, address));
        } catch (IOException | RuntimeException e) {
            if (e instanceof ContainerEngineException c) {
                throw c;
            }
            throw new ContainerEngineException("publishing ports of container " + container.name() + " failed: " + e.getMessage(), e);
        }
        List<PortBinding> bound = new ArrayList<>();
        for (int i = 0; i < ports.size(); i++) {
            PortBinding port = ports.get(i);
            bound.add(new PortBinding(port.containerPort(), port.protocol(), port.hostIp(), served.ports().get(i)));
        }
        ProxyRecord process = served.process() == null ? null : new ProxyRecord(served.process().pid(),
                served.process().startTime(), first.pid(), first.startTime());
        try {
            lock.run("recording the published ports of container " + container.name(), () -> {
                ContainerRecord now = requireContainer(containerId);
                if (process == null) {
                    List<PortBinding> all = new ArrayList<>(now.published());
                    all.addAll(bound);
                    store.save(now.withPublished(all, now.proxy()));
                } else {
                    outliving.stop(containerId, now.proxy()); // one proxy process per container: the new one serves
                    store.save(now.withPublished(bound, process));
                }
                return null;
            });
        } catch (RuntimeException e) {
            publisher.stop(containerId, process);
            throw e;
        }
        if (process != null) {
            replaceWhenKilled(containerId, served.process(), served);
        }
        return bound;
    }

    /** The ports published for a container while it runs, with the host ports bound (seen from any JVM). */
    List<PortBinding> ports(String containerId) {
        try {
            ContainerRecord container = store.container(containerId);
            return container == null ? List.of() : container.published();
        } catch (IOException e) {
            throw new ContainerEngineException("reading the published ports of container " + containerId + " failed: "
                    + e.getMessage(), e);
        }
    }

    /** The forwarders this JVM's proxy serves for a container (none when the engine publishes otherwise). */
    List<PortForwarder> forwarders(String containerId) {
        return withJvm instanceof JvmPortPublisher jvm ? jvm.forwarders(containerId) : List.of();
    }

    /** Stops what this JVM serves for a container; no lock needed. */
    void stopServing(String containerId) {
        withJvm.stop(containerId, null);
    }

    /** Stops the container's port proxy process, if any, and forgets its published ports. Lock held. */
    void clear(ContainerRecord container) throws IOException {
        if (container.proxy() != null) {
            outliving.stop(container.id(), container.proxy());
        }
        if (!container.published().isEmpty() || container.proxy() != null) {
            store.save(container.withPublished(List.of(), null));
        }
    }

    /**
     * A running container's port proxy process is gone (killed): a new one serves the same host ports, or,
     * when that fails (a port taken meanwhile) or the container has ended, the ports are recorded as closed.
     * Lock held.
     */
    void restore(ContainerRecord container, Map<String, NetworkRecord> networks) throws IOException {
        String address = NetworkRecords.publishedAddress(container, networks);
        ProxyRecord dead = container.proxy();
        if (address != null && dead.container().isAlive()) {
            try {
                PortPublisher.Served served = outliving.publish(container.id(), store.containerDirectory(container.id()),
                        dead.container(), forwards(container.published(), address));
                store.save(container.withPublished(container.published(), new ProxyRecord(served.process().pid(),
                        served.process().startTime(), dead.containerPid(), dead.containerStart())));
                replaceWhenKilled(container.id(), served.process(), served);
                LOG.info("the port proxy process of container {} had ended: a new one ({}) serves {}", container.name(),
                        served.process().pid(), container.published());
                return;
            } catch (ProxyProcess.ContainerEndedException e) {
                LOG.debug("container {} ended while its port proxy process was replaced", container.name());
            } catch (IOException e) {
                LOG.warn("the port proxy process of container {} had ended, and a new one failed: {}; its ports stay closed",
                        container.name(), e.getMessage());
            }
        }
        store.save(container.withPublished(List.of(), null));
    }

    /**
     * While this JVM lives, a port proxy process it started that ends while its container still runs (it was
     * killed) is replaced at once, as reaping would at the next engine start.
     */
    private void replaceWhenKilled(String containerId, ProcessIdentity process, PortPublisher.Served served) {
        served.ended().thenRunAsync(() -> {
            if (closed) {
                return;
            }
            try {
                lock.run("replacing the port proxy process of container " + containerId, () -> {
                    ContainerRecord now = store.container(containerId);
                    // stopped on purpose (the record no longer names it), or already replaced: nothing to do
                    if (now != null && now.proxy() != null && now.proxy().process().equals(process)) {
                        restore(now, NetworkRecords.byId(store.networks()));
                    }
                    return null;
                });
            } catch (RuntimeException e) {
                LOG.warn("{}", e.getMessage());
            }
        });
    }

    private static List<ProxyProcess.Forward> forwards(List<PortBinding> ports, String address) {
        return ports.stream().map(p -> new ProxyProcess.Forward(p.protocol(), p.hostIp(), p.hostPort(), address,
                p.containerPort())).toList();
    }

    private ContainerRecord requireContainer(String containerId) throws IOException {
        return NetworkManager.requireContainer(store, containerId);
    }

    /** Closes the ports this JVM serves; proxy processes stay. */
    @Override
    public void close() {
        closed = true;
        withJvm.close();
        outliving.close();
    }
}
