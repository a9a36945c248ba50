package dev.stevedore.engine.internal.embedded;

import dev.stevedore.engine.ContainerEngineException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Named volumes: {@code STATE/volumes/<name>/_data}, as Docker lays them out, made on first use and kept
 * until removed (containers come and go, their volumes stay). Anonymous volumes live in their container's
 * directory instead and go with it.
 */
final class Volumes {
    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]*");

    private final Path root;

    Volumes(Path stateDirectory) {
        this.root = stateDirectory.resolve("volumes");
    }

    /** The data directory of volume {@code name}, created when it does not exist yet. */
    Path named(String name) {
        if (name.length() > 255 || !NAME.matcher(name).matches()) {
            throw new ContainerEngineException("invalid volume name \"" + name + "\": only [a-zA-Z0-9][a-zA-Z0-9_.-] are "
                    + "allowed; a name with a '/' is a host path and needs a bind mount");
        }
        Path data = root.resolve(name).resolve("_data");
        try {
            Files.createDirectories(data);
            return data;
        } catch (IOException e) {
            throw new ContainerEngineException("cannot create the volume \"" + name + "\" in " + root + ": " + e.getMessage(), e);
        }
    }

    /** A fresh anonymous volume's data directory inside the container's own directory. */
    static Path anonymous(Path containerDirectory, int index) {
        Path data = containerDirectory.resolve("volumes").resolve(Integer.toString(index)).resolve("_data");
        try {
            return Files.createDirectories(data);
        } catch (IOException e) {
            throw new ContainerEngineException("cannot create an anonymous volume in " + containerDirectory + ": "
                    + e.getMessage(), e);
        }
    }

    /** Whether a volume's data directory holds nothing: then it takes the image's content (Docker's copy-up). */
    static boolean isEmpty(Path data) {
        try (Stream<Path> entries = Files.list(data)) {
            return entries.findAny().isEmpty();
        } catch (IOException e) {
            return false;
        }
    }
}
