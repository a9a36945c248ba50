package dev.stevedore.engine.internal.runtime;

import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.internal.os.FileTrees;

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
 * The user namespace an ordinary user's containers live in: container root is the user, 1..65535 the user's
 * subordinate ids (see {@link IdMapping}). A launcher process made it and holds it ({@code launcher userns-hold});
 * launchers join it ({@link #launcherArgument()}) before they make a container's other namespaces, and file work
 * the JVM cannot do for subordinate owners runs there ({@link #own}, {@link #deleteTree}).
 *
 * <p>One per JVM, shared by its engines ({@link #shared}); the holder ends when the JVM does (its stdin is the
 * lifeline), so {@code kill -9} leaves no holder behind. Every JVM's namespace maps the same ids, so files in a
 * user's state directory look the same from all of them.
 */
public final class UserNamespace {
    private static UserNamespace shared;

    /** A copy of the launcher in the user's runtime directory: an engine's state directory (and binary) may go first. */
    private final Path launcher;
    private final Process holder;
    private final IdMapping mapping;

    private UserNamespace(Path launcher, Process holder, IdMapping mapping) {
        this.launcher = launcher;
        this.holder = holder;
        this.mapping = mapping;
    }

    /** This JVM's namespace, made on first use with {@code launcher}. */
    public static synchronized UserNamespace shared(Path launcher, RootlessHost host) {
        if (shared == null || !shared.holder.isAlive()) {
            shared = open(lasting(launcher), host);
            FileTrees.fallback(shared::deleteTree);
        }
        return shared;
    }

    /**
     * The launcher copied into the user's runtime directory, there as long as the machine runs. Its name carries its
     * content's hash: the launcher given is often the JVM's sealed memory file ({@code /proc/self/fd/N}), whose name
     * says nothing of the version, and a copy left by an older Stevedore must not serve a newer one.
     */
    private static Path lasting(Path launcher) {
        Path dir = dev.stevedore.engine.EngineSettings.createRuntimeDirectory();
        Path copy;
        try {
            copy = dir.resolve("launcher-" + LauncherBinary.sha256(Files.readAllBytes(launcher)).substring(0, 16));
        } catch (IOException e) {
            throw new ContainerEngineException("cannot read the launcher " + launcher + ": " + e.getMessage(), e);
        }
        try {
            if (!Files.isExecutable(copy)) {
                Path temp = Files.createTempFile(dir, ".launcher-", ".tmp");
                Files.copy(launcher, temp, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                Files.setPosixFilePermissions(temp, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
                Files.move(temp, copy, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            return copy;
        } catch (IOException e) {
            throw new ContainerEngineException("cannot copy the launcher " + launcher + " into " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The ids it maps. */
    public IdMapping mapping() {
        return mapping;
    }

    /** The argument that makes a launcher join this namespace before anything else. */
    public String launcherArgument() {
        return "--userns=/proc/" + holder.pid() + "/ns/user";
    }

    private static UserNamespace open(Path launcher, RootlessHost host) {
        Process process;
        try {
            process = new ProcessBuilder(launcher.toString(), "userns-hold")
                    .directory(Path.of("/").toFile())
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
        } catch (IOException e) {
            throw new ContainerEngineException("cannot start the launcher " + launcher + " to make the user namespace: "
                    + e.getMessage(), e);
        }
        try {
            Records.Reader reader = new Records.Reader(process.getInputStream());
            Records.Record unshared = expect(reader, "unshared");
            long pid = Long.parseLong(unshared.field(0));
            map(pid, host);
            OutputStream commands = process.getOutputStream();
            commands.write(Records.encode("mapped"));
            commands.flush();
            expect(reader, "ready");
            return new UserNamespace(launcher, process, host.mapping());
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
            throw new ContainerEngineException("cannot make the user namespace for rootless containers: " + record.field(0)
                    + " (is user.max_user_namespaces 0, or unprivileged user namespaces restricted?)");
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

    /** Runs a launcher mode in this namespace; null when it succeeded, else what it said. */
    private String runHelper(byte[] input, String... arguments) throws IOException {
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
            int rc = p.waitFor();
            return rc == 0 ? null : output.isEmpty() ? "exit " + rc : output;
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
