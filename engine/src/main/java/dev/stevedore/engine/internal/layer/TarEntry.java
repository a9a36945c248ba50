package dev.stevedore.engine.internal.layer;

import dev.stevedore.engine.internal.os.Libc;

import java.util.Map;

/**
 * One member of a layer archive, with every PAX and GNU extension already applied. Names, link targets
 * and extended attribute values are the archive's bytes, untouched.
 *
 * @param name       the member's path as written in the archive
 * @param linkName   the symlink text or hard link target; empty for other types
 * @param type       the type flag ({@link #REGULAR}, {@link #DIRECTORY}, ...)
 * @param mode       the permission bits, {@code 07777} at most
 * @param uid        numeric owner
 * @param gid        numeric group
 * @param size       the number of content bytes that follow (0 for types without content)
 * @param mtimeSeconds modification time, seconds since the epoch
 * @param mtimeNanos   and its fraction
 * @param devMajor   device major number (character and block devices)
 * @param devMinor   device minor number
 * @param xattrs     extended attributes from {@code SCHILY.xattr.*} records, in archive order
 */
record TarEntry(byte[] name, byte[] linkName, char type, int mode, long uid, long gid, long size, long mtimeSeconds,
                int mtimeNanos, long devMajor, long devMinor, Map<String, byte[]> xattrs) {
    static final char REGULAR = '0';
    static final char HARD_LINK = '1';
    static final char SYMLINK = '2';
    static final char CHAR_DEVICE = '3';
    static final char BLOCK_DEVICE = '4';
    static final char DIRECTORY = '5';
    static final char FIFO = '6';

    /** The name for messages. */
    String displayName() {
        return Libc.display(name);
    }

    @Override
    public String toString() {
        return type + " " + displayName() + (linkName.length > 0 ? " -> " + Libc.display(linkName) : "");
    }
}
