package dev.stevedore.apitest.contract;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.LogConfig;
import dev.stevedore.engine.LogLine;
import dev.stevedore.engine.LogOptions;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link AttachContract} on the Docker backend, against the test bed's dockerd; and why the attach is dockerd's attach
 * stream, not its logs: the json-file driver gives bytes that are not UTF-8 back as U+FFFD, while the attach has the
 * bytes as written ({@code none}, which keeps nothing, is in the contract).
 */
class DockerAttachContractIT extends AttachContract {
    @Override
    protected ContainerEngine openEngine() {
        return TestbedDocker.open();
    }

    @Override
    protected void afterEngineClosed(ContainerEngine closed) {
        TestbedDocker.assertNothingLeft(closed);
    }

    @Test
    void theAttachHasTheBytesDockerdsJsonFileLogReencodes() throws Exception {
        ContainerInfo container = engine.createContainer(busybox(SCRIPT).logConfig(new LogConfig("json-file", Map.of())).build());

        List<LogLine> attached = startedAttached(container);

        assertThat(bytes(attached, LogLine.Stream.STDOUT)).isEqualTo(STDOUT);
        byte[] logged = bytes(logLines(container.id(), LogOptions.all()), LogLine.Stream.STDOUT);
        assertThat(new String(logged, StandardCharsets.UTF_8)).as("what dockerd's json-file log gives back").contains("\uFFFD");
    }
}
