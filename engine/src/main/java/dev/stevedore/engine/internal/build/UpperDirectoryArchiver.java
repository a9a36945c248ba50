package dev.stevedore.engine.internal.build;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;

/**
 * Where a container's upper directory is read into a layer (a RUN step's, a commit's) when the engine's JVM cannot
 * read it: a rootless engine's upper directory may hold a directory private to one of the container's users (the
 * user's subordinate ids on the host), which shuts the JVM out. It archives the directory inside the user's namespace,
 * where the kernel shows the container's own ids and its root may read everything, with
 * {@link #archive(Path, Set, Path)} run there. See {@link UpperDirectoryAccess}.
 */
@FunctionalInterface
public interface UpperDirectoryArchiver {
    /**
     * Writes into {@code out} the tar of layer entries {@code upper} makes (as {@code LayerWriter} adds them: whiteouts
     * converted, the runtime's empty mount points in {@code skip} left out).
     */
    void archiveInto(Path upper, Set<String> skip, Path out) throws IOException;

    /**
     * The work itself, in a process that reads the upper directory as its files' owners see it: the tar of
     * {@code upper}'s layer entries into {@code out}.
     */
    static void archive(Path upper, Set<String> skip, Path out) throws IOException {
        try (LayerWriter layer = new LayerWriter(out.getParent(), null)) {
            layer.upperDirectory(upper, skip, UpperDirectoryAccess.AS_ROOT);
            layer.finishInto(out);
        }
    }
}
