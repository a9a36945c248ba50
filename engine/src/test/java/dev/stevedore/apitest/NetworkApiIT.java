package dev.stevedore.apitest;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.EngineSettings;
import dev.stevedore.engine.NetworkInfo;
import dev.stevedore.engine.NetworkSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Networks through the public API of the embedded engine, as a user would manage them. Needs root. */
class NetworkApiIT {
    @TempDir
    Path state;

    @AfterEach
    void removeNetworksLeftByAFailure() {
        // The temporary state directory goes after the test; a network left in it would leave its bridge.
        try (ContainerEngine engine = engine()) {
            engine.networks().stream().map(NetworkInfo::name).filter(n -> !List.of("bridge", "host", "none").contains(n))
                    .forEach(engine::removeNetwork);
        }
    }

    private ContainerEngine engine() {
        return ContainerEngine.embedded(EngineSettings.from(name -> null).withStateDirectory(state));
    }

    @Test
    void createInspectListAndRemoveANetwork() {
        try (ContainerEngine engine = engine()) {
            NetworkInfo created = engine.createNetwork(new NetworkSpec("shop", null, Map.of("team", "orders"), false));
            assertThat(created.name()).isEqualTo("shop");
            assertThat(created.driver()).isEqualTo("bridge");
            assertThat(created.id()).hasSize(64);
            assertThat(created.subnet()).matches("\\d+\\.\\d+\\.\\d+\\.0/24");
            assertThat(created.gateway()).isEqualTo(created.subnet().replace(".0/24", ".1"));
            assertThat(created.labels()).containsEntry("team", "orders");
            assertThat(created.containers()).isEmpty();
            Path bridge = Path.of("/sys/class/net/stvd-" + created.id().substring(0, 10));
            assertThat(bridge).exists();

            assertThat(engine.inspectNetwork("shop")).isEqualTo(created);
            assertThat(engine.inspectNetwork(created.id().substring(0, 12))).isEqualTo(created);
            assertThat(engine.networks()).extracting(NetworkInfo::name).containsExactly("bridge", "host", "none", "shop");

            engine.removeNetwork("shop");
            assertThat(bridge).doesNotExist();
            assertThatThrownBy(() -> engine.inspectNetwork("shop"))
                    .isInstanceOf(ContainerEngineException.class).hasMessageContaining("no such network: shop");
        }
    }

    @Test
    void namesAndSubnetsAreNotSharedAndPredefinedNetworksStay() {
        try (ContainerEngine engine = engine()) {
            NetworkInfo first = engine.createNetwork(NetworkSpec.named("first"));
            try {
                assertThatThrownBy(() -> engine.createNetwork(NetworkSpec.named("first")))
                        .isInstanceOf(ContainerEngineException.class).hasMessageContaining("exists");
                assertThatThrownBy(() -> engine.createNetwork(new NetworkSpec("second", first.subnet(), Map.of(), false)))
                        .isInstanceOf(ContainerEngineException.class).hasMessageContaining("overlaps network \"first\"");
                NetworkInfo second = engine.createNetwork(NetworkSpec.named("second"));
                assertThat(second.subnet()).isNotEqualTo(first.subnet());
                engine.removeNetwork(second.id());
                for (String predefined : new String[] {"bridge", "host", "none"}) {
                    assertThatThrownBy(() -> engine.removeNetwork(predefined))
                            .isInstanceOf(ContainerEngineException.class).hasMessageContaining("it is predefined");
                }
            } finally {
                engine.removeNetwork("first");
            }
        }
        try (var files = Files.list(state.resolve("networks"))) {
            assertThat(files.filter(f -> f.toString().endsWith(".json")).map(NetworkApiIT::read))
                    .as("records of removed networks").noneMatch(json -> json.contains("\"first\"") || json.contains("\"second\""));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
