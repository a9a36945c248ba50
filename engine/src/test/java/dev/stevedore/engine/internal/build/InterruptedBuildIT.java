package dev.stevedore.engine.internal.build;

import dev.stevedore.engine.BuildException;
import dev.stevedore.engine.BuildSpec;
import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.EngineSettings;
import dev.stevedore.engine.ImageReference;
import dev.stevedore.engine.internal.image.ImageManifest;
import dev.stevedore.engine.internal.store.ContentStore;
import dev.stevedore.engine.internal.store.Digest;
import dev.stevedore.engine.internal.store.ImageIndex;
import dev.stevedore.engine.testbed.Testbed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A build whose JVM is killed ({@code kill -9}, in a JVM of its own) during a long RUN and during the COPY of a large
 * context, or interrupted as Ctrl-C interrupts {@code stevedore build} (SIGINT) during the RUN: it leaves no process and no mount; the store holds no damaged blob and no cache entry whose blobs are
 * missing; the next build succeeds, reuses exactly the steps that were complete, and leaves no temporary layer file
 * or ingest file behind (neither its own nor the dead JVM's). A build cancelled through the API (its thread
 * interrupted) ends at once and leaves neither its RUN's container nor a cache entry for the step.
 */
class InterruptedBuildIT {
    private static final long WAIT_MILLIS = 180_000;

    @TempDir
    Path state;
    @TempDir
    Path context;

    private final String marker = "interrupted-" + UUID.randomUUID().toString().substring(0, 8);

    /** {@code KILL}: the JVM dies at once; {@code INT}: Ctrl-C, as a user stops {@code stevedore build}. */
    @ParameterizedTest
    @ValueSource(strings = {"KILL", "INT"})
    void aBuildKilledDuringARunLeavesNothingHalfAndTheNextOneReusesTheCompleteSteps(String signal) throws Exception {
        Files.writeString(context.resolve("small.txt"), "small\n");
        writeRandom(context.resolve("big.bin"), 1 << 20);
        // the cache mount outlives the killed build: the first RUN sleeps, the second finds its note and does not
        Files.writeString(context.resolve("Dockerfile"), "FROM " + Testbed.get().plainRegistry() + "/library/busybox:latest\n"
                + "COPY small.txt /\nCOPY big.bin /\n"
                + "RUN --mount=type=cache,target=/gate,id=" + marker + " echo started-" + marker
                + " && if [ -e /gate/second ]; then :; else touch /gate/second && sleep 600; fi && date > /stamp\n");
        Path out = state.getParent().resolve(state.getFileName() + "-run-" + signal + ".out");
        Process build = start("local.test/interrupted-run:1", out);
        awaitOrFail(() -> lines(out).contains("event OUTPUT 4 started-" + marker), build, out, "the RUN started");
        assertThat(processesWith(marker)).as("the RUN's process runs before the kill").isNotEmpty();

        assertThat(new ProcessBuilder("kill", "-" + signal, Long.toString(build.pid())).start().waitFor()).isZero();
        assertThat(build.waitFor(60, TimeUnit.SECONDS)).as("the build's JVM ended on SIG%s", signal).isTrue();

        awaitOrFail(() -> processesWith(marker).isEmpty(), null, out, "the RUN's processes ended with the JVM");
        assertNoMountsOfTheState();
        assertEveryCacheEntryComplete();

        List<String> next = buildToTheEnd("local.test/interrupted-run:2", "run-again-" + signal);
        assertThat(next).contains("cached 2", "cached 3").doesNotContain("cached 4");
        assertNoTemporaryFiles();
    }

    @Test
    void aBuildKilledDuringTheCopyOfALargeContextLeavesNoHalfLayer() throws Exception {
        Files.writeString(context.resolve("small.txt"), "small\n");
        writeRandom(context.resolve("big.bin"), 192 << 20);
        Files.writeString(context.resolve("Dockerfile"), "FROM " + Testbed.get().plainRegistry() + "/library/busybox:latest\n"
                + "COPY small.txt /\nCOPY big.bin /\nRUN wc -c < /big.bin > /size\n");
        Path out = state.getParent().resolve(state.getFileName() + "-copy.out");
        Process build = start("local.test/interrupted-copy:1", out);
        // kill it while the layer of the large COPY is being written
        awaitOrFail(() -> largestTemporaryLayer() > 48L << 20, build, out, "the COPY of big.bin was under way");

        build.destroyForcibly();
        assertThat(build.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertNoMountsOfTheState();
        assertEveryCacheEntryComplete();

        List<String> next = buildToTheEnd("local.test/interrupted-copy:2", "copy-again");
        assertThat(next).contains("cached 2").doesNotContain("cached 3", "cached 4");
        assertEveryCacheEntryComplete();
        assertNoTemporaryFiles();
    }

    @Test
    void interruptingTheBuildingThreadCancelsTheBuildAndLeavesNoContainer() throws Exception {
        Files.writeString(context.resolve("Dockerfile"), "FROM " + Testbed.get().plainRegistry() + "/library/busybox:latest\n"
                + "RUN echo started-" + marker + " && sleep 600\n");
        List<String> output = new java.util.concurrent.CopyOnWriteArrayList<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        try (ContainerEngine engine = ContainerEngine.embedded(EngineSettings.fromEnvironment().withStateDirectory(state))) {
            Thread building = new Thread(() -> {
                try {
                    engine.build(BuildSpec.builder(context).tag("local.test/interrupted-api:1").build(),
                            event -> output.add(event.text()));
                } catch (Throwable t) {
                    failure.set(t);
                }
            }, "interrupted-build");
            building.start();
            awaitOrFail(() -> output.contains("started-" + marker), null, context, "the RUN started");
            building.interrupt();
            building.join(WAIT_MILLIS);

            assertThat(building.isAlive()).as("the build ended after the interrupt").isFalse();
            assertThat(failure.get()).isInstanceOf(BuildException.class).hasMessageContaining("interrupted");
            assertThat(engine.containers(true, Map.of(RunStep.LABEL, ""))).as("the RUN's container").isEmpty();
            assertThat(engine.image(ImageReference.parse("local.test/interrupted-api:1"))).isEmpty();
            awaitOrFail(() -> processesWith(marker).isEmpty(), null, context, "the RUN's processes ended");
        }
        assertNoMountsOfTheState();
        assertEveryCacheEntryComplete();
        assertNoTemporaryFiles();
    }

    // ---- the builds ---------------------------------------------------------------------------------

    private Process start(String tag, Path out) throws IOException {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", classPath,
                BuildInAJvm.class.getName(), state.toString(), context.toString(), tag)
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
    }

