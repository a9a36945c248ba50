package dev.stevedore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Ctrl-C on an attached {@code run --rm}, through the JVM's real shutdown hooks, in a child JVM. */
class InterruptedRunTest {

    @Test
    @Timeout(60)
    void sigintStopsAndRemovesTheContainerBeforeTheJvmExits() throws Exception {
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), InterruptedRunChild.class.getName())
                .redirectErrorStream(true).start();
        List<String> lines = new ArrayList<>();
        try (BufferedReader output = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line = output.readLine();
            while (line != null && !line.equals("running")) {
                lines.add(line);
                line = output.readLine();
            }
            assertThat(line).as("the child started its container; it said: %s", lines).isEqualTo("running");

            Process kill = new ProcessBuilder("kill", "-INT", String.valueOf(child.pid())).inheritIO().start();
            assertThat(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0).as("kill -INT").isTrue();

            for (line = output.readLine(); line != null; line = output.readLine()) {
                lines.add(line);
            }
        } finally {
            child.destroyForcibly();
        }
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(lines).as("output after the interrupt").containsSubsequence("stopped sleeper", "removed sleeper");
        assertThat(lines).filteredOn(line -> line.startsWith("removed")).as("removed once").hasSize(1);
        assertThat(child.exitValue()).as("the JVM's exit code for SIGINT").isEqualTo(130);
    }
}
