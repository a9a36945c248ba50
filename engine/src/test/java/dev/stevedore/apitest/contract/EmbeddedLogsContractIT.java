package dev.stevedore.apitest.contract;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.LogConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link LogsContract} on the embedded engine, with a state directory of its own. */
class EmbeddedLogsContractIT extends LogsContract {
    @TempDir
    static Path state;

    @Override
    protected ContainerEngine openEngine() {
        return EmbeddedEngines.open(state);
    }

    @Test
    void rotationKeepsAtMostMaxFileFilesPerStreamEachNearMaxSize() throws IOException {
        // kept, so that its directory is on disk under the state directory
        ContainerInfo container = started(busybox("i=0; while [ $i -lt 300 ]; do echo \"line$i ........\"; "
                + "echo \"err$i\" >&2; i=$((i+1)); done")
                .label(ContainerSpec.KEEP_LABEL, "true")
                .logConfig(new LogConfig("json-file", Map.of("max-size", "2k", "max-file", "3"))));
        exited(container.id());

        Path dir = state.resolve("containers").resolve(container.id());
        try (Stream<Path> files = Files.list(dir)) {
            List<String> logs = files.map(file -> file.getFileName().toString()).filter(name -> name.contains(".log"))
                    .filter(name -> !name.startsWith("launcher")).sorted().toList();
            assertThat(logs).containsExactly("stderr.log", "stderr.log.1", "stderr.log.2",
                    "stdout.log", "stdout.log.1", "stdout.log.2");
            for (String name : logs) {
                // a file passes max-size by at most one record (a line of 40 bytes with its header)
                assertThat(Files.size(dir.resolve(name))).as(name).isLessThan(2048 + 128);
            }
        }
        assertThat(logTexts(container.id())).filteredOn(line -> line.startsWith("err")).last().isEqualTo("err299");
        engine.removeContainer(container.id(), true); // a kept container outlives the engine otherwise
    }

    @Test
    void aFollowerAcrossRotationsSeesNoLineTwice() {
        List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        ContainerInfo container = started(busybox("sleep 1; i=0; while [ $i -lt 300 ]; do echo \"line$i\"; "
                + "i=$((i+1)); done").logConfig(new LogConfig("local", Map.of("max-size", "1k", "max-file", "3"))));
        try (var logs = engine.logs(container.id(), dev.stevedore.engine.LogOptions.all().following())) {
            logs.lines().forEach(line -> seen.add(line.text()));
        }
        assertThat(seen).doesNotHaveDuplicates().last().isEqualTo("line299");
    }

    @Test
    void optionsTheEmbeddedEngineCannotHonourAreRefusedByName() {
        assertThatThrownBy(() -> engine.createContainer(busybox("true")
                .logConfig(new LogConfig("json-file", Map.of("max-size", "1m", "max-file", "2", "compress", "true"))).build()))
                .hasMessageContaining("compress");
        assertThatThrownBy(() -> engine.createContainer(busybox("true")
                .logConfig(new LogConfig("json-file", Map.of("labels", "a"))).build())).hasMessageContaining("labels");
        assertThatThrownBy(() -> engine.createContainer(busybox("true")
                .logConfig(new LogConfig("local", Map.of("foo", "bar"))).build()))
                .hasMessageContaining("unknown log opt 'foo' for log driver local");
        assertThatThrownBy(() -> engine.createContainer(busybox("true")
                .logConfig(new LogConfig("json-file", Map.of("max-size", "abc"))).build()))
                .hasMessageContaining("invalid size: 'abc'");
        assertThatThrownBy(() -> engine.createContainer(busybox("true")
                .logConfig(new LogConfig("json-file", Map.of("max-size", "1m", "max-file", "0"))).build()))
                .hasMessageContaining("max-file cannot be less than 1");
    }
}
