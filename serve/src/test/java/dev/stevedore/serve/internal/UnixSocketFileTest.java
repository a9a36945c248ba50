package dev.stevedore.serve.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The socket appears with its final mode and group: every entry that shows up in its directory is stat'ed the moment
 * its creation is reported, and none is ever a socket others could reach with another mode or group.
 */
@Timeout(20)
class UnixSocketFileTest {
    @TempDir
    Path directory;

    @Test
    void theSocketAppearsWithMode0660AndItsGroupAndNothingElseIsLeftBeside() throws Exception {
        Path file = directory.resolve("docker.sock");
        List<String> seen = new ArrayList<>();
        try (WatchService watcher = FileSystems.getDefault().newWatchService()) {
            directory.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
            try (ServerSocketChannel channel = UnixSocketFile.bind(file, "daemon")) {
                while (!seen.contains("docker.sock")) {
                    WatchKey key = watcher.take();
                    for (WatchEvent<?> event : key.pollEvents()) {
                        Path entry = directory.resolve((Path) event.context());
                        stat(entry).ifPresent(attributes -> {
                            seen.add(entry.getFileName().toString());
                            if (attributes.isOther()) {
                                // a socket (neither file, directory nor link): already in its final state
                                assertThat(PosixFilePermissions.toString(attributes.permissions())).isEqualTo("rw-rw----");
                                assertThat(attributes.group().getName()).isEqualTo("daemon");
                            } else {
                                assertThat(attributes.isDirectory()).as(entry + " is the private directory").isTrue();
                                assertThat(PosixFilePermissions.toString(attributes.permissions())).isEqualTo("rwx------");
                            }
                        });
                    }
                    key.reset();
                }
                try (SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(file))) {
                    assertThat(client.isConnected()).isTrue();
                    assertThat(channel.accept()).isNotNull();
                }
            }
        }
        try (var entries = Files.list(directory)) {
            assertThat(entries.map(p -> p.getFileName().toString())).as("the private directory is gone").containsExactly("docker.sock");
        }
    }

    @Test
    void aStaleSocketIsReplacedInOneStep() throws IOException {
        Path file = directory.resolve("docker.sock");
        ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX).bind(UnixDomainSocketAddress.of(file)).close();
        assertThat(file).exists();

        try (ServerSocketChannel channel = UnixSocketFile.bind(file, null);
             SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(file))) {
            assertThat(channel.accept()).isNotNull();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-rw----");
        }
    }

    private static java.util.Optional<PosixFileAttributes> stat(Path entry) {
        try {
            return java.util.Optional.of(Files.readAttributes(entry, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS));
        } catch (IOException e) {
            // gone again (the private directory, once the socket has left it)
            return java.util.Optional.empty();
        }
    }
}