    private List<String> buildToTheEnd(String tag, String name) throws Exception {
        Path out = state.getParent().resolve(state.getFileName() + "-" + name + ".out");
        Process process = start(tag, out);
        boolean ended = process.waitFor(WAIT_MILLIS, TimeUnit.MILLISECONDS);
        if (!ended) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        List<String> lines = lines(out);
        assertThat(ended && process.exitValue() == 0).as("the next build ended well; it printed %s", lines).isTrue();
        assertThat(lines).anyMatch(l -> l.startsWith("id=sha256:"));
        return lines.stream().filter(l -> l.startsWith("cached ")).toList();
    }

    private static void awaitOrFail(BooleanSupplier condition, Process process, Path out, String what) throws Exception {
        long end = System.currentTimeMillis() + WAIT_MILLIS;
        while (!condition.getAsBoolean()) {
            if (process != null && !process.isAlive()) {
                throw new AssertionError("the build ended before " + what + "; it printed " + lines(out));
            }
            if (System.currentTimeMillis() > end) {
                if (process != null) {
                    process.destroyForcibly();
                }
                throw new AssertionError("waited " + WAIT_MILLIS / 1000 + " s for " + what + "; the build printed " + lines(out));
            }
            Thread.sleep(20);
        }
    }

    private static List<String> lines(Path out) {
        try {
            return Files.readAllLines(out);
        } catch (IOException e) {
            return List.of();
        }
    }

    private static void writeRandom(Path file, int size) throws IOException {
        byte[] chunk = new byte[1 << 20];
        Random random = new Random(size);
        try (OutputStream o = Files.newOutputStream(file)) {
            for (int written = 0; written < size; written += chunk.length) {
                random.nextBytes(chunk);
                o.write(chunk, 0, Math.min(chunk.length, size - written));
            }
        }
    }

    // ---- what must not be left -------------------------------------------------------------------------

    /** Processes whose command line holds {@code text} (the RUN's shell carries the test's marker). */
    private static List<Long> processesWith(String text) {
        List<Long> found = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path proc : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    String cmdline = new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8);
                    if (cmdline.contains(text)) {
                        found.add(Long.parseLong(proc.getFileName().toString()));
                    }
                } catch (IOException gone) {
                    // ended while we looked
                }
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return found;
    }

    private void assertNoMountsOfTheState() throws IOException {
        String where = state.toRealPath().toString();
        assertThat(Files.readAllLines(Path.of("/proc/self/mountinfo"))).as("mounts under %s", where)
                .noneMatch(line -> line.contains(where));
    }

    /** Every step result in the cache has its manifest, config and layers whole in the store. */
    private void assertEveryCacheEntryComplete() throws IOException {
        ContentStore store = new ContentStore(state.resolve("content"));
        List<String> broken = new ArrayList<>();
        for (Map.Entry<ImageReference, Digest> entry : new ImageIndex(state).all().entrySet()) {
            if (!ImageBuilder.isCacheReference(entry.getKey())) {
                continue;
            }
            if (!store.hasBlob(entry.getValue())) {
                broken.add(entry.getKey() + ": manifest missing");
                continue;
            }
            ImageManifest manifest = ImageManifest.parse(store.readBlob(entry.getValue()), null);
            List<Digest> blobs = new ArrayList<>();
            blobs.add(manifest.config().digest());
            manifest.layers().forEach(l -> blobs.add(l.digest()));
            for (Digest blob : blobs) {
                if (!store.hasBlob(blob)) {
                    broken.add(entry.getKey() + ": " + blob + " missing");
                } else if (!hashOf(store.blobPath(blob)).equals(blob.hex())) {
                    broken.add(entry.getKey() + ": " + blob + " damaged");
                }
            }
        }
        assertThat(broken).isEmpty();
    }

    private static String hashOf(Path file) throws IOException {
        java.security.MessageDigest sha = Digest.sha256();
        try (java.io.InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                sha.update(buffer, 0, n);
            }
        }
        return java.util.HexFormat.of().formatHex(sha.digest());
    }

    private long largestTemporaryLayer() {
        try (Stream<Path> files = Files.list(state.resolve("tmp"))) {
            return files.filter(f -> f.getFileName().toString().startsWith("layer-")).mapToLong(f -> f.toFile().length())
                    .max().orElse(0);
        } catch (IOException e) {
            return 0;
        }
    }

    private void assertNoTemporaryFiles() throws IOException {
        for (Path temporary : List.of(state.resolve("tmp"), state.resolve("content").resolve("ingest"))) {
            if (Files.isDirectory(temporary)) {
                try (Stream<Path> left = Files.list(temporary)) {
                    assertThat(left.map(p -> p.getFileName().toString())).as("temporary files left in %s", temporary).isEmpty();
                }
            }
        }
    }
}
