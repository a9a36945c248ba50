package dev.stevedore.engine.internal.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A state directory with an extracted launcher and one directory per container, on the busybox root
 * file system. Closing it closes every container it started and deletes the directory.
 */
final class RuntimeFixture implements AutoCloseable {
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    final Path stateRoot;
    final Path containers;
    final Path rootfs;
    final Launcher launcher;
    private final List<ContainerProcess> started = new ArrayList<>();

    RuntimeFixture() {
        try {
            if (!System.getProperty("user.name").equals("root")) {
                throw new IllegalStateException("runtime integration tests create namespaces and mounts: run them as root");
            }
            this.stateRoot = Files.createTempDirectory("stevedore-runtime-");
            this.containers = Files.createDirectories(stateRoot.resolve("containers"));
            this.rootfs = BusyboxRootfs.get();
            this.launcher = Launcher.extractedTo(stateRoot);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    RuntimeSpec.Builder spec(String... args) {
        Path dir = containers.resolve("c" + SEQUENCE.incrementAndGet());
        return RuntimeSpec.builder(dir, List.of(rootfs), Arrays.asList(args))
                .env(List.of("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"));
    }

    ContainerProcess start(RuntimeSpec spec) {
        ContainerProcess container = launcher.start(spec);
        started.add(container);
        return container;
    }

    ContainerProcess run(RuntimeSpec spec) {
        ContainerProcess container = launcher.run(spec);
        started.add(container);
        return container;
    }

    /** What the container wrote to stdout so far, as it wrote it (the log's records joined). */
    static String stdout(ContainerProcess container) {
        return FramedLog.text(container.spec().stdoutLog());
    }

    static String stderr(ContainerProcess container) {
        return FramedLog.text(container.spec().stderrLog());
    }

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The lines of the host's mount table that mention this fixture's directories. */
    List<String> ownMounts() {
        try {
            String root = stateRoot.toRealPath().toString();
            String layer = rootfs.toRealPath().toString();
            return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
                    .filter(line -> line.contains(root) || line.contains(layer))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Live processes whose pid namespace is {@code pidNamespace} (as /proc/PID/ns/pid reads). */
    static List<Long> processesInPidNamespace(String pidNamespace) {
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            return procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
                    .filter(p -> pidNamespace.equals(readLink(p.resolve("ns/pid"))))
                    .map(p -> Long.parseLong(p.getFileName().toString()))
                    .filter(pid -> ProcessIdentity.of(pid).isPresent())
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String readLink(Path link) {
        try {
            return Files.readSymbolicLink(link).toString();
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public void close() {
        for (ContainerProcess container : started) {
            container.close();
        }
        TestDirectories.deleteQuietly(stateRoot);
    }
}
