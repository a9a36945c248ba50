package dev.stevedore.engine.internal.network;

import java.net.InetSocketAddress;

/**
 * A published port: a listening socket (tcp or udp) of the {@link PortProxy} relaying to one container
 * address. {@link #close()} stops listening and closes every relayed connection (udp flow); the port is
 * free when it returns.
 */
public final class PortForwarder implements AutoCloseable {
    private final PortProxy proxy;
    private final PortProxy.Port listener;
    private final InetSocketAddress address;
    private final InetSocketAddress target;
    private volatile boolean closed;

    PortForwarder(PortProxy proxy, PortProxy.Port listener, InetSocketAddress address, InetSocketAddress target) {
        this.proxy = proxy;
        this.listener = listener;
        this.address = address;
        this.target = target;
    }

    /** Where it listens (the actual port when 0 was asked). */
    public InetSocketAddress address() {
        return address;
    }

    public int port() {
        return address.getPort();
    }

    /** Where it relays to. */
    public InetSocketAddress target() {
        return target;
    }

    /** Connections (udp: client flows) open right now. */
    public int connections() {
        return closed ? 0 : proxy.connections(listener);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            proxy.close(listener);
        }
    }

    @Override
    public String toString() {
        return address.getAddress().getHostAddress() + ":" + address.getPort() + " -> "
                + target.getAddress().getHostAddress() + ":" + target.getPort();
    }
}
