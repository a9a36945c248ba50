package dev.stevedore.engine.internal.network;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.HashMap;
import java.util.Map;

/**
 * The udp side of {@link PortProxy}: a published port and its flows, one per client address. Everything here is
 * touched on the proxy's selector thread only (but for a target).
 */
final class UdpRelay {
    private static final Logger LOG = LoggerFactory.getLogger(PortProxy.class);
    private static final int MAX_FLOWS = 4096;

    private UdpRelay() {
    }

    /** A published udp port and its flows, one per client address; touched only on the selector thread (but for target). */
    static final class UdpPort implements PortProxy.Port {
        final DatagramChannel channel;
        final InetSocketAddress target;
        final Map<SocketAddress, Flow> flows = new HashMap<>();

        UdpPort(DatagramChannel channel, InetSocketAddress target) {
            this.channel = channel;
            this.target = target;
        }

        @Override
        public InetSocketAddress target() {
            return target;
        }

        @Override
        public int connections() {
            return flows.size();
        }

        /** Relays what clients sent, each client's datagrams through its own flow (opened on its first). */
        void receive(Selector selector, ByteBuffer buffer) {
            for (int i = 0; i < 256; i++) {
                buffer.clear();
                SocketAddress client;
                try {
                    client = channel.receive(buffer);
                } catch (IOException e) {
                    LOG.debug("receiving on {} failed: {}", channel, e.toString());
                    return;
                }
                if (client == null) {
                    return;
                }
                Flow flow = flows.get(client);
                if (flow == null) {
                    if (flows.size() >= MAX_FLOWS) {
                        continue;
                    }
                    try {
                        flow = open(selector, client);
                    } catch (IOException e) {
                        LOG.debug("relaying datagrams to {} failed: {}", target, e.toString());
                        continue;
                    }
                }
                flow.last = System.nanoTime();
                buffer.flip();
                try {
                    flow.channel.write(buffer);
                } catch (IOException e) {
                    // an earlier datagram was refused (nothing listens yet): this one is lost too, as it would be
                    LOG.debug("relaying a datagram to {} failed: {}", target, e.toString());
                }
            }
        }

        private Flow open(Selector selector, SocketAddress client) throws IOException {
            DatagramChannel upstream = DatagramChannel.open(target.getAddress() instanceof Inet6Address
                    ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
            try {
                upstream.configureBlocking(false);
                upstream.connect(target);
                Flow flow = new Flow(this, upstream, client);
                upstream.register(selector, SelectionKey.OP_READ, flow);
                flows.put(client, flow);
                return flow;
            } catch (IOException | RuntimeException e) {
                PortProxy.closeQuietly(upstream);
                throw e;
            }
        }

        /** Closes the flows idle since before {@code before} (a {@link System#nanoTime()}). */
        void expire(long before) {
            flows.values().removeIf(flow -> {
                if (flow.last - before < 0) {
                    PortProxy.closeQuietly(flow.channel);
                    return true;
                }
                return false;
            });
        }

        @Override
        public void closeAll(Selector selector) {
            PortProxy.closeQuietly(channel);
            flows.values().forEach(flow -> PortProxy.closeQuietly(flow.channel));
            flows.clear();
            try {
                selector.selectNow();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** One client's datagrams to a udp port: a socket connected to the target, whose replies go back to the client. */
    static final class Flow {
        final UdpPort port;
        final DatagramChannel channel;
        final SocketAddress client;
        long last = System.nanoTime();

        Flow(UdpPort port, DatagramChannel channel, SocketAddress client) {
            this.port = port;
            this.channel = channel;
            this.client = client;
        }

        void receive(ByteBuffer buffer) {
            for (int i = 0; i < 256; i++) {
                buffer.clear();
                try {
                    if (channel.receive(buffer) == null) {
                        return;
                    }
                } catch (IOException e) {
                    // a refusal of an earlier datagram (ICMP port unreachable): the client may try again
                    continue;
                }
                last = System.nanoTime();
                buffer.flip();
                try {
                    port.channel.send(buffer, client);
                } catch (IOException e) {
                    LOG.debug("relaying a reply to {} failed: {}", client, e.toString());
                }
            }
        }
    }

}
