package dev.stevedore.engine.internal.runtime;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

import java.nio.file.Path;

/**
 * Reads which cgroup device programs are attached to a cgroup v2 directory, with the kernel's own BPF_PROG_QUERY
 * (what {@code bpftool cgroup show} does), so a test needs no bpftool.
 */
final class BpfQuery {
    private static final int BPF_PROG_QUERY = 16;
    private static final int BPF_CGROUP_DEVICE = 6;
    private static final int O_RDONLY_DIRECTORY = 0x10000;
    private static final long SYS_BPF = Platform.isARM() ? 280 : 321;

    static {
        Native.register(BpfQuery.class, Platform.C_LIBRARY_NAME);
    }

    private static native long syscall(long number, long cmd, Pointer attr, long size) throws LastErrorException;

    private static native int open(String path, int flags) throws LastErrorException;

    private static native int close(int fd) throws LastErrorException;

    /** The attach flags and the ids of the device programs attached to {@code cgroup} itself (not its parents). */
    record Attached(int flags, int count) {
    }

    static Attached devicePrograms(Path cgroup) {
        int fd = open(cgroup.toString(), O_RDONLY_DIRECTORY);
        try (Memory ids = new Memory(8 * 16); Memory attr = new Memory(128)) {
            attr.clear();
            attr.setInt(0, fd);                  // target_fd
            attr.setInt(4, BPF_CGROUP_DEVICE);   // attach_type
            attr.setLong(16, Pointer.nativeValue(ids)); // prog_ids
            attr.setInt(24, 16);                 // prog_cnt: room for 16
            syscall(SYS_BPF, BPF_PROG_QUERY, attr, 128);
            return new Attached(attr.getInt(12), attr.getInt(24));
        } finally {
            close(fd);
        }
    }
}
