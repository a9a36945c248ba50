package dev.stevedore.engine.internal.embedded;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.EngineSettings;
import dev.stevedore.engine.Image;
import dev.stevedore.engine.ImageNotFoundException;
import dev.stevedore.engine.ImageReference;
import dev.stevedore.engine.Platform;
import dev.stevedore.engine.PullOptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;

/**
 * The daemonless engine: owns a state directory and does everything itself, in this JVM and in the
 * native launcher it starts. Several JVMs may share one state directory; every shared structure below
 * it is written atomically under file locks.
 */
public final class EmbeddedEngine implements ContainerEngine {
    private final EngineSettings settings;
    private final ImageService images;

    private EmbeddedEngine(EngineSettings settings, ImageService images) {
        this.settings = settings;
        this.images = images;
    }

    /** Opens the engine on {@code settings.stateDirectory()}, creating it (mode 0700) when missing. */
    public static ContainerEngine open(EngineSettings settings) {
        Path state = settings.stateDirectory();
        try {
            if (!Files.isDirectory(state)) {
                Files.createDirectories(state);
                Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwx------"));
            }
        } catch (IOException e) {
            throw new ContainerEngineException("cannot create the state directory " + state + ": " + e.getMessage()
                    + " — set STEVEDORE_HOME to a directory you can write", e);
        }
        return new EmbeddedEngine(settings, new ImageService(settings));
    }

    /** The settings this engine was opened with. */
    public EngineSettings settings() {
        return settings;
    }

    @Override
    public Image pull(ImageReference reference, PullOptions options) {
        Platform platform = options.platform() != null ? options.platform() : settings.platform();
        return images.pull(reference, platform, options.listener());
    }

    @Override
    public Optional<Image> image(ImageReference reference) {
        return images.find(reference);
    }

    @Override
    public List<Image> images() {
        return images.list();
    }

    @Override
    public void removeImage(ImageReference reference) {
        if (!images.remove(reference)) {
            throw new ImageNotFoundException("cannot remove " + reference.familiar() + ": no such image in the local store "
                    + settings.stateDirectory(), reference.registry(), reference, 0);
        }
    }

    @Override
    public List<Image> load(Path archive) {
        if (!Files.exists(archive)) {
            throw new ContainerEngineException("cannot load images from " + archive + ": no such file or directory");
        }
        try {
            return images.load(archive);
        } catch (UncheckedIOException e) {
            throw new ContainerEngineException("cannot load images from " + archive + ": " + e.getCause().getMessage(), e);
        }
    }

    @Override
    public void close() {
        images.close();
    }
}
