package dev.stevedore.dsl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stevedore.dsl.fake.FakeEngines;
import dev.stevedore.engine.ContainerEngineException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnginesTest {

    @Test
    void builtInEnginesAreLeftToTheEnginesOwnSelection() {
        assertThat(Engines.supplierClass(Map.<String, String>of()::get)).isNull();
        assertThat(Engines.supplierClass(Map.of("STEVEDORE_ENGINE", " Docker ")::get)).isNull();
        assertThat(Engines.supplierClass(Map.of("STEVEDORE_ENGINE", "embedded")::get)).isNull();
        assertThat(Engines.supplierClass(Map.of("STEVEDORE_ENGINE", "podman")::get)).as("the engine's selection refuses it").isNull();
    }

    @Test
    void aClassNameSuppliesTheEngine() {
        Map<String, String> env = Map.of("STEVEDORE_ENGINE", FakeEngines.class.getName());
        assertThat(Engines.supplierClass(env::get)).isEqualTo(FakeEngines.class.getName());
        assertThat(Engines.open(env::get)).isSameAs(FakeEngines.ENGINE);
    }

    @Test
    void aMissingSupplierClassIsNamed() {
        Map<String, String> env = Map.of("STEVEDORE_ENGINE", "com.example.NoSuchSupplier");
        assertThatThrownBy(() -> Engines.open(env::get))
                .isInstanceOf(ContainerEngineException.class)
                .hasMessageStartingWith("no class com.example.NoSuchSupplier with a public no-argument constructor");
    }
}
