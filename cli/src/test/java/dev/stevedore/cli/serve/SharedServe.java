package dev.stevedore.cli.serve;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Gives test methods a {@link ServeEndpoint} parameter: one {@code stevedore serve} for every test class of the test
 * JVM (its image store filled once: postgres:15 is 355 MB), ended when the JVM's tests are done. Its files live in a
 * directory of their own under {@code /tmp} (a unix socket's path must stay short), removed afterwards. When a test
 * fails, the server's last output lines go to the test's standard output (Failsafe's report keeps them).
 */
final class SharedServe implements ParameterResolver, TestWatcher {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SharedServe.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == ServeEndpoint.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(Running.class, key -> Running.start(), Running.class).endpoint;
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        Running running = context.getRoot().getStore(NAMESPACE).get(Running.class, Running.class);
        if (running != null) {
            System.out.println("--- stevedore serve's last lines when " + context.getDisplayName() + " failed\n"
                    + running.endpoint().output());
        }
    }

    /** The server and its directory, closed by JUnit when the root context ends. */
    private record Running(ServeEndpoint endpoint, Path directory) implements ExtensionContext.Store.CloseableResource {
        static Running start() {
            Path directory;
            try {
                directory = Files.createTempDirectory("stevedore-serve-it");
            } catch (IOException e) {
                throw new UncheckedIOException("creating a directory for stevedore serve failed", e);
            }
            try {
                return new Running(ServeEndpoint.start(directory), directory);
            } catch (RuntimeException | AssertionError e) {
                try {
                    delete(directory);
                } catch (IOException | RuntimeException cleanup) {
                    e.addSuppressed(cleanup);
                }
                throw e;
            }
        }

        @Override
        public void close() throws IOException {
            endpoint.close();
            delete(directory);
        }

        /** Removes the directory unless something is still mounted under it (then deleting could reach further). */
        private static void delete(Path directory) throws IOException {
            List<String> mounted;
            try (Stream<String> mounts = Files.lines(Path.of("/proc/self/mountinfo"))) {
                mounted = mounts.map(line -> line.split(" ")[4]).filter(point -> point.startsWith(directory.toString())).toList();
            }
            if (!mounted.isEmpty()) {
                throw new IllegalStateException("stevedore serve ended but left mounts under " + directory + ": " + mounted);
            }
            try (Stream<Path> tree = Files.walk(directory)) {
                for (Path path : tree.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(path);
                }
            }
        }
    }
}
