package dev.stevedore.dsl;

import dev.stevedore.dsl.internal.Tars;
import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerEngineException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Files in and out of a {@link ContainerHandle}'s container, as tar streams through the engine's archive calls;
 * {@code who} (the handle) names the container in messages.
 */
final class ContainerFiles {
    private ContainerFiles() {
    }

    /** Copies {@code file} into the container: a host directory's content below its target, anything else as that file. */
    static void copyInto(ContainerEngine engine, String id, ContainerDefinition.FileCopy file, Object who) {
        String target = file.containerPath();
        boolean directory = file.hostPath() != null && Files.isDirectory(file.hostPath());
        String parent;
        String entry;
        if (directory) {
            parent = target;
            entry = "";
        } else {
            int slash = target.lastIndexOf('/');
            parent = slash <= 0 ? "/" : target.substring(0, slash);
            entry = target.substring(slash + 1);
        }
        byte[] tar = file.hostPath() != null ? Tars.ofHostPath(file.hostPath(), entry) : Tars.ofFile(entry, file.content(), file.mode());
        try {
            engine.copyToContainer(id, parent, Tars.stream(tar));
        } catch (RuntimeException e) {
            throw new ContainerEngineException("copying " + file.origin() + " to " + target + " in " + who + " failed: "
                    + e.getMessage(), e);
        }
    }

    /** The content of the regular file {@code containerPath}. */
    static byte[] read(ContainerEngine engine, String id, String containerPath, Object who) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream tar = engine.copyFromContainer(id, containerPath)) {
            if (!Tars.extractFirstFile(tar, out)) {
                throw new ContainerEngineException("reading " + containerPath + " from " + who + " failed: it is not a regular file");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + containerPath + " from " + who + " failed", e);
        }
        return out.toByteArray();
    }

    /** Copies {@code containerPath} (file or directory) into {@code hostDirectory}. */
    static void copyOut(ContainerEngine engine, String id, String containerPath, Path hostDirectory, Object who) {
        try (InputStream tar = engine.copyFromContainer(id, containerPath)) {
            Tars.extractTo(tar, hostDirectory);
        } catch (IOException e) {
            throw new UncheckedIOException("copying " + containerPath + " from " + who + " to " + hostDirectory + " failed", e);
        }
    }
}
