package dev.stevedore.engine.internal.embedded;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.EngineSettings;
import dev.stevedore.engine.internal.os.FileTrees;
import dev.stevedore.engine.testbed.Testbed;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An engine open sweeps the in-memory roots of deleted state directories ({@link MemoryRootSweep}), with what dead
 * JVMs' containers left in them, and keeps those of state directories that exist or that a live JVM holds. The roots
 * are made by child JVMs, as tests and CLI commands make them, and the sweep runs on every open here.
 */
class MemoryRootSweepIT {
    @TempDir
    Path temp;

    private final String busybox = Testbed.get().plainRegistry() + "/library/busybox:latest";
    private String interval;

    @BeforeEach
    void sweepOnEveryOpen() {
        interval = System.getProperty(MemoryRootSweep.INTERVAL_PROPERTY);
        System.setProperty(MemoryRootSweep.INTERVAL_PROPERTY, "0");
    }

    @AfterEach
    void restoreInterval() {
        if (interval == null) {
            System.clearProperty(MemoryRootSweep.INTERVAL_PROPERTY);
        } else {
            System.setProperty(MemoryRootSweep.INTERVAL_PROPERTY, interval);
        }
    }

    @Test
    void theRootOfADeletedStateDirectoryGoesWithTheNextOpenOfAnotherOne() throws Exception {
        Path state = Files.createDirectory(temp.resolve("deleted"));
        List<String> output = runToEnd(state, busybox);
        Path root = rootIn(output);
        String container = output.stream().filter(l -> l.startsWith("ended 0 ")).findFirst().orElseThrow().substring(8);
        assertThat(root.resolve("containers").resolve(container)).as("the dead JVM's container, left in memory").isDirectory();

        FileTrees.deleteRecursively(state);
        open(temp.resolve("other")).close();

        assertThat(root).doesNotExist();
    }

    @Test
    void theRootOfAStateDirectoryThatExistsIsKept() throws Exception {
        Path state = Files.createDirectory(temp.resolve("kept"));
        List<String> output = runToEnd(state, busybox);
        Path root = rootIn(output);

        open(temp.resolve("other")).close();

        assertThat(root.resolve("containers")).as("the dead JVM's containers, for the next open of their state directory")
                .isDirectory();
        try (ContainerEngine engine = open(state)) {
            engine.containers(true, java.util.Map.of()).forEach(c -> engine.removeContainer(c.id(), true));
        }
        assertThat(root).as("emptied by the removal, removed by the close").doesNotExist();
    }

    @Test
    void theRootOfADeletedStateDirectoryIsKeptWhileAnotherJvmHoldsIt() throws Exception {
        Path state = Files.createDirectory(temp.resolve("held"));
        Process holder = child(state).start();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8))) {
            List<String> output = new ArrayList<>();
            for (String line = lines.readLine(); line != null && !line.equals("holding"); line = lines.readLine()) {
                output.add(line);
            }
            Path root = rootIn(output);
            FileTrees.deleteRecursively(state);

            open(temp.resolve("other")).close();
            assertThat(root).as("held by a live JVM").isDirectory();

            holder.getOutputStream().close();
            assertThat(holder.waitFor(1, TimeUnit.MINUTES)).isTrue();
            open(temp.resolve("other")).close();
            assertThat(root).as("released when that JVM ended").doesNotExist();
        } finally {
            holder.destroyForcibly().waitFor();
        }
    }

    private List<String> runToEnd(Path state, String image) throws IOException, InterruptedException {
        Process child = child(state, image).redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(child.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(child.exitValue()).as("the child's exit; its output:%n%s", output).isZero();
        return output.lines().toList();
    }

    private static Path rootIn(List<String> output) {
        return Path.of(output.stream().filter(l -> l.startsWith("root ")).findFirst().orElseThrow().substring(5));
    }

    private static ProcessBuilder child(Path state, String... image) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), MemoryRootMain.class.getName(), state.toString()));
        command.addAll(List.of(image));
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
    }

    private static ContainerEngine open(Path state) {
        return ContainerEngine.embedded(EngineSettings.fromEnvironment().withStateDirectory(state));
    }
}
