package dev.stevedore.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.EngineSettings;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class EarlyEngineTest {
    private final List<Map<String, String>> opened = new CopyOnWriteArrayList<>();
    private final AtomicInteger prepared = new AtomicInteger();
    private final AtomicInteger failures = new AtomicInteger();

    private final EngineFactory engines = (settings, overrides) -> {
        opened.add(overrides);
        if (failures.getAndDecrement() > 0) {
            throw new ContainerEngineException("the state directory is not writable");
        }
        return new InMemoryEngine() {
            @Override
            public void prepare() {
                prepared.incrementAndGet();
            }
        };
    };

    @Test
    void anEverydayCommandGetsTheEngineOpenedWhileItsLineWasParsed() {
        EngineFactory early = EarlyEngine.startFor(new String[] {"ps", "-a"}, engines);

        ContainerEngine engine = early.open(EngineSettings.fromEnvironment(), Map.of());

        assertThat(engine).isInstanceOf(InMemoryEngine.class);
        assertThat(opened).as("opens").hasSize(1);
        assertThat(prepared).as("a container command's first step built ahead").hasValue(1);
        // a second open (compose opens more than one) is a fresh one
        assertThat(early.open(EngineSettings.fromEnvironment(), Map.of())).isNotSameAs(engine);
        assertThat(opened).hasSize(2);
    }

    @Test
    void anImageCommandIsNotPreparedForContainers() {
        EarlyEngine.startFor(new String[] {"images"}, engines).open(EngineSettings.fromEnvironment(), Map.of());

        assertThat(opened).hasSize(1);
        assertThat(prepared).hasValue(0);
    }

    @Test
    void optionsBeforeTheCommandOrAnUncommonCommandLeaveTheOpenToTheCommand() {
        assertThat(EarlyEngine.startFor(new String[] {"--home", "/tmp/elsewhere", "ps"}, engines)).isSameAs(engines);
        assertThat(EarlyEngine.startFor(new String[] {"-H", "unix:///run/docker.sock", "images"}, engines)).isSameAs(engines);
        assertThat(EarlyEngine.startFor(new String[] {"serve"}, engines)).isSameAs(engines);
        assertThat(EarlyEngine.startFor(new String[] {}, engines)).isSameAs(engines);
        assertThat(opened).isEmpty();
    }

    @Test
    void otherSettingsOrOverridesAreOpenedAsAsked() {
        EngineFactory early = EarlyEngine.startFor(new String[] {"run", "busybox"}, engines);

        early.open(EngineSettings.fromEnvironment(), Map.of("STEVEDORE_ENGINE", "docker"));

        // the early open (on its own thread) may or may not have happened yet: the command's own one has
        assertThat(opened).contains(Map.of("STEVEDORE_ENGINE", "docker"));
    }

    @Test
    void aFailedEarlyOpenIsRepeatedSoTheCommandReportsItsOwnFailure() {
        failures.set(2);
        EngineFactory early = EarlyEngine.startFor(new String[] {"ps"}, engines);

        assertThatThrownBy(() -> early.open(EngineSettings.fromEnvironment(), Map.of()))
                .isInstanceOf(ContainerEngineException.class).hasMessageContaining("not writable");
        assertThat(opened).hasSize(2);
    }
}
