package dev.stevedore.engine.internal.runtime;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Platform;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The launcher's binary in a sealed memory file of this JVM, so that every launcher process starts from the copy
 * that CVE-2019-5736 asks for (nothing, not even root, can write it) without making one of its own: a launcher
 * started from a file copies itself into a sealed memfd and re-executes before anything else, which costs a
 * 1 MB copy and a second exec (2.5 to 10 ms) per process, paid by every start's spare launcher, every exec and
 * every proxy. Started as {@code /proc/<this JVM>/fd/<n>}, the launcher finds its executable sealed and goes on.
 *
 * <p>The file lives as long as the JVM; a launcher that outlives the JVM (a kept container's supervisor or port
 * proxy) keeps its own reference to it through its executable.
 */
final class SealedLauncher {
    private static final int MFD_CLOEXEC = 0x0001;
    private static final int MFD_ALLOW_SEALING = 0x0002;
    private static final int F_ADD_SEALS = 1033;
    private static final int F_SEAL_SEAL = 0x0001;
    private static final int F_SEAL_SHRINK = 0x0002;
    private static final int F_SEAL_GROW = 0x0004;
    private static final int F_SEAL_WRITE = 0x0008;

    private SealedLauncher() {
    }

    private static final class Raw {
        static {
            Native.register(Raw.class, Platform.C_LIBRARY_NAME);
        }

        static native int memfd_create(String name, int flags) throws LastErrorException;

        static native int fcntl(int fd, int command, int argument) throws LastErrorException;
    }

    /**
     * A path that executes {@code content} from a sealed memory file of this JVM; empty when the kernel refuses
     * one (memfd_create is older than any kernel the launcher supports, but a seccomp profile around this JVM may
     * deny it): the launcher then seals a copy of itself at each start.
     */
    static Optional<Path> of(byte[] content) {
        int fd;
        try {
            fd = Raw.memfd_create("stevedore-launcher", MFD_CLOEXEC | MFD_ALLOW_SEALING);
        } catch (LastErrorException | UnsatisfiedLinkError e) {
            return Optional.empty();
        }
        Path path = Path.of("/proc/" + ProcessHandle.current().pid() + "/fd/" + fd);
        try {
            // written through a second open of the file, closed before sealing: a writable descriptor or mapping
            // left open would make F_SEAL_WRITE fail
            Files.write(path, content);
            Raw.fcntl(fd, F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE);
            return Optional.of(path);
        } catch (IOException | LastErrorException e) {
            closeQuietly(fd);
            return Optional.empty();
        }
    }

    private static void closeQuietly(int fd) {
        try {
            dev.stevedore.engine.internal.os.Libc.close(fd);
        } catch (RuntimeException ignored) {
            // nothing more to do with a file that could not be made
        }
    }
}
