package dev.stevedore.engine.internal.network;

import dev.stevedore.engine.internal.network.NetworkStore.ProxyRecord;
import dev.stevedore.engine.internal.runtime.ProcessIdentity;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Publishes ports through this JVM's {@link PortProxy}: for containers that go with their JVM, whose ports then
 * go with it too. Binding a port costs no process, which is why it stays beside the {@link ProcessPortPublisher}
 * (see the package description for the figures).
 */
final class JvmPortPublisher implements PortPublisher {
    private final PortProxy proxy = new PortProxy();
    private final ConcurrentHashMap<String, List<PortForwarder>> published = new ConcurrentHashMap<>();

    @Override
    public Served publish(String containerId, Path directory, ProcessIdentity container, List<ProxyProcess.Forward> forwards)
            throws IOException {
        List<PortForwarder> opened = new ArrayList<>();
        try {
            for (ProxyProcess.Forward f : forwards) {
                opened.add(proxy.forward(f.protocol(), new InetSocketAddress(InetAddress.getByName(f.hostIp()), f.hostPort()),
                        new InetSocketAddress(InetAddress.getByName(f.targetIp()), f.targetPort())));
            }
        } catch (IOException | RuntimeException e) {
            opened.forEach(PortForwarder::close);
            throw e;
        }
        published.computeIfAbsent(containerId, k -> new java.util.concurrent.CopyOnWriteArrayList<>()).addAll(opened);
        return new Served(opened.stream().map(PortForwarder::port).toList(), null, new CompletableFuture<>());
    }

    /** The forwarders serving a container's ports in this JVM. */
    List<PortForwarder> forwarders(String containerId) {
        List<PortForwarder> list = published.get(containerId);
        return list == null ? List.of() : List.copyOf(list);
    }

    @Override
    public void stop(String containerId, ProxyRecord recorded) {
        List<PortForwarder> list = published.remove(containerId);
        if (list != null) {
            list.forEach(PortForwarder::close);
        }
    }

    @Override
    public void close() {
        published.keySet().forEach(id -> stop(id, null));
        proxy.close();
    }
}
