package dev.stevedore.engine.internal.embedded;

import dev.stevedore.engine.internal.os.Libc;
import dev.stevedore.engine.internal.runtime.IdMapping;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Arrays;

/**
 * The members of an archive read out of a container's tree ({@code docker cp} out, {@code export}): made from what
 * {@code lstat} says, with the owners the container sees. Rootless, this JVM reads the tree from outside the user's
 * namespace, where a file of the container's uid 1000 belongs to a subordinate id (166535) and the container's root
 * to the user: the archive must say 1000 and 0, as it does when read inside the namespace or by dockerd.
 */
final class TarMembers {
    /** The kernel's overflow id: how a container sees an owner its namespace does not map. */
    private static final long NOBODY = 65534;
    private static final int BUFFER = 1 << 16;

    private final IdMapping owners;

    /** @param owners the rootless engine's mapping when read from outside its namespace; null to keep ids as read */
    TarMembers(IdMapping owners) {
        this.owners = owners;
    }

    TarArchiveEntry entry(String member, byte type, Libc.Stat stat) {
        TarArchiveEntry entry = new TarArchiveEntry(member, type);
        entry.setMode(stat.mode());
        long uid = stat.uid() & 0xffffffffL;
        long gid = stat.gid() & 0xffffffffL;
        if (owners != null) {
            uid = owners.containerUid(uid);
            gid = owners.containerGid(gid);
        }
        entry.setUserId(uid < 0 ? NOBODY : uid);
        entry.setGroupId(gid < 0 ? NOBODY : gid);
        entry.setModTime(FileTime.from(Instant.ofEpochSecond(stat.mtimeSeconds(), stat.mtimeNanos())));
        return entry;
    }

    /** Writes the entry and exactly {@code size} bytes of content (zeros when the file shrank meanwhile). */
    static void put(TarArchiveOutputStream tar, TarArchiveEntry entry, InputStream content, long size) throws IOException {
        tar.putArchiveEntry(entry);
        if (content != null) {
            byte[] buffer = new byte[BUFFER];
            long left = size;
            while (left > 0) {
                int n = content.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (n < 0) {
                    Arrays.fill(buffer, (byte) 0);
                    while (left > 0) {
                        int pad = (int) Math.min(buffer.length, left);
                        tar.write(buffer, 0, pad);
                        left -= pad;
                    }
                    break;
                }
                tar.write(buffer, 0, n);
                left -= n;
            }
        }
        tar.closeArchiveEntry();
    }
}
