package dev.stevedore.engine.internal.embedded;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerNotFoundException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** What the tests of kept containers with no JVM left share: the child JVM that runs one and ends, and the clean-up. */
final class KeptChildren {
    private KeptChildren() {
    }

    /**
     * Runs {@code main} (a test class's {@code main}, as {@code stevedore run -d} would run the container) in a child JVM
     * on this JVM's class path, waits for it to end with 0, and returns what it printed.
     */
    static String runChildJvm(Class<?> main, String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(), "-cp",
                System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(arguments));
        Process child = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String report = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(child.waitFor()).as("the child JVM's exit (%s)", report).isZero();
        assertThat(report).startsWith("kept ");
        return report;
    }

    /** Removes the test's container (if any and not removed by the test), waits for {@code leftovers} to end, closes. */
    static void removeAndClose(ContainerEngine engine, String id, Runnable leftovers) {
        try {
            if (id != null) {
                engine.removeContainer(id, true);
                leftovers.run();
            }
        } catch (ContainerNotFoundException e) {
            // the test removed it
        } finally {
            engine.close();
        }
    }

    /** Fails unless this JVM runs as an ordinary user (the engine's rootless Failsafe execution). */
    static void assertOrdinaryUser() throws IOException {
        String uid = Files.readAllLines(Path.of("/proc/self/status")).stream().filter(line -> line.startsWith("Uid:"))
                .findFirst().orElseThrow().substring(4).strip().split("\\s+")[1];
        assertThat(uid).as("run through the engine's rootless Failsafe execution (src/test/rootless/bin/java)")
                .isNotEqualTo("0");
    }
}
