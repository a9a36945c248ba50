package dev.stevedore.engine.internal.embedded;

import dev.stevedore.engine.ContainerPathStat;
import dev.stevedore.engine.FileChange;
import dev.stevedore.engine.internal.build.UpperDirectoryArchiver;
import dev.stevedore.engine.internal.layer.UpperDirectory;
import dev.stevedore.engine.internal.os.Libc;
import dev.stevedore.engine.internal.runtime.ProcessIdentity;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A rootless engine's file work on a container's tree, run in a JVM of its own inside the user's namespace
 * ({@link NamespacedFiles} starts it through the launcher's {@code call} mode). There it is the namespace's root, and
 * reads and writes what the engine's JVM, as the ordinary user, is refused: a directory private to another user of the
 * container. The work itself is {@link ContainerFiles}' (the same safety rule: every path resolved inside the
 * container's root) or {@link UpperDirectory}'s.
 *
 * <pre>
 * archive PID START PATH OUT      a tar of PATH into the file OUT
 * export  PID START OUT           the root file system as docker export has it, into OUT
 * extract PID START DIRECTORY IN  the tar in the file IN extracted into DIRECTORY
 * stat    PID START PATH OUT      PATH's attributes into OUT
 * changes OUT UPPER LAYER...      what the upper directory changed against the layers, into OUT
 * layer   OUT UPPER SKIP...       the layer entries the upper directory makes (a RUN step's, a commit's), into OUT
 * </pre>
 * PID and START name the process whose root is the container's. Exit 0 when done, {@value #NO_SUCH_FILE} when the path is
 * not there, 1 with the reason on stderr otherwise. Not an API: its arguments are the engine's.
 */
public final class NamespacedFilesMain {
    static final int NO_SUCH_FILE = 3;

    private NamespacedFilesMain() {
    }

    public static void main(String[] args) {
        try {
            run(args);
            System.exit(0);
        } catch (NoSuchFileException e) {
            System.err.println("no such file or directory: " + e.getFile());
            System.exit(NO_SUCH_FILE);
        } catch (IOException | RuntimeException e) {
            System.err.println(e.getMessage() != null ? e.getMessage() : e.toString());
            System.exit(1);
        }
    }

    private static void run(String[] args) throws IOException {
        String mode = args.length > 0 ? args[0] : "";
        switch (mode) {
            case "archive" -> withRoot(args, 5, (files, a) -> {
                try (OutputStream out = Files.newOutputStream(Path.of(a[4]))) {
                    files.archive(a[3], null, out);
                }
            });
            case "export" -> withRoot(args, 4, (files, a) -> {
                try (OutputStream out = Files.newOutputStream(Path.of(a[3]))) {
                    files.export(out);
                }
            });
            case "extract" -> withRoot(args, 5, (files, a) -> {
                try (InputStream in = Files.newInputStream(Path.of(a[4]))) {
                    files.extract(a[3], in);
                }
            });
            case "stat" -> withRoot(args, 5, (files, a) -> {
                Optional<ContainerPathStat> stat = files.stat(a[3]);
                try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(Path.of(a[4])))) {
                    NamespacedFiles.writeStat(stat, out);
                }
            });
            case "changes" -> {
                if (args.length < 3) {
                    throw new IllegalArgumentException("usage: changes OUT UPPER LAYER...");
                }
                List<FileChange> changes = UpperDirectory.changes(Path.of(args[2]),
                        Arrays.stream(args, 3, args.length).map(Path::of).toList());
                try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(Path.of(args[1])))) {
                    NamespacedFiles.writeChanges(changes, out);
                }
            }
            case "layer" -> {
                if (args.length < 3) {
                    throw new IllegalArgumentException("usage: layer OUT UPPER SKIP...");
                }
                UpperDirectoryArchiver.archive(Path.of(args[2]), java.util.Set.of(Arrays.copyOfRange(args, 3, args.length)),
                        Path.of(args[1]));
            }
            default -> throw new IllegalArgumentException("unknown mode '" + mode + "': archive, export, extract, stat, changes or layer");
        }
    }

    private interface Work {
        void run(ContainerFiles files, String[] args) throws IOException;
    }

    private static void withRoot(String[] args, int count, Work work) throws IOException {
        if (args.length != count) {
            throw new IllegalArgumentException("mode " + args[0] + " takes " + (count - 1) + " arguments, not " + (args.length - 1));
        }
        int root = ContainerFiles.openRoot(new ProcessIdentity(Long.parseLong(args[1]), Long.parseLong(args[2])));
        try {
            work.run(new ContainerFiles(root), args);
        } finally {
            Libc.close(root);
        }
    }
}
