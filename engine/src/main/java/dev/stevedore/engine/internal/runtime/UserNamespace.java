package dev.stevedore.engine.internal.runtime;

import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.internal.os.FileTrees;
import dev.stevedore.engine.internal.store.CrossProcessLock;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The user namespace an ordinary user's containers live in, and the network namespace it owns where their bridges
 * are: container root is the user, 1..65535 the user's subordinate ids (see {@link IdMapping}). One launcher process
 * per user makes and holds both ({@code launcher userns-hold}, engine/src/main/c/usernet.c), shared by all of the
 * user's JVMs, as Podman's pause process is: a network namespace can only be wired from its owning user namespace,
 * so two JVMs whose containers talk must share both. Launchers join it ({@link #launcherArgument()}) before they make
 * a container's other namespaces, and file work the JVM cannot do for subordinate owners runs there ({@link #own},
 * {@link #deleteTree}).
 *
 * <p>The holder lives while anyone is connected to its socket in the user's runtime directory: each JVM holds one
 * connection (opened by {@link #shared}, closed only by the JVM's end), and each container launcher holds one
 * ({@link #lifelineArgument()}), so kept containers keep it too. When the last goes, so do the namespaces with their
 * bridges and veths: {@code kill -9} of every JVM leaves nothing. A JVM connects or starts the holder under a lock
 * file the holder also takes before it ends, so two JVMs starting at once find one holder.
 */
public final class UserNamespace {
    private static final String SOCKET = "userns.sock";
    private static final String LOCK = "userns.lock";

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(UserNamespace.class);
    private static final java.util.concurrent.atomic.AtomicBoolean NO_ROUTE_SAID = new java.util.concurrent.atomic.AtomicBoolean();

    private static UserNamespace shared;

    /** A copy of the launcher in the user's runtime directory: an engine's state directory (and binary) may go first. */
    private final Path launcher;
    private final HolderConnection holder;
    private final long holderPid;
    private final Path socket;
    private final IdMapping mapping;
    private final boolean routesOut;

    private UserNamespace(Path launcher, HolderConnection holder, HolderConnection.Greeting greeting, Path socket,
                          IdMapping mapping) {
        this.launcher = launcher;
        this.holder = holder;
        this.holderPid = greeting.pid();
        this.routesOut = greeting.outbound();
        this.socket = socket;
        this.mapping = mapping;
    }

    /** The user's namespaces, joined (or made, by the first JVM of the user) on first use with {@code launcher}. */
    public static synchronized UserNamespace shared(Path launcher, RootlessHost host) {
        if (shared == null || !java.nio.file.Files.exists(Path.of("/proc", Long.toString(shared.holderPid)))) {
            if (shared != null) {
                shared.holder.close();
            }
            shared = open(lasting(launcher), host);
            FileTrees.fallback(shared::deleteTree);
        }
        return shared;
    }

    /** The launcher copied into the user's runtime directory (its name carries its hash), there as long as the machine runs. */
    private static Path lasting(Path launcher) {
        Path dir = dev.stevedore.engine.EngineSettings.createRuntimeDirectory();
        try {
            // named by content, not by the source's name (a sealed launcher is /proc/self/fd/N): the user's JVMs of
            // other Stevedore versions keep their own copies
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(launcher));
            Path copy = dir.resolve("launcher-" + java.util.HexFormat.of().formatHex(digest).substring(0, 16));
            if (!Files.isExecutable(copy)) {
                Path temp = Files.createTempFile(dir, ".launcher-", ".tmp");
                Files.copy(launcher, temp, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                Files.setPosixFilePermissions(temp, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
                Files.move(temp, copy, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            return copy;
        } catch (IOException e) {
            throw new ContainerEngineException("cannot copy the launcher " + launcher + " into " + dir + ": " + e.getMessage(), e);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }

    /** The ids it maps. */
    public IdMapping mapping() {
        return mapping;
    }

    /** The argument that makes a launcher join this namespace before anything else. */
    public String launcherArgument() {
        return "--userns=/proc/" + holderPid + "/ns/user";
    }

    /** The argument (after {@link #launcherArgument()}) that makes a container's launcher keep the holder alive while it runs. */
    public String lifelineArgument() {
        return "--hold=" + socket;
    }

    /**
     * Whether traffic leaves the user's network namespace: slirp4netns serves it (its tap0, default route and
     * masquerade), and the host's loopback is {@link #HOST_ADDRESS} there.
     */
    public boolean routesOut() {
        return routesOut;
    }

    /** Where the host's loopback answers from inside the user's network namespace (slirp4netns's host address). */
    public static final String HOST_ADDRESS = "10.0.2.2";

    /** slirp4netns's DNS forwarder inside the user's network namespace: it asks the host's name servers. */
    public static final String NAME_SERVER = "10.0.2.3";

    /** The process holding the namespaces: its {@code /proc/PID/net} shows the user's network namespace. */
    public long holderPid() {
        return holderPid;
    }

    /**
     * An rtnetlink socket acting in the user's network namespace ({@code pid} 0), or in the network namespace of
     * process {@code pid} (a container's first process, in the user's namespace): made there by the holder and passed
     * back. The caller owns the descriptor.
     */
    public int netlinkSocket(long pid) throws IOException {
        HolderConnection.Reply reply = pid == 0 ? holder.request("netlink") : holder.request("netlink", Long.toString(pid));
        if (reply.fd() < 0) {
            throw new IOException("the user's namespace holder answered a netlink request without a socket");
        }
        return reply.fd();
    }

    /** Writes {@code value} to {@code /proc/sys/<key>} of the user's network namespace ({@code key} below {@code net/}). */
    public void sysctl(String key, String value) throws IOException {
        holder.request("sysctl", key, value);
    }

    private static UserNamespace open(Path launcher, RootlessHost host) {
        Path dir = dev.stevedore.engine.EngineSettings.createRuntimeDirectory();
        Path socket = dir.resolve(SOCKET);
        HolderConnection connection;
        Outbound started = null;
        try {
            try (CrossProcessLock lock = CrossProcessLock.acquire(dir.resolve(LOCK))) {
                connection = HolderConnection.tryConnect(socket);
                if (connection == null) {
                    started = start(launcher, socket, dir.resolve(LOCK), host);
                    connection = HolderConnection.tryConnect(socket);
                    if (connection == null) {
                        throw new ContainerEngineException("the user's namespace holder said it was ready, but nobody listens on " + socket);
                    }
                }
            }
            // a connection that succeeded under the lock is served: the holder ends only when none waits
            HolderConnection.Greeting greeting = connection.greeting();
            if (!greeting.outbound() && NO_ROUTE_SAID.compareAndSet(false, true)) {
                LOG.warn("rootless containers have no route out of the user's network namespace (nor to the host's "
                        + "loopback as host.stevedore.internal): {}", (started != null ? started : Outbound.find()).reason());
            }
            return new UserNamespace(launcher, connection, greeting, socket, host.mapping());
        } catch (IOException e) {
            throw new ContainerEngineException("cannot reach the holder of the user's namespaces at " + socket + ": "
                    + e.getMessage(), e);
        }
    }

    /** Starts the holder and maps its ids; under the lock, so it is the only one. What routes it out, or why nothing. */
    private static Outbound start(Path launcher, Path socket, Path lock, RootlessHost host) {
        Outbound outbound = Outbound.find();
        List<String> command = new ArrayList<>(List.of(launcher.toString(), "userns-hold", socket.toString(), lock.toString()));
        command.addAll(outbound.arguments());
        Process process;
        try {
            process = new ProcessBuilder(command)
                    .directory(Path.of("/").toFile())
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
        } catch (IOException e) {
            throw new ContainerEngineException("cannot start the launcher " + launcher + " to make the user namespace: "
                    + e.getMessage(), e);
        }
        try (OutputStream commands = process.getOutputStream(); java.io.InputStream out = process.getInputStream()) {
            Records.Reader reader = new Records.Reader(out);
            Records.Record unshared = expect(reader, "unshared");
            long pid = Long.parseLong(unshared.field(0));
            map(pid, host);
            commands.write(Records.encode("mapped"));
            commands.flush();
            expect(reader, "ready");
            if (!outbound.arguments().isEmpty()) {
                Records.Record said = reader.next();
                if (said != null && said.key().equals("no-outbound")) {
                    outbound.failed(said.field(0));
                }
            }
            return outbound;
        } catch (IOException | RuntimeException e) {
            process.destroyForcibly();
            if (e instanceof ContainerEngineException c) {
                throw c;
            }
            throw new ContainerEngineException("cannot make the user namespace for rootless containers: " + e.getMessage(), e);
        }
    }

    private static Records.Record expect(Records.Reader reader, String key) throws IOException {
        Records.Record record = reader.next();
        if (record == null) {
            throw new ContainerEngineException("the user namespace holder ended before it said \"" + key + "\"");
        }
        if (record.key().equals("error")) {
            String why = record.field(0);
            throw new ContainerEngineException("cannot make the user namespace for rootless containers: " + why
                    + (why.startsWith("cannot create a user namespace")
                    ? " (is user.max_user_namespaces 0, or unprivileged user namespaces restricted?)" : ""));
        }
        if (!record.key().equals(key)) {
            throw new ContainerEngineException("the user namespace holder said \"" + record.key() + "\" instead of \"" + key + "\"");
        }
        return record;
    }

    /** Writes the maps: through newuidmap/newgidmap for a range, directly for the single id (which needs no helper). */
    private static void map(long pid, RootlessHost host) throws IOException {
        IdMapping m = host.mapping();
        if (m.singleId()) {
            Path proc = Path.of("/proc", Long.toString(pid));
            // an unprivileged writer may map only its own ids, and a gid map only after setgroups is denied
            Files.writeString(proc.resolve("setgroups"), "deny");
            Files.writeString(proc.resolve("uid_map"), "0 " + m.uid() + " 1\n");
            Files.writeString(proc.resolve("gid_map"), "0 " + m.gid() + " 1\n");
            return;
        }
        run(host.newuidmap(), pid, m.uidMapArguments());
        run(host.newgidmap(), pid, m.gidMapArguments());
    }

    private static void run(Path helper, long pid, List<String> arguments) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(helper.toString());
        command.add(Long.toString(pid));
        command.addAll(arguments);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new ContainerEngineException(String.join(" ", command) + " failed: " + output
                        + " (check the user's ranges in /etc/subuid and /etc/subgid, and that " + helper + " is setuid root)");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ContainerEngineException("interrupted while mapping the user namespace's ids", e);
        }
    }

    /**
     * One file's owner and mode, in container ids.
     *
     * @param path relative to the layer root, as the archive's bytes
     * @param mode the mode to set again after the chown (which clears setuid/setgid); 0 to leave it
     */
    public record Owner(byte[] path, long uid, long gid, int mode) {
    }

    /**
     * Gives the files below {@code root} their owners, as root of this namespace (so container ids land on the
     * user's subordinate ids). Paths are reached without following any symlink.
     *
     * @throws IOException when an id is not mapped or a file cannot be changed; the message says which
     */
    public void own(Path root, List<Owner> owners) throws IOException {
        for (Owner o : owners) {
            if (!mapping.mapsUid(o.uid()) || !mapping.mapsGid(o.gid())) {
                throw new IOException("the image needs owner " + o.uid() + ":" + o.gid() + " for "
                        + new String(o.path(), StandardCharsets.UTF_8) + ", which the rootless user namespace does not map"
                        + (mapping.singleId() ? " (the user has no subordinate id range: give it one with "
                        + "'sudo usermod --add-subuids 100000-165535 --add-subgids 100000-165535 " + System.getProperty("user.name") + "')"
                        : " (container ids 0.." + IdMapping.MAX_MAPPED + " are mapped)"));
            }
        }
        ByteArrayOutputStream records = new ByteArrayOutputStream();
        for (Owner o : owners) {
            byte[][] fields = {o.path(), ascii(o.uid()), ascii(o.gid()), ascii(o.mode())};
            StringBuilder header = new StringBuilder("own");
            for (byte[] f : fields) {
                header.append(' ').append(f.length);
            }
            records.writeBytes(header.append('\n').toString().getBytes(StandardCharsets.US_ASCII));
            for (byte[] f : fields) {
                records.writeBytes(f);
                records.write('\n');
            }
        }
        String failure = runHelper(records.toByteArray(), "own", root.toString());
        if (failure != null) {
            throw new IOException("cannot give the unpacked files below " + root + " their owners in the user namespace: " + failure);
        }
    }

    /** Deletes a tree whose files may belong to subordinate ids, as root of this namespace. */
    public void deleteTree(Path tree) throws IOException {
        String failure = runHelper(new byte[0], "rmtree", tree.toString());
        if (failure != null) {
            throw new IOException("cannot delete " + tree + " in the user namespace: " + failure);
        }
    }

    /**
     * Copies the tree {@code source} into the empty directory {@code target} as root of this namespace, owners,
     * modes and times kept: Docker's copy-up of an image's content into a fresh volume, whose files may belong to
     * container users the JVM can neither read as nor give files to.
     *
     * @throws IOException naming the file that could not be copied (an owner the namespace does not map among them)
     */
    public void copyTree(Path source, Path target) throws IOException {
        String failure = runHelper(new byte[0], "copyup", source.toString(), target.toString());
        if (failure != null) {
            throw new IOException("cannot copy " + source + " into " + target + " in the user namespace: " + failure);
        }
    }

    /** How a program run in this namespace ended: its exit code and what it printed (stdout and stderr together). */
    public record Outcome(int exitCode, String output) {
    }

    /**
     * Runs {@code program} in this namespace as its root, whose capabilities reach every file of an id the namespace
     * maps: the file work on a container's tree that the JVM, as the ordinary user, is refused (a directory private to
     * another user of the container). The program inherits nothing on stdin.
     */
    public Outcome call(List<String> program) throws IOException {
        List<String> arguments = new ArrayList<>(List.of("call"));
        arguments.addAll(program);
        return runLauncher(new byte[0], arguments.toArray(String[]::new));
    }

    /** Runs a launcher mode in this namespace; null when it succeeded, else what it said. */
    private String runHelper(byte[] input, String... arguments) throws IOException {
        Outcome outcome = runLauncher(input, arguments);
        return outcome.exitCode() == 0 ? null : outcome.output().isEmpty() ? "exit " + outcome.exitCode() : outcome.output();
    }

    private Outcome runLauncher(byte[] input, String... arguments) throws IOException {
        List<String> command = new ArrayList<>(List.of(launcher.toString(), launcherArgument()));
        command.addAll(List.of(arguments));
        Process p = new ProcessBuilder(command).directory(Path.of("/").toFile()).redirectErrorStream(true).start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(input);
        } catch (IOException e) {
            // it ended early: its output says why
        }
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        try {
            return new Outcome(p.waitFor(), output);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted", e);
        }
    }

    private static byte[] ascii(long value) {
        return Long.toString(value).getBytes(StandardCharsets.US_ASCII);
    }
}
