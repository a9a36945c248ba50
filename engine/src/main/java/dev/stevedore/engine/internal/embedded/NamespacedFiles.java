package dev.stevedore.engine.internal.embedded;

import dev.stevedore.engine.ContainerPathStat;
import dev.stevedore.engine.FileChange;
import dev.stevedore.engine.internal.os.ErrnoException;
import dev.stevedore.engine.internal.os.Libc;
import dev.stevedore.engine.internal.runtime.IdMapping;
import dev.stevedore.engine.internal.runtime.ProcessIdentity;
import dev.stevedore.engine.internal.runtime.UserNamespace;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A rootless engine's way past a directory private to another user of a container (postgres' data directory: owner
 * 999, mode 0700). The engine reaches a container's files as the ordinary user, whom such a directory shuts out; the
 * same work done inside the user's namespace, as its root, is allowed — so when the kernel refuses the JVM
 * ({@link #refused}), the copy, export, stat or diff is done again by {@link NamespacedFilesMain} in a JVM the launcher
 * starts in the namespace. Only then: a JVM start (about half a second) is paid by the copies that need it alone.
 * Results pass through files in the engine's temporary directory, which the namespace's root may write as the user.
 */
final class NamespacedFiles {
    private final UserNamespace namespace;
    private final Path temp;

    NamespacedFiles(UserNamespace namespace, Path temp) {
        this.namespace = namespace;
        this.temp = temp;
    }

    /** How the namespace maps the container's ids onto the host's: what this JVM sees from outside it. */
    IdMapping owners() {
        return namespace.mapping();
    }

    /** Whether {@code e} (or what it wraps) is the kernel's refusal, {@code EACCES}: the case this class is for. */
    static boolean refused(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof AccessDeniedException || t instanceof ErrnoException errno && errno.errno() == Libc.EACCES) {
                return true;
            }
        }
        return false;
    }

    /** A tar of {@code path} in the root of {@code process} into {@code out}, as {@link ContainerFiles#archive} writes it. */
    void archive(ProcessIdentity process, String path, Path out) throws IOException {
        call("copy of " + path, path, "archive", pid(process), start(process), path, out.toString());
    }

    /** The root file system of {@code process} into {@code out}, as {@link ContainerFiles#export} writes it. */
    void export(ProcessIdentity process, Path out) throws IOException {
        call("export", "/", "export", pid(process), start(process), out.toString());
    }

    /** The tar in {@code in} extracted into {@code directory} of the root of {@code process}. */
    void extract(ProcessIdentity process, String directory, Path in) throws IOException {
        call("copy into " + directory, directory, "extract", pid(process), start(process), directory, in.toString());
    }

    /** The attributes of {@code path} in the root of {@code process}, or empty when nothing is there. */
    Optional<ContainerPathStat> stat(ProcessIdentity process, String path) throws IOException {
        Path out = Files.createTempFile(Files.createDirectories(temp), "stat-", ".bin");
        try {
            call("reading the attributes of " + path, path, "stat", pid(process), start(process), path, out.toString());
            try (DataInputStream in = new DataInputStream(Files.newInputStream(out))) {
                return readStat(in);
            }
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** What {@code upper} changed against {@code layers}, as {@code UpperDirectory.changes} reads it. */
    List<FileChange> changes(Path upper, List<Path> layers) throws IOException {
        Path out = Files.createTempFile(Files.createDirectories(temp), "changes-", ".bin");
        try {
            List<String> arguments = new ArrayList<>(List.of("changes", out.toString(), upper.toString()));
            layers.forEach(l -> arguments.add(l.toString()));
            call("reading the changes", "/", arguments.toArray(String[]::new));
            try (DataInputStream in = new DataInputStream(Files.newInputStream(out))) {
                int count = in.readInt();
                List<FileChange> changes = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    changes.add(new FileChange(in.readUTF(), FileChange.Kind.ofCode(in.readInt())));
                }
                return changes;
            }
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** The tar of the layer entries {@code upper} makes into {@code out} ({@code UpperDirectoryArchiver#archive}). */
    void layer(Path upper, java.util.Set<String> skip, Path out) throws IOException {
        List<String> arguments = new ArrayList<>(List.of("layer", out.toString(), upper.toString()));
        arguments.addAll(skip);
        call("reading the upper directory " + upper + " into a layer", "/", arguments.toArray(String[]::new));
    }

    private void call(String what, String path, String... arguments) throws IOException {
        Files.createDirectories(temp);
        // the namespace's root is "root" to the JDK: its home and perf data directory are the host root's, closed to it
        List<String> options = List.of("-Djava.io.tmpdir=" + temp, "-Djna.tmpdir=" + temp, "-Duser.home=" + temp);
        UserNamespace.Outcome outcome = namespace.call(ThisJvm.command(NamespacedFilesMain.class, options, List.of(arguments)));
        if (outcome.exitCode() == NamespacedFilesMain.NO_SUCH_FILE) {
            throw new NoSuchFileException(path);
        }
        if (outcome.exitCode() != 0) {
            throw new IOException(what + " inside the user namespace failed: "
                    + (outcome.output().isEmpty() ? "exit " + outcome.exitCode() : outcome.output()));
        }
    }

    static void writeStat(Optional<ContainerPathStat> stat, DataOutputStream out) throws IOException {
        out.writeBoolean(stat.isPresent());
        if (stat.isPresent()) {
            ContainerPathStat s = stat.get();
            out.writeUTF(s.name());
            out.writeLong(s.size());
            out.writeInt(s.mode());
            out.writeLong(s.modified().getEpochSecond());
            out.writeInt(s.modified().getNano());
            out.writeUTF(s.linkTarget());
        }
    }

    private static Optional<ContainerPathStat> readStat(DataInputStream in) throws IOException {
        if (!in.readBoolean()) {
            return Optional.empty();
        }
        String name = in.readUTF();
        long size = in.readLong();
        int mode = in.readInt();
        Instant modified = Instant.ofEpochSecond(in.readLong(), in.readInt());
        return Optional.of(new ContainerPathStat(name, size, mode, modified, in.readUTF()));
    }

    static void writeChanges(List<FileChange> changes, DataOutputStream out) throws IOException {
        out.writeInt(changes.size());
        for (FileChange change : changes) {
            out.writeUTF(change.path());
            out.writeInt(change.kind().code());
        }
    }

    private static String pid(ProcessIdentity process) {
        return Long.toString(process.pid());
    }

    private static String start(ProcessIdentity process) {
        return Long.toString(process.startTime());
    }
}
