package dev.stevedore.cli;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged {@code stevedore} command as an ordinary user runs it — the first thing a new user on a Linux machine
 * without Docker tries: the test bed's ordinary user (with a subordinate id range, no root, no Docker) runs the
 * launcher through {@code setpriv} with a state directory of its own. The engine it chooses is the rootless embedded
 * one; a container runs (with log driver {@code none} too, its output shown), publishes a port on the host's loopback that this (root) JVM reaches, a directory private to
 * another user of the container is copied out, and an image is built whose RUN step made such a directory, then run.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RootlessCliIT {
    private static final long TIMEOUT_SECONDS = 180;

    private String user;
    private String busybox;
    private Path root;
    private Path home;
    private Path launcher;
    private final List<String> containers = new ArrayList<>();

    @BeforeAll
    void installForTheUser() throws IOException, InterruptedException {
        LocalTestbed testbed = LocalTestbed.load();
        user = testbed.get("ROOTLESS_USER");
        busybox = testbed.get("PLAIN_REGISTRY") + "/library/busybox:latest";
        // the build's files may lie where the user cannot reach (a checkout under /root): the command is installed
        // where it can, as a user's own copy would be
        root = Files.createTempDirectory(Path.of("/tmp"), "stevedore-rootless-cli-");
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path jar = Path.of(System.getProperty("stevedore.jar", "target/stevedore.jar")).toAbsolutePath();
        Path bin = Files.createDirectories(root.resolve("bin"));
        Files.copy(jar, bin.resolve("stevedore.jar"), StandardCopyOption.COPY_ATTRIBUTES);
        Files.copy(jar.resolveSibling("stevedore"), bin.resolve("stevedore"), StandardCopyOption.COPY_ATTRIBUTES);
        for (Path file : List.of(bin, bin.resolve("stevedore.jar"), bin.resolve("stevedore"))) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        launcher = bin.resolve("stevedore");
        home = Files.createDirectories(root.resolve("home"));
        Process chown = new ProcessBuilder("chown", "-R", user, home.toString()).inheritIO().start();
        assertThat(chown.waitFor()).as("chown of the user's state directory").isZero();
    }

    @AfterAll
    void removeWhatTheUserMade() throws IOException, InterruptedException {
        try {
            for (String container : containers) {
                stevedore("rm", "-f", container);
            }
            stevedore("system", "prune", "-af");
        } finally {
            // as root: the state directory holds files of the user's subordinate ids
            try (Stream<Path> walk = Files.walk(root)) {
                for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(path);
                }
            }
        }
    }

    @Test
    void anOrdinaryUserRunsPublishesCopiesAndBuildsWithTheRootlessEngine() throws Exception {
        CliRunner.Result info = stevedore("info");
        assertThat(info.exitCode()).as(info.toString()).isZero();
        assertThat(info.out()).contains("Name:             embedded").containsPattern("rootless as uid [1-9][0-9]*")
                .contains("  Rootless:         true");

        CliRunner.Result hello = stevedore("run", "--rm", busybox, "echo", "hello from an ordinary user");
        assertThat(hello.exitCode()).as(hello.toString()).isZero();
        assertThat(hello.outLines()).containsExactly("hello from an ordinary user");
        // log driver none keeps no logs, but its attach-only files (written in the user's namespace) show the output
        CliRunner.Result none = stevedore("run", "--rm", "--log-driver", "none", busybox, "sh", "-c", "echo shown; echo too >&2");
        assertThat(none.exitCode()).as(none.toString()).isZero();
        assertThat(none.outLines()).containsExactly("shown");
        assertThat(none.err()).endsWith("too\n");

        int port = freeLoopbackPort();
        String name = "rootless-cli-" + ProcessHandle.current().pid();
        CliRunner.Result web = stevedore("run", "-d", "--name", name, "-p", "127.0.0.1:" + port + ":8080", busybox, "sh", "-c",
                "mkdir -p /www && echo served > /www/index.html && mkdir /priv && echo private > /priv/f"
                        + " && chown -R 1000:1000 /priv && chmod 700 /priv && exec httpd -f -p 8080 -h /www");
        assertThat(web.exitCode()).as(web.toString()).isZero();
        containers.add(name);
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> httpGet(port).equals("served\n"));

        CliRunner.Result copied = stevedore("cp", name + ":/priv/f", "-");
        assertThat(copied.exitCode()).as("a directory private to the container's uid 1000: " + copied).isZero();
        assertThat(copied.out()).contains("private\n");
        CliRunner.Result diff = stevedore("diff", name);
        assertThat(diff.outLines()).as(diff.toString()).contains("A /priv", "A /priv/f");

        Path context = Files.createDirectories(home.resolve("context"));
        Files.writeString(context.resolve("Dockerfile"), "FROM " + busybox + "\n"
                + "RUN echo root > /by-root && mkdir /priv && echo s > /priv/f && chown -R 1000:1001 /priv && chmod 700 /priv\n"
                + "CMD [\"sh\", \"-c\", \"stat -c '%u:%g %a %n' /by-root /priv /priv/f\"]\n");
        new ProcessBuilder("chown", "-R", user, context.toString()).start().waitFor();
        CliRunner.Result build = stevedore("build", "-t", "rootless-cli-built:1", context.toString());
        assertThat(build.exitCode()).as(build.toString()).isZero();
        CliRunner.Result built = stevedore("run", "--rm", "rootless-cli-built:1");
        assertThat(built.outLines()).as("owners are the container's, not the host's subordinate ids: " + built)
                .containsExactly("0:0 644 /by-root", "1000:1001 700 /priv", "1000:1001 644 /priv/f");
    }

    @Test
    void anOrdinaryUserTrustsARegistrysCertificateFromTheirOwnConfigDirectory() throws Exception {
        LocalTestbed testbed = LocalTestbed.load();
        String registry = testbed.get("TLS_REGISTRY");
        String image = registry + "/library/busybox:latest";
        // where rootless dockerd reads it: an ordinary user cannot write /etc/docker/certs.d
        Path ca = home.resolve("config").resolve("docker").resolve("certs.d").resolve(registry).resolve("ca.crt");

        CliRunner.Result untrusted = stevedore("login", "-u", testbed.get("TLS_USER"), "-p", testbed.get("TLS_PASSWORD"), registry);
        assertThat(untrusted.exitCode()).as(untrusted.toString()).isNotZero();
        assertThat(untrusted.err()).as("says where the CA goes").contains("not trusted").contains(ca.toString());

        Files.createDirectories(ca.getParent());
        Files.copy(Path.of(testbed.get("CA_CERT")), ca);
        new ProcessBuilder("chown", "-R", user, home.resolve("config").toString()).start().waitFor();
        CliRunner.Result login = stevedore("login", "-u", testbed.get("TLS_USER"), "-p", testbed.get("TLS_PASSWORD"), registry);
        assertThat(login.exitCode()).as(login.toString()).isZero();
        assertThat(login.out()).contains("Login Succeeded");
        CliRunner.Result pull = stevedore("pull", "-q", image);
        assertThat(pull.exitCode()).as(pull.toString()).isZero();
        CliRunner.Result run = stevedore("run", "--rm", image, "echo", "pulled over TLS");
        assertThat(run.outLines()).as(run.toString()).containsExactly("pulled over TLS");
        assertThat(stevedore("logout", registry).exitCode()).isZero();
        assertThat(stevedore("rmi", image).exitCode()).isZero();
    }

    /** {@code stevedore ARGS} as the ordinary user, with its own state directory and class-data cache. */
    private CliRunner.Result stevedore(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("setpriv", "--reuid=" + user, "--regid=" + group(), "--init-groups",
                "--reset-env", "env", "STEVEDORE_HOME=" + home.resolve("state"), "XDG_CACHE_HOME=" + home.resolve("cache"),
                "XDG_CONFIG_HOME=" + home.resolve("config"), "DOCKER_CONFIG=" + home.resolve("docker"),
                "JAVA_HOME=" + System.getProperty("java.home"), launcher.toString()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(root, "stdout", ".txt");
        Path err = Files.createTempFile(root, "stderr", ".txt");
        Process process = new ProcessBuilder(command).directory(root.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError("stevedore " + String.join(" ", args) + " as " + user + " did not finish within "
                        + TIMEOUT_SECONDS + " s:\n" + Files.readString(out) + Files.readString(err));
            }
            return new CliRunner.Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private String group() throws IOException, InterruptedException {
        Process id = new ProcessBuilder("id", "-g", user).start();
        String gid = new String(id.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
        assertThat(id.waitFor()).as("id -g " + user).isZero();
        return gid;
    }

    private static int freeLoopbackPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static String httpGet(int port) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) new URL("http://127.0.0.1:" + port + "/").openConnection();
        connection.setConnectTimeout(5000);
        connection.setReadTimeout(5000);
        try (InputStream in = connection.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } finally {
            connection.disconnect();
        }
    }
}
