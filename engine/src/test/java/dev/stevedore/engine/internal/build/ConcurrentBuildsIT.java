package dev.stevedore.engine.internal.build;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerLogs;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.EngineSettings;
import dev.stevedore.engine.ImageReference;
import dev.stevedore.engine.LogLine;
import dev.stevedore.engine.LogOptions;
import dev.stevedore.engine.internal.store.Digest;
import dev.stevedore.engine.testbed.Testbed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The build cache shared by JVMs: two JVMs on one state directory build the same context at the same moment. Both
 * succeed with the same image, the slow RUN is made once (the other JVM waits for it and reuses it), and the store
 * holds no half-written layer: every blob is whole (its content hashes to its name) and no temporary file is left.
 */
class ConcurrentBuildsIT {
    @TempDir
    Path state;
    @TempDir
    Path context;

    @Test
    void twoJvmsBuildingTheSameContextAtOnceBothSucceedWithOneImage() throws Exception {
        Files.writeString(context.resolve("a.txt"), "shared\n");
        Files.writeString(context.resolve("Dockerfile"), "FROM " + Testbed.get().plainRegistry() + "/library/busybox:latest\n"
                + "COPY a.txt /\nRUN sleep 2 && cat /proc/sys/kernel/random/uuid > /stamp && dd if=/dev/urandom of=/blob bs=1M count=4\n");
        String tag = "local.test/concurrent-build:1";

        Process one = start(tag, "one");
        Process two = start(tag, "two");
        List<String> first = finish(one, "one");
        List<String> second = finish(two, "two");

        assertThat(first).last().asString().startsWith("id=sha256:");
        assertThat(second).last().isEqualTo(first.get(first.size() - 1));
        assertThat(Stream.of(first, second).filter(lines -> lines.contains("cached 3")).count())
                .as("exactly one JVM reused the RUN the other made: %s / %s", first, second).isEqualTo(1);
        assertWholeStore();
        try (ContainerEngine engine = ContainerEngine.embedded(EngineSettings.fromEnvironment().withStateDirectory(state))) {
            ImageReference image = ImageReference.parse(tag);
            assertThat("id=" + engine.image(image).orElseThrow().id()).isEqualTo(first.get(first.size() - 1));
            ContainerInfo c = engine.runContainer(ContainerSpec.builder(tag).entrypoint("sh", "-c", "cat /a.txt; wc -c < /blob")
                    .pullPolicy(ContainerSpec.PullPolicy.NEVER).build());
            assertThat(engine.waitContainer(c.id(), Duration.ofSeconds(30)).exitCode()).isZero();
            try (ContainerLogs logs = engine.logs(c.id(), LogOptions.all())) {
                assertThat(logs.lines().map(LogLine::text)).containsExactly("shared", "4194304");
            }
            engine.removeContainer(c.id(), true);
        }
    }

    private Process start(String tag, String name) throws IOException {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", classPath,
                BuildInAJvm.class.getName(), state.toString(), context.toString(), tag)
                .redirectErrorStream(true)
                .redirectOutput(state.getParent().resolve(state.getFileName() + "-" + name + ".out").toFile())
                .start();
    }

    private List<String> finish(Process process, String name) throws Exception {
        boolean ended = process.waitFor(180, TimeUnit.SECONDS);
        if (!ended) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        List<String> lines = Files.readAllLines(state.getParent().resolve(state.getFileName() + "-" + name + ".out"));
        assertThat(ended && process.exitValue() == 0).as("JVM %s ended well; it printed %s", name, lines).isTrue();
        return lines.stream().filter(l -> l.startsWith("id=") || l.startsWith("cached ")).toList();
    }

    /** Every blob hashes to its name, and no temporary file of a layer or an ingest is left behind. */
    private void assertWholeStore() throws IOException {
        List<Path> blobs;
        try (Stream<Path> files = Files.walk(state.resolve("content").resolve("blobs"))) {
            blobs = files.filter(Files::isRegularFile).toList();
        }
        List<String> broken = new ArrayList<>();
        for (Path blob : blobs) {
            MessageDigest sha = Digest.sha256();
            try (InputStream in = Files.newInputStream(blob)) {
                byte[] buffer = new byte[1 << 16];
                for (int n; (n = in.read(buffer)) > 0; ) {
                    sha.update(buffer, 0, n);
                }
            }
            if (!HexFormat.of().formatHex(sha.digest()).equals(blob.getFileName().toString())) {
                broken.add("damaged " + state.relativize(blob));
            }
        }
        assertThat(broken).isEmpty();
        assertThat(blobs).hasSizeGreaterThan(4);
        for (Path temporary : List.of(state.resolve("tmp"), state.resolve("content").resolve("ingest"))) {
            if (Files.isDirectory(temporary)) {
                try (Stream<Path> left = Files.list(temporary)) {
                    assertThat(left.map(p -> p.getFileName().toString())).as("temporary files left in %s", temporary).isEmpty();
                }
            }
        }
    }
}
