package dev.stevedore.cli;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code stevedore build} reading from standard input as {@code docker build} does: {@code -} for a context tar (plain or
 * gzip) or a Dockerfile alone, {@code -f -} for the Dockerfile with a context directory, and {@code --iidfile}. The tar
 * case is compared with the docker CLI's build of the same tar on the test bed's dockerd: the images print the same;
 * so are {@code --network none} and {@code --add-host}, which the RUN steps of a Dockerfile piped in see as dockerd's do.
 */
class BuildFromStdinIT {
    private static String host;
    private static String busybox;

    @TempDir
    Path home;
    @TempDir
    Path scratch;

    @BeforeAll
    static void findTestbed() {
        LocalTestbed testbed = LocalTestbed.load();
        host = "unix://" + testbed.get("DOCKER_SOCKET");
        busybox = testbed.get("PLAIN_REGISTRY") + "/library/busybox:latest";
    }

    @Test
    void aContextTarOnStdinBuildsAsDockersDoes() throws Exception {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("Dockerfile", "FROM " + busybox + "\nCOPY app/ /app/\nCMD [\"cat\", \"/app/greeting.txt\"]\n");
        files.put("./app/greeting.txt", "hello from a piped context\n");
        Path plain = tar(files, false);
        Path gzipped = tar(files, true);

        CliRunner.Result built = stevedore(plain, "build", "-q", "--iidfile", scratch.resolve("iid").toString(), "-t", "piped:1", "-");
        assertThat(built.exitCode()).as(built.toString()).isZero();
        assertThat(Files.readString(scratch.resolve("iid"))).isEqualTo(built.out().strip()).startsWith("sha256:");
        assertThat(stevedore(null, "run", "--rm", "piped:1").out()).isEqualTo("hello from a piped context\n");
        assertThat(stevedore(gzipped, "build", "-q", "-t", "piped:2", "-").exitCode()).isZero();
        assertThat(stevedore(null, "run", "--rm", "piped:2").out()).isEqualTo("hello from a piped context\n");

        String tag = "127.0.0.1/build-stdin-" + ProcessHandle.current().pid() + ":1";
        try {
            assertThat(docker(plain, "build", "-q", "-t", tag, "-").exitCode()).isZero();
            assertThat(docker(null, "run", "--rm", tag).out()).as("dockerd's build of the same tar")
                    .isEqualTo("hello from a piped context\n");
        } finally {
            docker(null, "rmi", "-f", tag);
        }
    }

    @Test
    void aDockerfileOnStdinBuildsWithOrWithoutAContext() throws Exception {
        Path dockerfile = Files.writeString(scratch.resolve("Dockerfile.piped"),
                "FROM " + busybox + "\nRUN echo built from stdin > /made\nCMD [\"cat\", \"/made\"]\n");
        assertThat(stevedore(dockerfile, "build", "-q", "-t", "nocontext:1", "-").exitCode()).isZero();
        assertThat(stevedore(null, "run", "--rm", "nocontext:1").out()).isEqualTo("built from stdin\n");

        Path context = Files.createDirectories(scratch.resolve("context"));
        Files.writeString(context.resolve("data.txt"), "from the directory\n");
        Path withCopy = Files.writeString(scratch.resolve("Dockerfile.copy"),
                "FROM " + busybox + "\nCOPY data.txt /\nCMD [\"cat\", \"/data.txt\"]\n");
        CliRunner.Result built = stevedore(withCopy, "build", "-q", "-f", "-", "-t", "withcontext:1", context.toString());
        assertThat(built.exitCode()).as(built.toString()).isZero();
        assertThat(stevedore(null, "run", "--rm", "withcontext:1").out()).isEqualTo("from the directory\n");

        CliRunner.Result both = stevedore(withCopy, "build", "-f", "-", "-");
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.err()).contains("cannot both come from standard input");
    }

    @Test
    void theRunStepsHaveTheBuildsNetworkAndExtraHostsAsOnDockerd() throws Exception {
        Path dockerfile = Files.writeString(scratch.resolve("Dockerfile.net"), "FROM " + busybox + "\nRUN sed 1,2d"
                + " /proc/net/dev | cut -d: -f1 | tr -d ' ' > /seen && grep -w db /etc/hosts | tr -s ' \\t' ' ' >> /seen\n"
                + "CMD [\"cat\", \"/seen\"]\n");
        String tag = "127.0.0.1/build-net-" + ProcessHandle.current().pid() + ":1";
        String[] build = {"build", "-q", "--network", "none", "--add-host", "db:10.1.2.3", "-t", tag, "-"};

        CliRunner.Result built = stevedore(dockerfile, build);
        assertThat(built.exitCode()).as(built.toString()).isZero();
        String ours = stevedore(null, "run", "--rm", tag).out();
        String dockerds;
        try {
            assertThat(docker(dockerfile, build).exitCode()).isZero();
            dockerds = docker(null, "run", "--rm", tag).out();
        } finally {
            docker(null, "rmi", "-f", tag);
        }
        assertThat(dockerds).as("dockerd's").isEqualTo("lo\n10.1.2.3 db\n");
        assertThat(ours).isEqualTo(dockerds);

        CliRunner.Result refused = stevedore(dockerfile, "build", "--network", "bridge", "-");
        assertThat(refused.exitCode()).isEqualTo(2);
        assertThat(refused.err()).contains("--network bridge is not supported for a build", "default, none, host");
    }

    @Test
    void aMemberThatClimbsOutOfTheContextIsRefusedAndWritesNothing() throws Exception {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("Dockerfile", "FROM " + busybox + "\n");
        files.put("../escaped.txt", "out\n");
        CliRunner.Result refused = stevedore(tar(files, false), "build", "-t", "evil:1", "-");
        assertThat(refused.exitCode()).isNotZero();
        assertThat(refused.err()).contains("../escaped.txt lies outside the context");
        assertThat(stevedore(null, "images", "-q", "evil").out()).isEmpty();
        try (var left = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            assertThat(left.map(p -> p.getFileName().toString()).filter(n -> n.equals("escaped.txt"))).isEmpty();
        }
    }

    private Path tar(Map<String, String> files, boolean gzip) throws IOException {
        Path archive = Files.createTempFile(scratch, "context", gzip ? ".tar.gz" : ".tar");
        try (OutputStream file = Files.newOutputStream(archive);
             OutputStream out = gzip ? new GzipCompressorOutputStream(file) : file;
             TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            for (Map.Entry<String, String> entry : files.entrySet()) {
                byte[] body = entry.getValue().getBytes(StandardCharsets.UTF_8);
                TarArchiveEntry member = new TarArchiveEntry(entry.getKey(), true);
                member.setSize(body.length);
                member.setMode(0100644);
                tar.putArchiveEntry(member);
                tar.write(body);
                tar.closeArchiveEntry();
            }
        }
        return archive;
    }

    private CliRunner.Result stevedore(Path stdin, String... args) throws IOException, InterruptedException {
        return new PackagedCli(home, scratch).run(Map.of(), stdin == null ? new java.io.File("/dev/null") : stdin.toFile(), args);
    }

    private CliRunner.Result docker(Path stdin, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("docker", "--config", scratch.resolve("docker-config").toString(), "-H", host));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectInput(stdin == null ? ProcessBuilder.Redirect.from(new java.io.File("/dev/null")) : ProcessBuilder.Redirect.from(stdin.toFile()))
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().put("DOCKER_BUILDKIT", "0"); // dockerd 20.10's classic builder, as stevedore's
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new CliRunner.Result(process.exitValue(), out, "");
    }
}
