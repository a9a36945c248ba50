package dev.stevedore.engine.internal.network;

import com.sun.jna.LastErrorException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An open handle on a process's network namespace ({@code /proc/PID/ns/net}). Holding it keeps the
 * namespace alive and pins it even if the pid is reused later, so every step of wiring one container
 * acts on the same namespace.
 */
final class NetNamespace implements AutoCloseable {
    private final int fd;
    private final long pid;
    private boolean closed;

    private NetNamespace(int fd, long pid) {
        this.fd = fd;
        this.pid = pid;
    }

    /** The network namespace of process {@code pid}; fails when the process is gone. */
    static NetNamespace ofProcess(long pid) throws IOException {
        if (pid <= 0) {
            throw new IllegalArgumentException("pid " + pid + " is not a process id");
        }
        int fd;
        try {
            fd = NetSys.open("/proc/" + pid + "/ns/net", NetSys.O_RDONLY | NetSys.O_CLOEXEC);
        } catch (LastErrorException e) {
            throw new NetlinkException("opening the network namespace of process " + pid, e.getErrorCode(), null);
        }
        NetNamespace namespace = new NetNamespace(fd, pid);
        // Wiring "eth0" and addresses into the JVM's own namespace would rewire the host: refuse.
        String own = Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString();
        String theirs = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
        if (own.equals(theirs)) {
            namespace.close();
            throw new IOException("process " + pid + " shares the host's network namespace (" + own
                    + "); a container on a bridge network needs its own");
        }
        return namespace;
    }

    int fd() {
        if (closed) {
            throw new IllegalStateException("the namespace handle of process " + pid + " is closed");
        }
        return fd;
    }

    @Override
    public String toString() {
        return "the network namespace of process " + pid;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            NetSys.closeQuietly(fd);
        }
    }
}
