package dev.stevedore.engine.internal.network;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The contents of a container's {@code /etc/hosts} and {@code /etc/resolv.conf}, and how they are rewritten. */
final class EtcFiles {
    private EtcFiles() {
    }

    /** One line of a hosts file: an address and the names that resolve to it. */
    record HostEntry(String address, List<String> names) {
        HostEntry {
            names = List.copyOf(names);
        }
    }

    private static final String LOCAL = """
            127.0.0.1\tlocalhost
            ::1\tlocalhost ip6-localhost ip6-loopback
            fe00::0\tip6-localnet
            ff00::0\tip6-mcastprefix
            ff02::1\tip6-allnodes
            ff02::2\tip6-allrouters
            """;

    /**
     * A hosts file: the loopback names, then {@code entries} in order (the first line naming a host wins
     * in every resolver); names already given by an earlier line are left out of later ones.
     */
    static String hosts(List<HostEntry> entries) {
        StringBuilder out = new StringBuilder(LOCAL);
        Set<String> seen = new LinkedHashSet<>(List.of("localhost", "ip6-localhost", "ip6-loopback"));
        for (HostEntry entry : entries) {
            List<String> names = new ArrayList<>();
            for (String name : entry.names()) {
                if (name != null && !name.isEmpty() && seen.add(name)) {
                    names.add(name);
                }
            }
            if (!names.isEmpty()) {
                out.append(entry.address()).append('\t').append(String.join(" ", names)).append('\n');
            }
        }
        return out.toString();
    }

    /**
     * The host's resolver configuration as a container on a bridge sees it: nameservers on the host's
     * loopback cannot be reached from another network namespace, so they are left out.
     */
    static String resolvConf(String hostResolvConf) {
        return resolvConf(hostResolvConf, null);
    }

    /**
     * As {@link #resolvConf(String)}, but with {@code nameServer} as the only name server when it is not null: a
     * forwarder that asks the host's own servers, loopback ones included (slirp4netns's for a rootless engine).
     * The host's {@code search} and {@code options} lines stay.
     */
    static String resolvConf(String hostResolvConf, String nameServer) {
        StringBuilder out = new StringBuilder("# written by Stevedore from the host's /etc/resolv.conf\n");
        if (nameServer != null) {
            out.append("nameserver ").append(nameServer).append('\n');
        }
        for (String line : hostResolvConf.split("\n")) {
            String trimmed = line.trim();
            if (trimmed.startsWith("nameserver")) {
                String[] parts = trimmed.split("\\s+");
                if (nameServer != null || parts.length < 2 || parts[1].startsWith("127.") || parts[1].equals("::1")) {
                    continue;
                }
            }
            if (!trimmed.isEmpty() && !trimmed.startsWith("#") && !trimmed.startsWith(";")) {
                out.append(trimmed).append('\n');
            }
        }
        return out.toString();
    }

    /**
     * A resolv.conf with the request's settings in place of the host's, as Docker builds one ({@code libnetwork}'s
     * {@code resolvconf.Build}): each of servers, search domains and options is the request's when it gives any, else
     * the one {@code base} has; search first, then the name servers, then the options; a search of {@code .} alone is
     * none.
     */
    static String resolvConf(String base, List<String> dns, List<String> search, List<String> options) {
        List<String> servers = dns.isEmpty() ? values(base, "nameserver") : dns;
        List<String> domains = search.isEmpty() ? values(base, "search") : search;
        List<String> opts = options.isEmpty() ? values(base, "options") : options;
        StringBuilder out = new StringBuilder();
        String joined = String.join(" ", domains);
        if (!domains.isEmpty() && !joined.strip().equals(".")) {
            out.append("search ").append(joined).append('\n');
        }
        servers.forEach(server -> out.append("nameserver ").append(server).append('\n'));
        if (!String.join(" ", opts).isBlank()) {
            out.append("options ").append(String.join(" ", opts)).append('\n');
        }
        return out.toString();
    }

    /** The values of every {@code keyword} line of a resolv.conf ({@code domain} counts as a search). */
    private static List<String> values(String resolvConf, String keyword) {
        List<String> values = new ArrayList<>();
        for (String line : resolvConf.split("\n")) {
            String[] parts = line.trim().split("\\s+");
            if (parts[0].equals(keyword) || keyword.equals("search") && parts[0].equals("domain")) {
                values.addAll(List.of(parts).subList(1, parts.length));
            }
        }
        return values;
    }

    /**
     * Rewrites {@code file} in place: the launcher bind-mounts the file itself into the container, so
     * replacing it by a rename would leave the container with the old one.
     */
    static void rewrite(Path file, String content) throws IOException {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            long position = 0;
            while (buffer.hasRemaining()) {
                position += channel.write(buffer, position);
            }
            channel.truncate(bytes.length);
        }
    }
}
