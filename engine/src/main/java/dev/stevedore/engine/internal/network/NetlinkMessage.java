package dev.stevedore.engine.internal.network;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;

/**
 * Builds one rtnetlink request: the {@code nlmsghdr}, a fixed family header the caller writes, then
 * attributes, possibly nested. Host byte order throughout, as netlink wants; every attribute is padded
 * to 4 bytes. Not thread-safe; one message per instance.
 */
final class NetlinkMessage {
    static final int HEADER_LENGTH = 16;

    private final ByteBuffer buffer = ByteBuffer.allocate(1024).order(ByteOrder.nativeOrder());
    private final Deque<Integer> nests = new ArrayDeque<>();

    NetlinkMessage(int type, int flags) {
        buffer.putInt(0); // length, set by bytes()
        buffer.putShort((short) type);
        buffer.putShort((short) flags);
        buffer.putInt(0); // sequence number, set by the socket
        buffer.putInt(0); // port id: the kernel fills it in
    }

    NetlinkMessage u8(int value) {
        buffer.put((byte) value);
        return this;
    }

    NetlinkMessage u16(int value) {
        buffer.putShort((short) value);
        return this;
    }

    NetlinkMessage u32(int value) {
        buffer.putInt(value);
        return this;
    }

    /** {@code struct ifinfomsg}: family, type, index, flags and the mask of flags to change. */
    NetlinkMessage ifinfo(int family, int index, int flags, int change) {
        return u8(family).u8(0).u16(0).u32(index).u32(flags).u32(change);
    }

    NetlinkMessage attribute(int type, byte[] value) {
        int start = buffer.position();
        buffer.putShort((short) (4 + value.length));
        buffer.putShort((short) type);
        buffer.put(value);
        pad(start);
        return this;
    }

    NetlinkMessage attribute(int type, int value) {
        return attribute(type, ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(value).array());
    }

    /** A NUL-terminated string attribute. */
    NetlinkMessage attribute(int type, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        return attribute(type, Arrays.copyOf(bytes, bytes.length + 1));
    }

    /** Opens a nested attribute; {@link #end()} closes it. */
    NetlinkMessage begin(int type) {
        nests.push(buffer.position());
        buffer.putShort((short) 0);
        buffer.putShort((short) type);
        return this;
    }

    NetlinkMessage end() {
        int start = nests.pop();
        buffer.putShort(start, (short) (buffer.position() - start));
        return this;
    }

    private void pad(int start) {
        while ((buffer.position() - start) % 4 != 0) {
            buffer.put((byte) 0);
        }
    }

    /** The finished message with {@code sequence} in its header. */
    byte[] bytes(int sequence) {
        if (!nests.isEmpty()) {
            throw new IllegalStateException("a nested attribute is still open");
        }
        buffer.putInt(0, buffer.position());
        buffer.putInt(8, sequence);
        return Arrays.copyOf(buffer.array(), buffer.position());
    }
}
