package dev.stevedore.engine.internal.embedded;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.EngineSettings;
import dev.stevedore.engine.Image;
import dev.stevedore.engine.internal.store.Digest;
import dev.stevedore.engine.testbed.Testbed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Several JVMs pulling the same image into one state directory end with one verified copy. */
class ConcurrentPullIT {

    @TempDir
    Path state;

    @Test
    void fourJvmsPullingTheSameImageDownloadEachBlobOnceAndAgree() throws Exception {
        Testbed testbed = Testbed.get();
        try (CountingProxy proxy = new CountingProxy(testbed.plainRegistry())) {
            String reference = proxy.address() + "/library/postgres:15";
            List<Process> children = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                children.add(new ProcessBuilder(javaExecutable(), "-cp", System.getProperty("java.class.path"),
                        PullMain.class.getName(), state.toString(), reference)
                        .redirectErrorStream(true).start());
            }
            List<String> outputs = new ArrayList<>();
            for (Process child : children) {
                assertThat(child.waitFor(5, TimeUnit.MINUTES)).as("child pull finished in 5 minutes").isTrue();
                String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(child.exitValue()).as("exit code of a child pull; its output:%n%s", output).isZero();
                outputs.add(output.lines().filter(l -> l.startsWith("pulled ")).findFirst().orElseThrow());
            }
            assertThat(outputs).as("every JVM saw the same image id").containsOnly(outputs.get(0));

            try (ContainerEngine engine = ContainerEngine.embedded(EngineSettings.fromEnvironment().withStateDirectory(state))) {
                Image image = engine.images().get(0);
                assertThat(engine.images()).hasSize(1);
                for (String layer : image.layers()) {
                    String hex = Digest.parse(layer).hex();
                    assertThat(proxy.count("GET /v2/library/postgres/blobs/" + layer))
                            .as("downloads of layer %s across four JVMs", layer).isEqualTo(1);
                    assertThat(sha256(state.resolve("content/blobs/sha256").resolve(hex))).isEqualTo(hex);
                }
            }
            try (Stream<Path> ingest = Files.list(state.resolve("content/ingest"))) {
                assertThat(ingest).as("temporary downloads left behind").isEmpty();
            }
        }
    }

    private static String sha256(Path file) throws IOException {
        MessageDigest sha = Digest.sha256();
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), sha)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
