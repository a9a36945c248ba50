/**
 * Networks of the embedded engine: Linux bridges and veth pairs wired over rtnetlink from the JVM,
 * addresses from per-network subnets, per-container {@code /etc/hosts} and {@code /etc/resolv.conf},
 * and published ports through a userland proxy in the JVM, or, for containers that outlive their JVM, in a
 * native port proxy process of their own.
 *
 * <p>Entry point: {@link dev.stevedore.engine.internal.network.NetworkManager}, which orders the work of classes with
 * one job each: {@code NetworkStore} (records on disk and in memory), {@code NetworkRecords} (networks as the API sees
 * them), {@code AddressPool} (subnets and addresses), {@code Attachments} (bridges and veths, through a
 * {@code BridgeWiring}), {@code HostsFiles}, {@code PublishedPorts} (through {@code PortPublisher}s) and the
 * {@code Reaper}. What depends on where networks live, the {@code BridgeWiring} and the {@code PortPublisher}s, is a
 * {@code NetworkBackend} chosen once per engine: {@code HostBridges} over a {@code LinkNamespace}, the host's for the
 * rootful engine, the user's network namespace (held with the user's user namespace by one process per user, which
 * makes the rtnetlink sockets inside) for a rootless one. The choices, in short:
 * <ul>
 *   <li>Rootful, no firewall rule, no NAT, nothing routed off the machine: containers get no default route, and
 *       every bridge has IPv4 forwarding off ({@code net.ipv4.conf.<bridge>.forwarding=0}), so two
 *       networks stay apart even on a host with {@code ip_forward=1}. The host is reachable on each
 *       bridge's gateway address as {@code host.stevedore.internal}. Rootless, the user's namespace routes out
 *       through slirp4netns when installed (forwarding on, a masquerade and a rule keeping bridges apart, all inside
 *       it), containers get a default route, and {@code host.stevedore.internal} is the host's loopback.</li>
 *   <li>Names resolve through {@code /etc/hosts}, rewritten in place (the launcher bind-mounts the file)
 *       whenever a member of one of the container's networks comes or goes; there is no DNS server.</li>
 *   <li>Subnets (default /24s of 10.199.0.0/16) skip every route of the host, every other network,
 *       and Docker's and Podman's default ranges; bridge names and subnets are the host's, so changes
 *       happen under one host-wide lock, whatever state directory an engine uses.</li>
 *   <li>Published ports (tcp and udp) are a userland proxy, one of two {@code PortPublisher}s: for a container that
 *       goes with its JVM, {@link dev.stevedore.engine.internal.network.PortProxy} in that JVM, so they go with it as
 *       the container does; for a container labelled {@code dev.stevedore.keep} (the CLI's), a process of the
 *       container's own: the native launcher's proxy mode ({@code launcher proxy}, engine/src/main/c/proxy.c, through
 *       {@link dev.stevedore.engine.internal.network.ProxyProcess}), in its own session, which ends with the
 *       container's first process (a pidfd). It is recorded with the container's ports, so any JVM shows the
 *       mapping and stops the process with the container. One killed while its container runs is replaced on the
 *       same host ports: at once by the JVM that started it, while that runs, else by the next engine start. It
 *       holds about 1 MB; a JVM did before, 40 MB. With {@code -n PID} it binds on the host and then joins PID's
 *       user and network namespaces, so it connects inside them: the publisher a rootless engine needs.</li>
 *   <li>Why two proxies: measured on the 2-core test machine while other builds ran (NetworkBenchmark and
 *       KeptPortsBenchmark, interleaved, 2026-12-06), the process costs a spawn and the scheduling of a second
 *       process, which load makes long. Publishing one port through the manager, p50 (min): this JVM's proxy
 *       24.7 ms (3.6), a proxy process 39.9 ms (15.3). {@code runContainer} of busybox with one published port
 *       over the same without one, median of 30: +1.3 ms through this JVM's proxy, +13.9 ms through a proxy
 *       process (+60 and +134 ms in a second run under heavier load). Throughput (256 MiB each way) had no
 *       steady winner: 585/818 MB/s in the JVM against 454/488 native in one run, 117/111 against 246/293 in
 *       the other. A container's start is what Stevedore is for, and most containers go with their JVM, so the
 *       JVM's proxy stays for them; the process stays for kept and (next) rootless containers, which the JVM's
 *       cannot serve. One proxy becomes possible when a publish costs no spawn (for instance a spare proxy
 *       process waiting, as the launcher keeps one).</li>
 *   <li>Host services ({@code ContainerSpec.exposedHostPorts}): {@code HostServices}
 *       relays the asked ports of the host's loopback into a container through the launcher's proxy mode reversed
 *       ({@code proxy -L}): listening on 127.0.0.254 of the container's own loopback, which its hosts file names
 *       {@code host.stevedore.internal}, connecting from the host's network namespace.</li>
 *   <li>Each change is recorded before it is made in the kernel, so an engine killed half-way leaves
 *       records that {@code reap} or the next attempt can clean up; bridges carry an alias naming their
 *       state directory, so only an engine's own leftovers are ever deleted.</li>
 * </ul>
 */
package dev.stevedore.engine.internal.network;
