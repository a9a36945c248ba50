package dev.stevedore.engine.bench;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.EngineSettings;
import dev.stevedore.engine.NetworkSpec;
import dev.stevedore.engine.PortBinding;
import dev.stevedore.engine.internal.network.NetworkManager;
import dev.stevedore.engine.internal.network.NetworkSettings;
import dev.stevedore.engine.internal.runtime.BusyboxRootfs;
import dev.stevedore.engine.internal.runtime.ContainerProcess;
import dev.stevedore.engine.internal.runtime.Launcher;
import dev.stevedore.engine.internal.runtime.ProcessIdentity;
import dev.stevedore.engine.internal.runtime.RuntimeSpec;
import dev.stevedore.engine.internal.runtime.TestDirectories;
import dev.stevedore.engine.testbed.Testbed;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Network benchmark, same run, same machine: (1) what wiring a container into a bridge network costs
 * at the launcher's barrier (rtnetlink from the JVM), next to the same steps done with iproute2
 * commands; (2) bulk throughput and request latency through Stevedore's port proxy against Docker's
 * userland proxy (docker-proxy of the test bed's dockerd, {@code --userland-proxy=true --iptables=false}),
 * both relaying from 127.0.0.1 to the same busybox servers in a container on a bridge, and straight to
 * the container's address as the floor; also Stevedore's port proxy process (a kept container's ports:
 * the launcher's native proxy mode) and, for comparison, the JVM proxy process it replaced ({@link JvmPortProxy});
 * (3) what starting a kept container's proxy costs, native against JVM, interleaved, and the RSS of each, idle
 * and after the transfers.
 *
 * <p>Usage: {@code NetworkBenchmark DOCKER_HOST [containers] [megabytes] [rounds]} (containers 0 skips (1); DOCKER_HOST
 * {@code -} leaves docker-proxy out, for a dockerd without the busybox image);
 * root, the test bed up and {@code testbed/dockerd up} with the busybox image loaded.
 */
public final class NetworkBenchmark {
    /** Echo on 7, a sink on 9 and a 1 MiB-block source on 19; backlog 64 (busybox nc: one per -l). */
    private static final String SERVERS = "L=-$(printf 'l%.0s' $(seq 64));"
            + " nc $L -p 9 -e dd of=/dev/null bs=1M 2>/dev/null &"
            + " nc $L -p 19 -e dd if=/dev/zero bs=1M count=MEGABYTES 2>/dev/null &"
            + " exec nc $L -p 7 -e cat";
    private static final SecureRandom RANDOM = new SecureRandom();

    private NetworkBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        String dockerHost = args[0];
        int containers = args.length > 1 ? Integer.parseInt(args[1]) : 40;
        int megabytes = args.length > 2 ? Integer.parseInt(args[2]) : 512;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 5;
        Path root = Files.createTempDirectory("stevedore-network-bench-");
        NetworkManager manager = new NetworkManager(root.resolve("networks"), NetworkSettings.fromEnvironment());
        Launcher launcher = Launcher.extractedTo(root);
        Path rootfs = BusyboxRootfs.get();
        List<Started> running = new ArrayList<>();
        String dockerContainer = null;
        JvmProxy jvmProxy = null;
        try {
            manager.create(NetworkSpec.named("bench"));
            if (containers > 0) {
                setupCost(manager, launcher, rootfs, root, containers);
                engineRunCost(root.resolve("engine"), containers);
            }
            Started echoOnly = start(manager, launcher, rootfs, root, "proxy-start", "exec nc -ll -p 7 -e cat");
            running.add(echoOnly);
            awaitPort(echoOnly.address, 7);
            proxyStartCost(manager, echoOnly, Math.max(20, rounds * 4));

            Started server = start(manager, launcher, rootfs, root, "servers", SERVERS.replace("MEGABYTES", Integer.toString(megabytes)));
            running.add(server);
            String address = server.address;
            awaitPort(address, 7);
            List<PortBinding> bound = manager.publish(server.id, List.of(PortBinding.loopback(7), PortBinding.loopback(9),
                    PortBinding.loopback(19)));
            Endpoints stevedore = new Endpoints("stevedore proxy", "127.0.0.1", bound.get(0).hostPort(),
                    bound.get(1).hostPort(), bound.get(2).hostPort());
            Endpoints direct = new Endpoints("direct to the container", address, 7, 9, 19);
            // the same servers, published as for a kept container: through a port proxy process of their own
            Started kept = start(manager, launcher, rootfs, root, "kept-servers", SERVERS.replace("MEGABYTES", Integer.toString(megabytes)));
            running.add(kept);
            awaitPort(kept.address, 7);
            List<PortBinding> keptBound = manager.publish(kept.id, List.of(PortBinding.loopback(7), PortBinding.loopback(9),
                    PortBinding.loopback(19)), ProcessIdentity.of(kept.process.pid()).orElseThrow());
            Endpoints process = new Endpoints("native proxy process", "127.0.0.1", keptBound.get(0).hostPort(),
                    keptBound.get(1).hostPort(), keptBound.get(2).hostPort());
            jvmProxy = JvmProxy.start(kept.address, 7, 9, 19);
            Endpoints jvm = new Endpoints("JVM proxy process (old)", "127.0.0.1", jvmProxy.ports.get(0), jvmProxy.ports.get(1),
                    jvmProxy.ports.get(2));

            Endpoints docker = null;
            if (!dockerHost.equals("-")) {
                dockerContainer = docker(dockerHost, "run", "-d", "--rm", "-p", "127.0.0.1::7", "-p", "127.0.0.1::9", "-p",
                        "127.0.0.1::19", "busybox", "sh", "-c", SERVERS.replace("MEGABYTES", Integer.toString(megabytes))).trim();
                docker = new Endpoints("docker-proxy", "127.0.0.1", dockerPort(dockerHost, dockerContainer, 7),
                        dockerPort(dockerHost, dockerContainer, 9), dockerPort(dockerHost, dockerContainer, 19));
                awaitPort("127.0.0.1", docker.echo);
            }

            System.out.printf(Locale.ROOT, "%n== throughput and latency: %d rounds, paths interleaved; %d MiB per transfer"
                    + " (median of rounds); 64-byte echo round trips and new connections (percentiles over all rounds) ==%n",
                    rounds, megabytes);
            List<Endpoints> paths = new ArrayList<>(List.of(direct, stevedore, process, jvm));
            if (docker != null) {
                paths.add(docker);
            }
            Map<Endpoints, Samples> samples = new LinkedHashMap<>();
            paths.forEach(p -> samples.put(p, new Samples()));
            for (Endpoints e : paths) {
                upload(e, Math.max(16, megabytes / 8)); // warm-up
                roundTrips(e, 2_000, 0);
            }
            for (int round = 0; round < rounds; round++) {
                for (Endpoints e : paths) {
                    Samples s = samples.get(e);
                    s.upload.add(upload(e, megabytes));
                    s.download.add(download(e, megabytes));
                    s.rtt.addAll(roundTrips(e, 200, 5_000));
                    s.connect.addAll(connects(e, 20, 200));
                }
            }
            System.out.printf(Locale.ROOT, "%-24s %12s %13s %9s %9s %9s %12s %12s%n", "path", "upload MB/s", "download MB/s",
                    "rtt p50", "rtt p99", "rtt mean", "connect p50", "connect p99");
            samples.forEach((e, s) -> System.out.printf(Locale.ROOT, "%-24s %12.0f %13.0f %7.1fµs %7.1fµs %7.1fµs %10.1fµs %10.1fµs%n",
                    e.name, pct(s.upload, 50), pct(s.download, 50), pct(s.rtt, 50) * 1000, pct(s.rtt, 99) * 1000,
                    mean(s.rtt) * 1000, pct(s.connect, 50) * 1000, pct(s.connect, 99) * 1000));
            System.out.printf(Locale.ROOT, "RSS after the transfers: native proxy process %.1f MiB, JVM proxy process %.1f MiB,"
                    + " docker-proxy (3 processes, one per port) %.1f MiB%n", rssKib(nativeProxyPid(kept.id)) / 1024.0,
                    rssKib(jvmProxy.pid) / 1024.0, docker == null ? Double.NaN : dockerProxyRssKib(docker) / 1024.0);
        } finally {
            if (jvmProxy != null) {
                jvmProxy.close();
            }
            if (dockerContainer != null) {
                docker(dockerHost, "rm", "-f", dockerContainer);
            }
            for (Started s : running) {
                s.process.close();
                manager.removeContainer(s.id);
            }
            try {
                manager.remove("bench");
            } catch (RuntimeException e) {
                System.err.println("removing the bench network: " + e.getMessage());
            }
            manager.close();
            TestDirectories.deleteQuietly(root);
        }
    }

    // ---- setup cost -------------------------------------------------------------------------------

    private static void setupCost(NetworkManager manager, Launcher launcher, Path rootfs, Path root, int count) throws Exception {
        List<Double> prepare = new ArrayList<>();
        List<Double> wire = new ArrayList<>();
        List<Double> stop = new ArrayList<>();
        List<Double> remove = new ArrayList<>();
        List<Double> iproute = new ArrayList<>();
        for (int i = 0; i < count + 3; i++) {
            String id = newId();
            long t0 = System.nanoTime();
            NetworkManager.ContainerNetworking n = manager.prepareContainer(id, "c" + i, id.substring(0, 12), "bench", List.of("alias" + i));
            long t1 = System.nanoTime();
            ContainerProcess p = launcher.start(spec(root, rootfs, id, n, "exec sleep 60"));
            long t2 = System.nanoTime();
            manager.startContainer(id, p.pid());
            long t3 = System.nanoTime();
            p.release();
            p.awaitStarted();
            if (i < 10) {
                iproute.add(iproute2Equivalent(p.pid(), i));
            }
            p.close();
            long t4 = System.nanoTime();
            manager.stopContainer(id);
            long t5 = System.nanoTime();
            manager.removeContainer(id);
            long t6 = System.nanoTime();
            if (i >= 3) { // the first rounds warm the JVM up
                prepare.add(ms(t1 - t0));
                wire.add(ms(t3 - t2));
                stop.add(ms(t5 - t4));
                remove.add(ms(t6 - t5));
            }
        }
        System.out.printf(Locale.ROOT, "== network setup per container (%d containers, one at a time, on a bridge network) ==%n", count);
        row("prepare (records, hosts, resolv.conf)", prepare);
        row("wire at the barrier (veth, address, up)", wire);
        row("stop (address freed; the kernel drops the veth)", stop);
        row("remove (records, files)", remove);
        row("same wiring with iproute2 commands", iproute.subList(2, iproute.size()));
    }

    /**
     * The same through the public API: {@code runContainer} (create + start, busybox {@code sleep}) on the
     * default bridge network against {@code none}, interleaved; the difference is what networking adds.
     */
    private static void engineRunCost(Path state, int count) throws Exception {
        String image = Testbed.get().plainRegistry() + "/library/busybox:latest";
        Map<String, List<Double>> times = new LinkedHashMap<>();
        times.put("bridge", new ArrayList<>());
        times.put("none", new ArrayList<>());
        try (ContainerEngine engine = ContainerEngine.embedded(EngineSettings.fromEnvironment().withStateDirectory(state))) {
            engine.pull(image);
            for (int i = 0; i < count + 3; i++) {
                for (String mode : times.keySet()) {
                    long start = System.nanoTime();
                    ContainerInfo info = engine.runContainer(ContainerSpec.builder(image).networkMode(mode.equals("none") ? "none" : null)
                            .cmd("sleep", "60").build());
                    double took = ms(System.nanoTime() - start);
                    engine.removeContainer(info.id(), true);
                    if (i >= 3) {
                        times.get(mode).add(took);
                    }
                }
            }
        }
        System.out.printf(Locale.ROOT, "== runContainer (create + start) through the public API, %d each, interleaved ==%n", count);
        times.forEach((mode, millis) -> row("network " + mode, millis));
    }

    /** What the wiring costs with {@code ip}: five commands, each a fork and exec (for scale only). */
    private static double iproute2Equivalent(long pid, int i) throws Exception {
        String veth = "stvbench" + i;
        String peer = "eth" + (10 + i);
        long start = System.nanoTime();
        run("ip", "link", "add", veth, "type", "veth", "peer", "name", peer, "netns", Long.toString(pid));
        run("ip", "link", "set", veth, "up");
        run("nsenter", "-t", Long.toString(pid), "-n", "ip", "addr", "add", "10.254.254." + (i + 2) + "/24", "dev", peer);
        run("nsenter", "-t", Long.toString(pid), "-n", "ip", "link", "set", peer, "up");
        run("nsenter", "-t", Long.toString(pid), "-n", "ip", "link", "set", "lo", "up");
        double took = ms(System.nanoTime() - start);
        run("ip", "link", "del", veth);
        return took;
    }

    // ---- a kept container's proxy: start and memory ------------------------------------------------

    /**
     * Publishing a running container's port 7 as for a kept container (the native proxy, through the manager,
     * record included), as for a container that goes with its JVM (this JVM's proxy, through the manager), and
     * spawning the JVM proxy process the engine used before until it reports its port bound, interleaved; then unpublishing / ending each. RSS is read once bound, before any connection.
     */
    private static void proxyStartCost(NetworkManager manager, Started container, int rounds) throws Exception {
        ProcessIdentity outlive = ProcessIdentity.of(container.process.pid()).orElseThrow();
        List<Double> nativeStart = new ArrayList<>();
        List<Double> inJvmStart = new ArrayList<>();
        List<Double> jvmStart = new ArrayList<>();
        List<Double> nativeRss = new ArrayList<>();
        List<Double> jvmRss = new ArrayList<>();
        for (int i = -3; i < rounds; i++) {
            long t0 = System.nanoTime();
            manager.publish(container.id, List.of(PortBinding.loopback(7)), outlive);
            double took = ms(System.nanoTime() - t0);
            double rss = rssKib(nativeProxyPid(container.id)) / 1024.0;
            manager.unpublish(container.id);
            if (i >= 0) {
                nativeStart.add(took);
                nativeRss.add(rss);
            }
            t0 = System.nanoTime();
            manager.publish(container.id, List.of(PortBinding.loopback(7)));
            took = ms(System.nanoTime() - t0);
            manager.unpublish(container.id);
            if (i >= 0) {
                inJvmStart.add(took);
            }
            t0 = System.nanoTime();
            try (JvmProxy jvm = JvmProxy.start(container.address, 7)) {
                took = ms(System.nanoTime() - t0);
                rss = rssKib(jvm.pid) / 1024.0;
            }
            if (i >= 0) {
                jvmStart.add(took);
                jvmRss.add(rss);
            }
        }
        System.out.printf(Locale.ROOT, "== a kept container's port proxy: start until its port is bound (%d rounds, interleaved) ==%n",
                rounds);
        row("native (publish through the manager)", nativeStart);
        row("this JVM's proxy (publish through the manager)", inJvmStart);
        row("JVM process (spawn until 'ready')", jvmStart);
        System.out.printf(Locale.ROOT, "RSS once bound, idle: native p50 %.2f MiB (max %.2f), JVM p50 %.1f MiB (max %.1f)%n",
                pct(nativeRss, 50), Collections.max(nativeRss), pct(jvmRss, 50), Collections.max(jvmRss));
    }

    /** The old port proxy process: {@link JvmPortProxy} in a JVM started as the engine started it. */
    private static final class JvmProxy implements AutoCloseable {
        final Process process;
        final long pid;
        final List<Integer> ports = new ArrayList<>();

        private JvmProxy(Process process, String ready) {
            this.process = process;
            String[] parts = ready.split(" ");
            this.pid = Long.parseLong(parts[1]);
            for (int i = 2; i < parts.length; i++) {
                ports.add(Integer.parseInt(parts[i]));
            }
        }

        static JvmProxy start(String target, int... targetPorts) throws IOException {
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
            command.addAll(JvmPortProxy.JVM_OPTIONS);
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), JvmPortProxy.class.getName()));
            for (int port : targetPorts) {
                command.addAll(List.of("127.0.0.1", "0", target, Integer.toString(port)));
            }
            ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
            builder.environment().remove("JAVA_TOOL_OPTIONS");
            Process process = builder.start();
            String line = new java.io.BufferedReader(new java.io.InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8)).readLine();
            if (line == null || !line.startsWith("ready ")) {
                process.destroyForcibly();
                throw new IOException("the JVM proxy process said " + line);
            }
            return new JvmProxy(process, line);
        }

        @Override
        public void close() throws Exception {
            process.getOutputStream().close();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    /** The launcher in proxy mode serving this container. */
    private static long nativeProxyPid(String containerId) throws IOException {
        try (var procs = Files.list(Path.of("/proc"))) {
            return procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).filter(p -> {
                try {
                    String[] args = Files.readString(p.resolve("cmdline")).split("\0");
                    return args.length > 2 && args[1].equals("proxy") && String.join(" ", args).contains(containerId);
                } catch (IOException gone) {
                    return false;
                }
            }).map(p -> Long.parseLong(p.getFileName().toString())).findFirst()
                    .orElseThrow(() -> new IOException("no native proxy process for " + containerId));
        }
    }

    /** The RSS of the docker-proxy processes serving these host ports, summed. */
    private static long dockerProxyRssKib(Endpoints e) throws IOException {
        List<String> ports = List.of(Integer.toString(e.echo), Integer.toString(e.sink), Integer.toString(e.source));
        try (var procs = Files.list(Path.of("/proc"))) {
            return procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).mapToLong(p -> {
                try {
                    List<String> args = List.of(Files.readString(p.resolve("cmdline")).split("\0"));
                    int at = args.indexOf("-host-port");
                    return Files.readString(p.resolve("comm")).trim().equals("docker-proxy") && at >= 0
                            && at + 1 < args.size() && ports.contains(args.get(at + 1))
                            ? rssKib(Long.parseLong(p.getFileName().toString())) : 0;
                } catch (IOException gone) {
                    return 0;
                }
            }).sum();
        }
    }

    private static long rssKib(long pid) throws IOException {
        return Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream().filter(l -> l.startsWith("VmRSS:"))
                .mapToLong(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).findFirst().orElse(0);
    }

    // ---- throughput and latency -------------------------------------------------------------------

    private record Endpoints(String name, String host, int echo, int sink, int source) {
    }

    private record Samples(List<Double> upload, List<Double> download, List<Double> rtt, List<Double> connect) {
        Samples() {
            this(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        }
    }

    /** MB/s writing {@code megabytes} MiB to the sink, until the sink closed (it read everything). */
    private static double upload(Endpoints e, int megabytes) throws IOException {
        byte[] block = new byte[256 * 1024];
        long total = (long) megabytes << 20;
        long start = System.nanoTime();
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(e.host, e.sink), 10_000);
            s.setSoTimeout(60_000);
            OutputStream out = s.getOutputStream();
            for (long sent = 0; sent < total; sent += block.length) {
                out.write(block, 0, (int) Math.min(block.length, total - sent));
            }
            s.shutdownOutput();
            s.getInputStream().readAllBytes();
        }
        return total / 1e6 / ((System.nanoTime() - start) / 1e9);
    }

    private static double download(Endpoints e, int megabytes) throws IOException {
        byte[] buffer = new byte[256 * 1024];
        long start = System.nanoTime();
        long received = 0;
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(e.host, e.source), 10_000);
            s.setSoTimeout(60_000);
            s.shutdownOutput();
            InputStream in = s.getInputStream();
            for (int n; (n = in.read(buffer)) > 0; ) {
                received += n;
            }
        }
        if (received != (long) megabytes << 20) {
            throw new IOException(e.name + ": downloaded " + received + " bytes, expected " + ((long) megabytes << 20));
        }
        return received / 1e6 / ((System.nanoTime() - start) / 1e9);
    }

    /** Milliseconds per 64-byte request answered by the echo server, one connection. */
    private static List<Double> roundTrips(Endpoints e, int warmup, int count) throws IOException {
        byte[] request = new byte[64];
        byte[] answer = new byte[64];
        List<Double> times = new ArrayList<>(count);
        try (Socket s = new Socket()) {
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress(e.host, e.echo), 10_000);
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            for (int i = 0; i < warmup + count; i++) {
                long start = System.nanoTime();
                out.write(request);
                for (int got = 0; got < answer.length; ) {
                    int n = in.read(answer, got, answer.length - got);
                    if (n < 0) {
                        throw new IOException(e.name + ": the echo server closed the connection");
                    }
                    got += n;
                }
                if (i >= warmup) {
                    times.add(ms(System.nanoTime() - start));
                }
            }
        }
        return times;
    }

    /** Milliseconds for a new connection's first answer: connect, one echo, close. */
    private static List<Double> connects(Endpoints e, int warmup, int count) throws IOException {
        List<Double> times = new ArrayList<>(count);
        for (int i = 0; i < warmup + count; i++) {
            long start = System.nanoTime();
            try (Socket s = new Socket()) {
                s.setTcpNoDelay(true);
                s.connect(new InetSocketAddress(e.host, e.echo), 10_000);
                s.setSoTimeout(10_000);
                s.getOutputStream().write('x');
                if (s.getInputStream().read() != 'x') {
                    throw new IOException(e.name + ": no echo");
                }
            } catch (IOException failed) {
                throw new IOException(e.name + ": connection " + i + " failed: " + failed, failed);
            }
            if (i >= warmup) {
                times.add(ms(System.nanoTime() - start));
            }
        }
        return times;
    }

    // ---- containers -------------------------------------------------------------------------------

    private record Started(String id, ContainerProcess process, String address) {
    }

    private static Started start(NetworkManager manager, Launcher launcher, Path rootfs, Path root, String name, String command) {
        String id = newId();
        NetworkManager.ContainerNetworking n = manager.prepareContainer(id, name, id.substring(0, 12), "bench", List.of());
        ContainerProcess p = launcher.start(spec(root, rootfs, id, n, command));
        List<NetworkManager.Attachment> a = manager.startContainer(id, p.pid());
        p.release();
        p.awaitStarted();
        return new Started(id, p, a.get(0).address());
    }

    private static RuntimeSpec spec(Path root, Path rootfs, String id, NetworkManager.ContainerNetworking n, String command) {
        return RuntimeSpec.builder(root.resolve("containers").resolve(id), List.of(rootfs), List.of("/bin/sh", "-c", command))
                .env(List.of("PATH=/usr/sbin:/usr/bin:/sbin:/bin"))
                .hostname(id.substring(0, 12))
                .etcFiles(n.hostsFile(), null, n.resolvConf())
                .build();
    }

    private static void awaitPort(String host, int port) throws Exception {
        for (int i = 0; i < 200; i++) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(host, port), 200);
                s.setSoTimeout(2_000);
                s.getOutputStream().write('x');
                if (s.getInputStream().read() == 'x') {
                    return;
                }
            } catch (IOException notYet) {
                TimeUnit.MILLISECONDS.sleep(25);
            }
        }
        throw new IOException(host + ":" + port + " does not echo");
    }

    // ---- helpers ----------------------------------------------------------------------------------

    private static String docker(String host, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("docker", "-H", host));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + out);
        }
        return out;
    }

    private static int dockerPort(String host, String container, int port) throws Exception {
        String mapping = docker(host, "port", container, port + "/tcp").lines().findFirst().orElseThrow().trim();
        return Integer.parseInt(mapping.substring(mapping.lastIndexOf(':') + 1));
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + out);
        }
    }

    private static String newId() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    private static void row(String what, List<Double> millis) {
        System.out.printf(Locale.ROOT, "%-42s p50 %7.2f ms  p90 %7.2f ms  min %7.2f ms  max %7.2f ms%n", what,
                pct(millis, 50), pct(millis, 90), Collections.min(millis), Collections.max(millis));
    }

    private static double pct(List<Double> values, int percent) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(percent / 100.0 * sorted.size()) - 1));
    }

    private static double mean(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).average().orElse(0);
    }

}
