package dev.stevedore.engine.internal.network;

import dev.stevedore.engine.internal.network.NetworkManager.ContainerNetworking;
import dev.stevedore.engine.internal.runtime.BusyboxRootfs;
import dev.stevedore.engine.internal.runtime.ContainerProcess;
import dev.stevedore.engine.internal.runtime.Launcher;
import dev.stevedore.engine.internal.runtime.RuntimeSpec;
import dev.stevedore.engine.internal.runtime.TestDirectories;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Real busybox containers from the runtime's launcher, wired by a {@link NetworkManager} at the
 * launcher's barrier exactly as the container service does, plus {@code nsenter} to run commands in
 * them. Closing it removes every container and network it made and the state directory.
 */
final class NetworkFixture implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();

    final Path root;
    final NetworkManager manager;
    final Launcher launcher;
    final Path rootfs;
    private final List<Container> containers = new ArrayList<>();
    private final List<String> networks = new ArrayList<>();
    private final java.util.Set<String> veths = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** A running container of the fixture. */
    record Container(String id, String name, ContainerProcess process, ContainerNetworking networking,
                     List<NetworkManager.Attachment> attachments) {
        long pid() {
            return process.pid();
        }

        String address() {
            return attachments.get(0).address();
        }
    }

    /** The output and exit code of a command run in a container. */
    record Result(int exitCode, String stdout, String stderr) {
    }

    NetworkFixture() {
        this(NetworkSettings.defaults());
    }

    NetworkFixture(NetworkSettings settings) {
        if (!System.getProperty("user.name").equals("root")) {
            throw new IllegalStateException("network integration tests create bridges, veths and namespaces: run them as root");
        }
        try {
            this.root = Files.createTempDirectory("stevedore-network-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.rootfs = BusyboxRootfs.get();
        this.manager = new NetworkManager(root.resolve("networks"), settings);
        this.launcher = Launcher.extractedTo(root);
    }

    String createNetwork(String name, boolean internal) {
        manager.create(new dev.stevedore.engine.NetworkSpec(name, null, java.util.Map.of(), internal));
        networks.add(name);
        return name;
    }

    static String newId() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** Creates, wires and starts a container running {@code command} (via {@code sh -c}). */
    Container run(String name, String networkMode, List<String> aliases, String command) {
        String id = newId();
        ContainerNetworking networking = manager.prepareContainer(id, name, id.substring(0, 12), networkMode, aliases);
        return start(id, name, networking, command, id);
    }

    /** Starts a stopped container again (a new process, the same networks). */
    Container restart(Container c, String command) {
        containers.remove(c);
        return start(c.id(), c.name(), c.networking(), command, c.id() + "-" + newId().substring(0, 6));
    }

    private Container start(String id, String name, ContainerNetworking networking, String command, String directory) {
        RuntimeSpec spec = RuntimeSpec.builder(root.resolve("containers").resolve(directory), List.of(rootfs), List.of("/bin/sh", "-c", command))
                .env(List.of("PATH=/usr/sbin:/usr/bin:/sbin:/bin"))
                .hostname(id.substring(0, 12))
                .network(networking.mode() == NetworkMode.HOST ? RuntimeSpec.NetworkMode.HOST : RuntimeSpec.NetworkMode.NONE_LOOPBACK)
                .etcFiles(networking.hostsFile(), null, networking.resolvConf())
                .build();
        ContainerProcess process = launcher.start(spec);
        List<NetworkManager.Attachment> attachments;
        try {
            attachments = manager.startContainer(id, process.pid());
            process.release();
            process.awaitStarted();
        } catch (RuntimeException e) {
            process.close();
            manager.removeContainer(id);
            throw e;
        }
        attachments.forEach(a -> veths.add(a.hostInterface()));
        Container c = new Container(id, name, process, networking, attachments);
        containers.add(c);
        return c;
    }

    /** Runs {@code command} with {@code sh -c} in the container's namespaces and root (like an exec). */
    Result exec(Container c, String command) {
        return exec(c.pid(), command, Duration.ofSeconds(20));
    }

    static Result exec(long pid, String command, Duration timeout) {
        try {
            Path out = Files.createTempFile("stevedore-exec-", ".out");
            Path err = Files.createTempFile("stevedore-exec-", ".err");
            try {
                Process p = new ProcessBuilder("nsenter", "-t", Long.toString(pid), "-m", "-n", "-u", "-i", "-p", "-r", "-w",
                        "--", "/bin/sh", "-c", command)
                        .redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE)
                        .start();
                p.getOutputStream().close();
                if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly().waitFor();
                    throw new AssertionError("`" + command + "` in process " + pid + " did not finish within " + timeout);
                }
                return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Stops a container (its process, then its network side) without removing it. */
    void stop(Container c) {
        c.process().close();
        manager.stopContainer(c.id());
    }

    void remove(Container c) {
        stop(c);
        manager.removeContainer(c.id());
        containers.remove(c);
    }

    /** Host links (names) of this fixture: bridges its alias marks, veths on them, veths its containers had. */
    List<String> ownLinks() {
        List<Netlink.Link> links = links();
        java.util.Set<Integer> bridges = new java.util.HashSet<>();
        links.stream().filter(l -> l.alias() != null && l.alias().startsWith(aliasPrefix())).forEach(l -> bridges.add(l.index()));
        return links.stream()
                .filter(l -> bridges.contains(l.index()) || bridges.contains(l.master()) || veths.contains(l.name()))
                .map(Netlink.Link::name).toList();
    }

    String aliasPrefix() {
        try {
            java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
            String owner = HexFormat.of().formatHex(sha.digest(root.resolve("networks").toAbsolutePath().normalize().toString()
                    .getBytes(StandardCharsets.UTF_8))).substring(0, 12);
            return "stevedore " + owner + " ";
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    static List<Netlink.Link> links() {
        try (Netlink socket = Netlink.open()) {
            return socket.links();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        for (Container c : List.copyOf(containers)) {
            try {
                remove(c);
            } catch (RuntimeException e) {
                c.process().close();
            }
        }
        for (String n : networks) {
            try {
                manager.remove(n);
            } catch (RuntimeException e) {
                // removed by the test already
            }
        }
        manager.close();
        TestDirectories.deleteQuietly(root);
    }
}
