package dev.stevedore.dsl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stevedore.dsl.fake.FakeEngines;
import dev.stevedore.engine.ContainerEngineException;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnginesTest {

    @Test
    void theEmbeddedEngineIsTheDefault() {
        assertThat(Engines.choice(Map.<String, String>of()::get)).isEqualTo("embedded");
        assertThat(Engines.describeChoice(Map.<String, String>of()::get)).isEqualTo("the embedded engine (the default)");
    }

    @Test
    void theChoiceIsCaseInsensitiveAndSaysWhereItCameFrom() {
        Map<String, String> env = new HashMap<>(Map.of("STEVEDORE_ENGINE", " Docker ", "DOCKER_HOST", "unix:///run/d.sock"));
        assertThat(Engines.choice(env::get)).isEqualTo("docker");
        assertThat(Engines.describeChoice(env::get))
                .isEqualTo("a Docker daemon (STEVEDORE_ENGINE=Docker, DOCKER_HOST=unix:///run/d.sock)");
    }

    @Test
    void aClassNameSuppliesTheEngine() {
        Map<String, String> env = Map.of("STEVEDORE_ENGINE", FakeEngines.class.getName());
        assertThat(Engines.open(env::get)).isSameAs(FakeEngines.ENGINE);
    }

    @Test
    void anUnknownChoiceSaysWhatIsAccepted() {
        Map<String, String> env = Map.of("STEVEDORE_ENGINE", "podman");
        assertThatThrownBy(() -> Engines.open(env::get))
                .isInstanceOf(ContainerEngineException.class)
                .hasMessageStartingWith("STEVEDORE_ENGINE=podman is neither embedded nor docker");
    }
}
