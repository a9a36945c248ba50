package dev.stevedore.engine.internal.network;

import dev.stevedore.engine.internal.network.EtcFiles.HostEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class EtcFilesTest {

    @Test
    void hostsListsLoopbackThenEntriesAndGivesEachNameOnce() {
        String hosts = EtcFiles.hosts(List.of(
                new HostEntry("10.199.0.2", List.of("abc123", "web", "www")),
                new HostEntry("10.199.0.1", List.of("host.stevedore.internal")),
                new HostEntry("10.199.0.3", List.of("db", "www", "localhost")),
                new HostEntry("10.199.0.4", List.of("www"))));
        assertThat(hosts).startsWith("127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n");
        assertThat(hosts).endsWith("10.199.0.2\tabc123 web www\n10.199.0.1\thost.stevedore.internal\n10.199.0.3\tdb\n");
    }

    @Test
    void resolvConfDropsNameserversOnTheHostsLoopback() {
        String host = "# comment\nnameserver 127.0.0.53\nnameserver ::1\nnameserver 10.255.255.53\nsearch example.test\noptions edns0 trust-ad\n";
        assertThat(EtcFiles.resolvConf(host)).isEqualTo("# written by Stevedore from the host's /etc/resolv.conf\n"
                + "nameserver 10.255.255.53\nsearch example.test\noptions edns0 trust-ad\n");
    }

    @Test
    void resolvConfWithAForwarderNamesOnlyItAndKeepsSearchAndOptions() {
        // systemd-resolved's stub only: a rootless container asks slirp4netns's forwarder, which asks the stub
        String host = "nameserver 127.0.0.53\nsearch example.test\noptions edns0 trust-ad\n";
        assertThat(EtcFiles.resolvConf(host, "10.0.2.3")).isEqualTo("# written by Stevedore from the host's /etc/resolv.conf\n"
                + "nameserver 10.0.2.3\nsearch example.test\noptions edns0 trust-ad\n");
    }

    @Test
    void theRequestsResolverSettingsReplaceTheHostsEachOnItsOwnInDockersOrder() {
        String base = "nameserver 10.255.255.53\nsearch example.test\noptions edns0\n";

        assertThat(EtcFiles.resolvConf(base, List.of("10.0.0.53", "10.0.0.54"), List.of("a.org", "b.org"), List.of("ndots:2")))
                .isEqualTo("search a.org b.org\nnameserver 10.0.0.53\nnameserver 10.0.0.54\noptions ndots:2\n");
        assertThat(EtcFiles.resolvConf(base, List.of(), List.of(), List.of("ndots:2")))
                .isEqualTo("search example.test\nnameserver 10.255.255.53\noptions ndots:2\n");
        assertThat(EtcFiles.resolvConf(base, List.of("10.0.0.53"), List.of("."), List.of()))
                .isEqualTo("nameserver 10.0.0.53\noptions edns0\n");
    }

    @Test
    void rewriteKeepsTheFileItselfSoABindMountSeesTheChange(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("hosts");
        EtcFiles.rewrite(file, "a long first version of the file\n");
        Object inode = Files.getAttribute(file, "unix:ino");
        EtcFiles.rewrite(file, "short\n");
        assertThat(Files.readString(file)).isEqualTo("short\n");
        assertThat(Files.getAttribute(file, "unix:ino")).isEqualTo(inode);
    }
}
