package dev.stevedore.dsl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stevedore.dsl.fake.FakeEngine;
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

    @Test
    void anEarlyOpenIsAdoptedWhenTheConfigurationIsUnchanged() {
        FakeEngine engine = new FakeEngine();
        var opening = Engines.beginOpen(() -> engine, Map.of("stevedore.home", "/a"));
        assertThat(Engines.adopt(opening, Map.of("stevedore.home", "/a"))).isSameAs(engine);
        assertThat(engine.isClosed()).isFalse();
    }

    @Test
    void anEarlyOpenUnderAnotherConfigurationIsClosedAndNotAdopted() {
        FakeEngine engine = new FakeEngine();
        var opening = Engines.beginOpen(() -> engine, Map.of());
        assertThat(Engines.adopt(opening, Map.of("stevedore.engine", "docker"))).isNull();
        assertThat(engine.isClosed()).isTrue();
    }

    @Test
    void theFailureOfAnEarlyOpenIsTheAdoptersOwn() {
        var opening = Engines.beginOpen(() -> {
            throw new ContainerEngineException("no engine here");
        }, Map.of());
        assertThatThrownBy(() -> Engines.adopt(opening, Map.of())).isInstanceOf(ContainerEngineException.class)
                .hasMessage("no engine here");
        var elsewhere = Engines.beginOpen(() -> {
            throw new ContainerEngineException("no engine here");
        }, Map.of());
        assertThat(Engines.adopt(elsewhere, Map.of("stevedore.engine", "docker"))).as("opened anew by the caller").isNull();
    }

    @Test
    void anErrorThatEndsTheEarlyOpenReachesTheAdopter() {
        var opening = Engines.beginOpen(() -> {
            throw new StackOverflowError("deep");
        }, Map.of());
        assertThatThrownBy(() -> Engines.adopt(opening, Map.of())).isInstanceOf(StackOverflowError.class).hasMessage("deep");
    }

    @Test
    void theEarlyOpenRunsWithTheCallersContextClassLoader() {
        ClassLoader loader = new ClassLoader(getClass().getClassLoader()) { };
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(loader);
        try {
            FakeEngine engine = new FakeEngine();
            var seen = new java.util.concurrent.atomic.AtomicReference<ClassLoader>();
            var opening = Engines.beginOpen(() -> {
                seen.set(Thread.currentThread().getContextClassLoader());
                return engine;
            }, Map.of());
            Engines.adopt(opening, Map.of());
            assertThat(seen.get()).isSameAs(loader);
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
    }
}
