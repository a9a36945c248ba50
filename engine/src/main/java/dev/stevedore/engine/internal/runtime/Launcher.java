package dev.stevedore.engine.internal.runtime;

import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.ContainerStartException;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Starts containers through the native launcher. {@link #start} returns once the container's
 * namespaces and root file system exist and its pid 1 waits at the barrier; the caller wires what it
 * needs (networking) and then {@linkplain ContainerProcess#release releases} it.
 *
 * <p>Thread-safe: it only holds the launcher's path.
 */
public final class Launcher {
    private final Path binary;

    public Launcher(Path binary) {
        this.binary = Objects.requireNonNull(binary, "binary");
    }

    /** A launcher extracted into the engine's state directory (see {@link LauncherBinary}). */
    public static Launcher extractedTo(Path stateDirectory) {
        return new Launcher(LauncherBinary.extract(stateDirectory));
    }

    /** The launcher binary this instance runs. */
    public Path binary() {
        return binary;
    }

    /**
     * Creates the container and stops it at the barrier, before its command runs.
     *
     * @return the container, whose {@link ContainerProcess#pid()} is its pid 1 seen from the host
     * @throws ContainerStartException when the launcher could not set the container up
     */
    public ContainerProcess start(RuntimeSpec spec) {
        prepareDirectories(spec);
        List<Path> cgroups = createCgroups(spec);
        byte[] encoded = spec.encode(cgroups);
        ProcessBuilder builder = new ProcessBuilder(binary.toString())
                .directory(Path.of("/").toFile())
                .redirectError(ProcessBuilder.Redirect.appendTo(spec.stateDirectory().resolve(StateFiles.LAUNCHER_LOG).toFile()));
        builder.environment().clear();
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            Cgroups.remove(cgroups);
            throw new ContainerEngineException("cannot start the launcher " + binary + " for container "
                    + spec.stateDirectory() + ": " + e.getMessage() + " (is the state directory on a noexec mount?)", e);
        }
        ContainerProcess container = new ContainerProcess(process, spec, cgroups);
        try {
            OutputStream commands = process.getOutputStream();
            commands.write(encoded);
            commands.flush();
        } catch (IOException e) {
            // the launcher went away while reading the spec: its own report says why
        }
        container.awaitBarrier(ContainerProcess.SETUP_TIMEOUT);
        return container;
    }

    /** Starts the container and releases it at once: for callers with nothing to wire at the barrier. */
    public ContainerProcess run(RuntimeSpec spec) {
        ContainerProcess container = start(spec);
        try {
            container.release();
            container.awaitStarted();
            return container;
        } catch (RuntimeException e) {
            container.close();
            throw e;
        }
    }

    /**
     * Runs a command inside a running container and waits for it (see {@link ExecRequest}).
     *
     * @param stdin   bytes for the command's standard input, then end of file; {@code null} for none
     * @param timeout how long before the command (and its process group) is killed; {@code null} for no limit
     * @param output  receives stdout and stderr as they come, on the calling thread
     * @throws ContainerEngineException when the launcher cannot be started or its pipe breaks
     */
    public ExecProcess.Outcome exec(ExecRequest request, byte[] stdin, Duration timeout, ExecProcess.Output output) {
        return ExecProcess.run(binary, request, stdin, timeout, output);
    }

    private static List<Path> createCgroups(RuntimeSpec spec) {
        if (!spec.limits().any()) {
            return List.of();
        }
        String name = spec.stateDirectory().getFileName() + "-" + Integer.toHexString(spec.stateDirectory().toAbsolutePath().hashCode());
        List<Path> cgroups = HostCgroups.LAYOUT.create(spec.limits(), name);
        try {
            StateFiles.writeCgroups(spec.stateDirectory(), cgroups);
        } catch (IOException e) {
            Cgroups.remove(cgroups);
            throw new ContainerEngineException("cannot record the cgroups of container " + spec.stateDirectory() + ": " + e, e);
        }
        return cgroups;
    }

    /** Detected once, when the first container with limits starts. */
    private static final class HostCgroups {
        static final Cgroups LAYOUT = Cgroups.detect();
    }

    private static void prepareDirectories(RuntimeSpec spec) {
        try {
            Files.createDirectories(spec.stateDirectory());
            StateFiles.writeOwner(spec.stateDirectory(), ProcessIdentity.current());
            for (Path layer : spec.layers()) {
                if (!Files.isDirectory(layer)) {
                    throw new ContainerEngineException("cannot start container " + spec.stateDirectory()
                            + ": its image layer directory " + layer + " does not exist; was the image removed?");
                }
            }
            for (RuntimeSpec.Mount mount : spec.mounts()) {
                if (mount instanceof RuntimeSpec.Bind bind && !Files.exists(bind.source())) {
                    throw new ContainerStartException("cannot start container " + spec.stateDirectory() + ": the source "
                            + bind.source() + " of its bind mount on " + bind.target() + " does not exist; create it first",
                            spec.stateDirectory().getFileName().toString(), List.of(),
                            new LauncherError("find the bind mount source", 2, bind.source().toString()));
                }
            }
            for (Path directory : List.of(spec.upperDirectory(), spec.workDirectory(), spec.rootfs())) {
                Files.createDirectories(directory);
            }
            for (Path log : List.of(spec.stdoutLog(), spec.stderrLog())) {
                Files.createDirectories(log.toAbsolutePath().getParent());
            }
        } catch (IOException e) {
            throw new ContainerEngineException("cannot prepare the directories of container " + spec.stateDirectory()
                    + ": " + e.getMessage(), e);
        }
    }
}
