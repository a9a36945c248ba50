package dev.stevedore.engine.internal.network;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;

import java.io.IOException;
import java.net.Inet4Address;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * An rtnetlink socket: creates and deletes bridges and veth pairs and adds addresses by talking to
 * the kernel directly, without forking {@code ip}. A socket acts in the network namespace it was
 * created in: {@link #open()} in the JVM's, {@link #openIn(NetNamespace)} in a container's.
 *
 * <p>Every request waits for the kernel's acknowledgement, so a returned call has taken effect. Not
 * thread-safe: one caller at a time.
 */
final class Netlink implements AutoCloseable {
    private static final int NLMSG_ERROR = 2;
    private static final int NLMSG_DONE = 3;
    static final int NLM_F_REQUEST = 0x1;
    static final int NLM_F_ACK = 0x4;
    static final int NLM_F_DUMP = 0x300;
    static final int NLM_F_EXCL = 0x200;
    static final int NLM_F_CREATE = 0x400;
    private static final int NLM_F_ACK_TLVS = 0x200;
    private static final int NLM_F_CAPPED = 0x100;
    private static final int NLMSGERR_ATTR_MSG = 1;

    static final int RTM_NEWLINK = 16;
    static final int RTM_DELLINK = 17;
    static final int RTM_GETLINK = 18;
    static final int RTM_SETLINK = 19;
    static final int RTM_NEWADDR = 20;
    static final int RTM_NEWROUTE = 24;
    private static final int RT_TABLE_MAIN = 254;
    private static final int RTPROT_BOOT = 3;
    private static final int RTN_UNICAST = 1;
    private static final int RTA_OIF = 4;
    private static final int RTA_GATEWAY = 5;

    private static final int AF_UNSPEC = 0;
    private static final int AF_INET = 2;
    static final int IFF_UP = 0x1;

    private static final int IFLA_ADDRESS = 1;
    private static final int IFLA_IFNAME = 3;
    private static final int IFLA_MTU = 4;
    private static final int IFLA_MASTER = 10;
    private static final int IFLA_LINKINFO = 18;
    private static final int IFLA_IFALIAS = 20;
    private static final int IFLA_NET_NS_FD = 28;
    private static final int IFLA_INFO_KIND = 1;
    private static final int IFLA_INFO_DATA = 2;
    private static final int VETH_INFO_PEER = 1;

    private static final int IFA_ADDRESS = 1;
    private static final int IFA_LOCAL = 2;
    private static final int IFA_BROADCAST = 4;

    private static final int RT_SCOPE_UNIVERSE = 0;

    /** The loopback device's index in every network namespace. */
    static final int LOOPBACK_INDEX = 1;

    private static final int RECEIVE_BUFFER = 64 * 1024;

    private final int fd;
    private final Memory receive = new Memory(RECEIVE_BUFFER);
    private int sequence;
    private boolean closed;

    private Netlink(int fd) {
        this.fd = fd;
    }

    /** A socket acting in the calling thread's network namespace (the JVM's, for the JVM's own threads). */
    static Netlink open() throws IOException {
        int fd;
        try {
            fd = NetSys.socket(NetSys.AF_NETLINK, NetSys.SOCK_RAW | NetSys.SOCK_CLOEXEC, NetSys.NETLINK_ROUTE);
        } catch (LastErrorException e) {
            throw new NetlinkException("opening a netlink socket", e.getErrorCode(), null);
        }
        return adopt(fd);
    }

    /**
     * A socket made elsewhere, an unbound {@code NETLINK_ROUTE} socket: it acts in the network namespace it was made
     * in (rootless: one the JVM may not enter, made by the user's namespace holder). Closed on failure.
     */
    static Netlink adopt(int fd) throws IOException {
        Netlink socket = new Netlink(fd);
        try {
            socket.configure();
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
        return socket;
    }

    /**
     * A socket acting in {@code namespace}. It is created on a short-lived thread that joins the
     * namespace and then ends, so no thread of the JVM is ever left in a container's namespace.
     */
    static Netlink openIn(NetNamespace namespace) throws IOException {
        CompletableFuture<Netlink> result = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                NetSys.setns(namespace.fd(), NetSys.CLONE_NEWNET);
                result.complete(open());
            } catch (LastErrorException e) {
                result.completeExceptionally(new NetlinkException("entering the network namespace " + namespace,
                        e.getErrorCode(), null));
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, "stevedore-netns");
        thread.setDaemon(true);
        thread.start();
        try {
            return result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            result.thenAccept(Netlink::close);
            throw new IOException("interrupted while opening a netlink socket in " + namespace, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException("opening a netlink socket in " + namespace + " failed", e.getCause());
        }
    }

    private void configure() throws NetlinkException {
        setOption(NetSys.SOL_NETLINK, NetSys.NETLINK_EXT_ACK, 1);
        setOption(NetSys.SOL_NETLINK, NetSys.NETLINK_CAP_ACK, 1);
        // A kernel that never answers must not hang the engine: 10 s is far above any real request.
        byte[] timeout = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder()).putLong(10).putLong(0).array();
        try {
            NetSys.setsockopt(fd, NetSys.SOL_SOCKET, NetSys.SO_RCVTIMEO, timeout, timeout.length);
        } catch (LastErrorException e) {
            throw new NetlinkException("setting a receive timeout on a netlink socket", e.getErrorCode(), null);
        }
        byte[] address = new byte[12]; // sockaddr_nl: family, pad, pid 0 (the kernel picks), groups 0
        ByteBuffer.wrap(address).order(ByteOrder.nativeOrder()).putShort((short) NetSys.AF_NETLINK);
        try {
            NetSys.bind(fd, address, address.length);
        } catch (LastErrorException e) {
            throw new NetlinkException("binding a netlink socket", e.getErrorCode(), null);
        }
    }

    private void setOption(int level, int option, int value) {
        byte[] bytes = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(value).array();
        try {
            NetSys.setsockopt(fd, level, option, bytes, 4);
        } catch (LastErrorException e) {
            // Extended acks only improve messages; old kernels without them still work.
        }
    }

    // ---- operations -------------------------------------------------------------------------------

    /** Creates a bridge (down, no STP) named {@code name}, marked with {@code alias}; returns its index. */
    int createBridge(String name, String alias) throws IOException {
        NetlinkMessage m = new NetlinkMessage(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL)
                .ifinfo(AF_UNSPEC, 0, 0, 0)
                .attribute(IFLA_IFNAME, name)
                .begin(IFLA_LINKINFO).attribute(IFLA_INFO_KIND, "bridge").end();
        execute(m, "creating the bridge " + name);
        int index = linkIndex(name);
        setAlias(index, name, alias);
        return index;
    }

    /**
     * Creates a veth pair: {@code hostName} on the JVM's side, up and enslaved to {@code master}; its
     * peer {@code peerName}, still down, in {@code peerNamespace}, with the MAC address {@code peerMac} ({@code null}:
     * the kernel's random one), set as it is made, so never up with another. MTU 1500 on both ends.
     */
    void createVeth(String hostName, int master, String peerName, NetNamespace peerNamespace, byte[] peerMac)
            throws IOException {
        NetlinkMessage peer = new NetlinkMessage(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL)
                .ifinfo(AF_UNSPEC, 0, IFF_UP, IFF_UP)
                .attribute(IFLA_IFNAME, hostName)
                .attribute(IFLA_MTU, 1500)
                .attribute(IFLA_MASTER, master)
                .begin(IFLA_LINKINFO)
                .attribute(IFLA_INFO_KIND, "veth")
                .begin(IFLA_INFO_DATA)
                .begin(VETH_INFO_PEER)
                // Not IFF_UP here: the kernel configures the peer before pairing it and would refuse (ENOTCONN).
                .ifinfo(AF_UNSPEC, 0, 0, 0)
                .attribute(IFLA_IFNAME, peerName)
                .attribute(IFLA_MTU, 1500)
                .attribute(IFLA_NET_NS_FD, peerNamespace.fd());
        if (peerMac != null) {
            peer.attribute(IFLA_ADDRESS, peerMac);
        }
        NetlinkMessage m = peer.end().end().end();
        execute(m, "creating the veth pair " + hostName + " / " + peerName + " in " + peerNamespace);
    }

    /** Marks a link with free text that {@code ip link} shows, to say whose it is. */
    void setAlias(int index, String name, String alias) throws IOException {
        NetlinkMessage m = new NetlinkMessage(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK)
                .ifinfo(AF_UNSPEC, index, 0, 0)
                .attribute(IFLA_IFALIAS, alias);
        execute(m, "labelling the link " + name);
    }

    /** Brings the link with {@code index} up. */
    void setUp(int index, String name) throws IOException {
        NetlinkMessage m = new NetlinkMessage(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK).ifinfo(AF_UNSPEC, index, IFF_UP, IFF_UP);
        execute(m, "bringing " + name + " up");
    }

    /** Adds {@code address/prefixLength} to the link; the kernel adds the route to its subnet itself. */
    void addAddress(int index, String name, Inet4Address address, int prefixLength, Inet4Address broadcast)
            throws IOException {
        NetlinkMessage m = new NetlinkMessage(RTM_NEWADDR, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL)
                .u8(AF_INET).u8(prefixLength).u8(0).u8(RT_SCOPE_UNIVERSE).u32(index)
                .attribute(IFA_LOCAL, address.getAddress())
                .attribute(IFA_ADDRESS, address.getAddress())
                .attribute(IFA_BROADCAST, broadcast.getAddress());
        execute(m, "adding " + address.getHostAddress() + "/" + prefixLength + " to " + name);
    }

    /** Adds the default route through {@code gateway} on link {@code index} to the main table. */
    void addDefaultRoute(int index, String name, Inet4Address gateway) throws IOException {
        // struct rtmsg: family, dst_len, src_len, tos, table, protocol, scope, type, then flags (u32)
        NetlinkMessage m = new NetlinkMessage(RTM_NEWROUTE, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL)
                .u8(AF_INET).u8(0).u8(0).u8(0).u8(RT_TABLE_MAIN).u8(RTPROT_BOOT).u8(RT_SCOPE_UNIVERSE).u8(RTN_UNICAST).u32(0)
                .attribute(RTA_GATEWAY, gateway.getAddress())
                .attribute(RTA_OIF, index);
        execute(m, "adding the default route through " + gateway.getHostAddress() + " on " + name);
    }

    /** Deletes a link by name; {@code false} when there is none. Deleting one end of a veth deletes both. */
    boolean deleteLink(String name) throws IOException {
        NetlinkMessage m = new NetlinkMessage(RTM_DELLINK, NLM_F_REQUEST | NLM_F_ACK)
                .ifinfo(AF_UNSPEC, 0, 0, 0)
                .attribute(IFLA_IFNAME, name);
        try {
            execute(m, "deleting the link " + name);
            return true;
        } catch (NetlinkException e) {
            if (e.errno() == NetlinkException.ENODEV) {
                return false;
            }
            throw e;
        }
    }

    /** The index of the link named {@code name}; 0 when there is none. */
    int linkIndex(String name) throws IOException {
        NetlinkMessage m = new NetlinkMessage(RTM_GETLINK, NLM_F_REQUEST)
                .ifinfo(AF_UNSPEC, 0, 0, 0)
                .attribute(IFLA_IFNAME, name);
        List<Link> found = new ArrayList<>();
        try {
            request(m, "looking up the link " + name, found);
        } catch (NetlinkException e) {
            if (e.errno() == NetlinkException.ENODEV) {
                return 0;
            }
            throw e;
        }
        return found.isEmpty() ? 0 : found.get(0).index();
    }

    /** Every link of this socket's namespace. */
    List<Link> links() throws IOException {
        NetlinkMessage m = new NetlinkMessage(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP).ifinfo(AF_UNSPEC, 0, 0, 0);
        List<Link> found = new ArrayList<>();
        request(m, "listing links", found);
        return found;
    }

    /** A network interface as the kernel lists it. */
    record Link(int index, String name, String kind, int master, String alias, boolean up) {
    }

    // ---- the exchange -----------------------------------------------------------------------------

    private void execute(NetlinkMessage m, String action) throws IOException {
        request(m, action, null);
    }

    /**
     * Sends {@code m} and reads answers until its acknowledgement (or the end of a dump); link
     * descriptions in the answers go to {@code links} when it is not null.
     */
    private void request(NetlinkMessage m, String action, List<Link> links) throws IOException {
        if (closed) {
            throw new IOException(action + " failed: the netlink socket is closed");
        }
        int seq = ++sequence;
        byte[] bytes = m.bytes(seq);
        try {
            NetSys.send(fd, bytes, bytes.length, 0);
        } catch (LastErrorException e) {
            throw new NetlinkException(action, e.getErrorCode(), null);
        }
        while (true) {
            long n;
            try {
                n = NetSys.recv(fd, receive, RECEIVE_BUFFER, 0);
            } catch (LastErrorException e) {
                if (e.getErrorCode() == NetSys.EINTR) {
                    continue;
                }
                throw new NetlinkException(action + " (waiting for the kernel's answer)", e.getErrorCode(), null);
            }
            ByteBuffer in = receive.getByteBuffer(0, n).order(ByteOrder.nativeOrder());
            int offset = 0;
            while (offset + NetlinkMessage.HEADER_LENGTH <= n) {
                int length = in.getInt(offset);
                int type = in.getShort(offset + 4) & 0xffff;
                int flags = in.getShort(offset + 6) & 0xffff;
                int messageSeq = in.getInt(offset + 8);
                if (length < NetlinkMessage.HEADER_LENGTH || offset + length > n) {
                    throw new IOException(action + " failed: the kernel sent a malformed netlink message");
                }
                if (messageSeq == seq) {
                    if (type == NLMSG_DONE) {
                        return;
                    }
                    if (type == NLMSG_ERROR) {
                        int error = -in.getInt(offset + 16);
                        if (error == 0) {
                            return;
                        }
                        throw new NetlinkException(action, error, extendedMessage(in, offset, length, flags));
                    } else if (type == RTM_NEWLINK && links != null) {
                        links.add(parseLink(in, offset + NetlinkMessage.HEADER_LENGTH, offset + length));
                        if ((flags & 0x2 /* NLM_F_MULTI */) == 0) {
                            return;
                        }
                    }
                }
                offset += align(length);
            }
        }
    }

    private static String extendedMessage(ByteBuffer in, int offset, int length, int flags) {
        if ((flags & NLM_F_ACK_TLVS) == 0) {
            return null;
        }
        int originalLength = in.getInt(offset + 20);
        int attributes = offset + 20 + ((flags & NLM_F_CAPPED) != 0 ? NetlinkMessage.HEADER_LENGTH : align(originalLength));
        int end = offset + length;
        while (attributes + 4 <= end) {
            int attrLength = in.getShort(attributes) & 0xffff;
            int attrType = in.getShort(attributes + 2) & 0x3fff;
            if (attrLength < 4) {
                break;
            }
            if (attrType == NLMSGERR_ATTR_MSG) {
                return string(in, attributes + 4, attrLength - 4);
            }
            attributes += align(attrLength);
        }
        return null;
    }

    private static Link parseLink(ByteBuffer in, int start, int end) {
        int index = in.getInt(start + 4);
        int ifFlags = in.getInt(start + 8);
        String name = null;
        String kind = null;
        String alias = null;
        int master = 0;
        int attr = start + 16;
        while (attr + 4 <= end) {
            int length = in.getShort(attr) & 0xffff;
            int type = in.getShort(attr + 2) & 0x3fff;
            if (length < 4 || attr + length > end) {
                break;
            }
            switch (type) {
                case IFLA_IFNAME -> name = string(in, attr + 4, length - 4);
                case IFLA_MASTER -> master = in.getInt(attr + 4);
                case IFLA_IFALIAS -> alias = string(in, attr + 4, length - 4);
                case IFLA_LINKINFO -> kind = nestedString(in, attr + 4, attr + length, IFLA_INFO_KIND);
                default -> {
                }
            }
            attr += align(length);
        }
        return new Link(index, name, kind, master, alias, (ifFlags & IFF_UP) != 0);
    }

    private static String nestedString(ByteBuffer in, int start, int end, int wanted) {
        int attr = start;
        while (attr + 4 <= end) {
            int length = in.getShort(attr) & 0xffff;
            int type = in.getShort(attr + 2) & 0x3fff;
            if (length < 4) {
                return null;
            }
            if (type == wanted) {
                return string(in, attr + 4, length - 4);
            }
            attr += align(length);
        }
        return null;
    }

    private static String string(ByteBuffer in, int start, int length) {
        int len = 0;
        while (len < length && in.get(start + len) != 0) {
            len++;
        }
        byte[] bytes = new byte[len];
        in.get(start, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static int align(int length) {
        return (length + 3) & ~3;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            NetSys.closeQuietly(fd);
        }
    }
}
