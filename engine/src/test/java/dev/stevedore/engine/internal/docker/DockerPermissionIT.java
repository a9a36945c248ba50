package dev.stevedore.engine.internal.docker;

import dev.stevedore.engine.testbed.Testbed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A socket the user may not open, met for real: the test bed's dockerd socket is {@code 0660}, owned by root and a
 * group ({@code stevedore-testbed-docker}, {@code docker} for Docker's own packages),
 * and a JVM started as {@code nobody} (through util-linux's {@code setpriv}) is refused by the kernel. Root
 * is never refused, hence the second JVM; its classpath is copied where {@code nobody} can read it.
 */
class DockerPermissionIT {
    private static final long NOBODY = 65534;

    @Test
    void aSocketTheUserMayNotOpenIsExplainedWithTheWayIn(@TempDir Path dir) throws Exception {
        Path socket = Testbed.get().dockerSocket().orElseThrow(() -> new AssertionError(
                "the test bed's dockerd is not up: run `sudo testbed/dockerd up`"));
        assertThat(Files.getPosixFilePermissions(socket)).as("others may not use %s", socket)
                .doesNotContain(PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE);
        String classpath = copyClasspath(dir.resolve("cp"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));

        Process process = new ProcessBuilder("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + dir, "-Duser.home=" + dir, "-cp", classpath,
                ConnectAsUser.class.getName(), socket.toString())
                .redirectErrorStream(true).start();
        boolean ended = process.waitFor(120, TimeUnit.SECONDS);
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!ended) {
            process.destroyForcibly();
        }

        assertThat(ended).as("the JVM as nobody ended; it said: %s", output).isTrue();
        String group = Files.readAttributes(socket, java.nio.file.attribute.PosixFileAttributes.class).group().getName();
        assertThat(output)
                .contains("Cannot use the Docker daemon at unix://" + socket + " (DOCKER_HOST): permission denied")
                .contains("(the socket is owned by root:" + group + " with mode rw-rw----)")
                .contains("User 'nobody' may not open that socket")
                .as("the group that owns this socket, not only the usual one").contains("sudo usermod -aG " + group + " nobody");
    }

    /** Copies every classpath entry under {@code target}, readable by all; returns the new classpath. */
    private static String copyClasspath(Path target) throws IOException {
        List<String> entries = new ArrayList<>();
        int n = 0;
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path source = Path.of(entry);
            if (!Files.exists(source)) {
                continue;
            }
            Path copy = target.resolve(n++ + "-" + source.getFileName());
            copyTree(source, copy);
            entries.add(copy.toString());
        }
        try (Stream<Path> all = Files.walk(target)) {
            for (Path p : all.toList()) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    private static void copyTree(Path source, Path target) throws IOException {
        try (Stream<Path> all = Files.walk(source)) {
            for (Path p : all.toList()) {
                Path to = target.resolve(source.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.createDirectories(to.getParent());
                    Files.copy(p, to);
                }
            }
        }
    }
}
