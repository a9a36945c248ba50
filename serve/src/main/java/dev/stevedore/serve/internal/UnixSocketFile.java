package dev.stevedore.serve.internal;

import dev.stevedore.engine.ContainerEngineException;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Creates the server's unix socket with its final mode (0660) and group before anyone can connect to it. {@code bind}
 * makes the file with the process's umask, and Java cannot change the umask, so the socket is bound inside a fresh
 * 0700 directory next to its final place (nobody but us can reach it there), given its mode and group, and then
 * renamed into place: the path appears at once as it will stay, and a stale socket of an earlier run is replaced in
 * the same step. This is what dockerd gets by binding under a restrictive umask.
 */
final class UnixSocketFile {
    private UnixSocketFile() {
    }

    /**
     * A listening channel on {@code file}.
     *
     * @param group the group to own the socket, or {@code null} for the process's own
     */
    static ServerSocketChannel bind(Path file, String group) throws IOException {
        Path parent = file.getParent();
        // short names: the whole path must fit sun_path's 108 bytes while it is bound here
        Path hidden = Files.createDirectory(parent.resolve(".sd-" + Integer.toHexString(ThreadLocalRandom.current().nextInt())),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path bound = hidden.resolve("s");
        ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.bind(UnixDomainSocketAddress.of(bound));
            Files.setPosixFilePermissions(bound, PosixFilePermissions.fromString("rw-rw----"));
            if (group != null) {
                Files.getFileAttributeView(bound, PosixFileAttributeView.class).setGroup(lookUp(file, group));
            }
            Files.move(bound, file, StandardCopyOption.ATOMIC_MOVE);
            return channel;
        } catch (IOException | RuntimeException e) {
            channel.close();
            Files.deleteIfExists(bound);
            throw e;
        } finally {
            Files.deleteIfExists(hidden);
        }
    }

    private static GroupPrincipal lookUp(Path file, String group) throws IOException {
        try {
            return file.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName(group);
        } catch (UserPrincipalNotFoundException e) {
            throw new ContainerEngineException("cannot serve the Docker API on " + file + ": there is no group named \""
                    + group + "\" to own the socket; create it or name another with --group", e);
        }
    }
}
