package dev.stevedore.engine.internal.network;

import dev.stevedore.engine.internal.runtime.UserNamespace;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The network namespace {@link HostBridges} keeps its bridges in, and how the engine reaches it: the host's, which
 * the JVM (root) wires itself, or the user's ({@link #user}), which only the user's namespace holder may enter, so
 * it makes the sockets there and the JVM uses them; it may route out (slirp4netns). Everything else about wiring is
 * the same for both.
 */
interface LinkNamespace {
    /** The links of this process's network namespace, a header of two lines and one line each ({@code name: counters}). */
    Path DEVICES = Path.of("/proc/self/net/dev");

    /** A socket acting where the bridges are. */
    Netlink open() throws IOException;

    /** A socket acting in {@code container}, the network namespace of a container's first process {@code pid}. */
    Netlink openIn(NetNamespace container, long pid) throws IOException;

    /** Writes a setting of this namespace, {@code key} below {@code /proc/sys} (such as {@code net/ipv4/...}). */
    void sysctl(String key, String value) throws IOException;

    /** The routes a new subnet must not overlap. */
    List<HostRoutes.Route> routes() throws IOException;

    /**
     * Whether traffic from the bridges is routed on, out of this namespace: then bridges forward and containers get
     * a default route through their first network's gateway. The host's namespace never does (no NAT, no firewall
     * rule of ours on the host); the user's does when slirp4netns serves it.
     */
    default boolean routesOut() {
        return false;
    }

    /** Where containers reach the host's loopback services ({@code host.stevedore.internal}), given their gateway. */
    default String hostAddress(String gateway) {
        return gateway;
    }

    /**
     * The name server of containers on bridges, or {@code null} for the host's (its loopback ones left out: they
     * answer only in the host's network namespace).
     */
    default String nameServer() {
        return null;
    }

    /**
     * The names of the links in this namespace where they can be read without a netlink socket, else empty: the
     * reapers of every engine open ask whether anything of an engine is there, and mostly nothing is.
     */
    default Optional<Set<String>> linkNames() {
        return Optional.empty();
    }

    /** The host's own network namespace, where the JVM is. */
    static LinkNamespace host() {
        return new LinkNamespace() {
            @Override
            public Optional<Set<String>> linkNames() {
                // the JVM's own namespace, as /proc/self/net shows it; a netlink socket would start JNA
                try {
                    Set<String> names = new HashSet<>();
                    for (String line : Files.readAllLines(DEVICES, StandardCharsets.US_ASCII)) {
                        int colon = line.indexOf(':');
                        if (colon > 0 && !line.contains("|")) {
                            names.add(line.substring(0, colon).strip());
                        }
                    }
                    return Optional.of(names);
                } catch (IOException e) {
                    return Optional.empty();
                }
            }

            @Override
            public Netlink open() throws IOException {
                return Netlink.open();
            }

            @Override
            public Netlink openIn(NetNamespace container, long pid) throws IOException {
                return Netlink.openIn(container);
            }

            @Override
            public void sysctl(String key, String value) throws IOException {
                Files.writeString(Path.of("/proc/sys", key), value);
            }

            @Override
            public List<HostRoutes.Route> routes() throws IOException {
                return HostRoutes.read(HostRoutes.ROUTES);
            }
        };
    }

    /**
     * The user's network namespace, held with the user namespace by {@code namespace}'s holder. Its subnets avoid the
     * host's routes too: traffic out of it (pasta, slirp4netns) leaves through the host's.
     */
    static LinkNamespace user(UserNamespace namespace) {
        return new LinkNamespace() {
            @Override
            public Netlink open() throws IOException {
                return Netlink.adopt(namespace.netlinkSocket(0));
            }

            @Override
            public Netlink openIn(NetNamespace container, long pid) throws IOException {
                return Netlink.adopt(namespace.netlinkSocket(pid));
            }

            @Override
            public void sysctl(String key, String value) throws IOException {
                namespace.sysctl(key, value);
            }

            @Override
            public boolean routesOut() {
                return namespace.routesOut();
            }

            @Override
            public String hostAddress(String gateway) {
                return namespace.routesOut() ? UserNamespace.HOST_ADDRESS : gateway;
            }

            @Override
            public String nameServer() {
                // slirp4netns's forwarder asks the host's name servers from the host's network namespace, so a
                // loopback one (systemd-resolved's 127.0.0.53) answers too, as it does for the host's processes
                return namespace.routesOut() ? UserNamespace.NAME_SERVER : null;
            }

            @Override
            public List<HostRoutes.Route> routes() throws IOException {
                List<HostRoutes.Route> routes = new ArrayList<>(HostRoutes.read(HostRoutes.ROUTES));
                routes.addAll(HostRoutes.read(Path.of("/proc", Long.toString(namespace.holderPid()), "net", "route")));
                return routes;
            }
        };
    }

    /** {@link #sysctl}, where a kernel without IPv6 has nothing to switch off. */
    default void sysctlUnlessMissing(String key, String value) throws IOException {
        try {
            sysctl(key, value);
        } catch (NoSuchFileException e) {
            if (!key.contains("ipv6")) {
                throw e;
            }
        } catch (IOException e) {
            if (!key.contains("ipv6") || !String.valueOf(e.getMessage()).contains("No such file")) {
                throw e;
            }
        }
    }
}
