package dev.stevedore.engine;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VolumeSpecTest {

    @Test
    void acceptsDockersLocalVolumeNames() {
        assertThat(VolumeSpec.named("pg_data-15.4").name()).isEqualTo("pg_data-15.4");
        assertThat(VolumeSpec.named("a".repeat(255)).name()).hasSize(255);
    }

    @Test
    void refusesPathsLeadingPunctuationAndOverlongNames() {
        for (String bad : new String[] {"/var/data", "a/b", ".hidden", "-x", "", "a".repeat(256), "has space"}) {
            assertThatThrownBy(() -> VolumeSpec.named(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("volume name \"" + bad + "\"");
        }
    }

    @Test
    void nullNameMeansGeneratedAndLabelsAreCopied() {
        Map<String, String> labels = new HashMap<>(Map.of("k", "v"));
        VolumeSpec spec = VolumeSpec.generated(labels);
        labels.put("later", "x");

        assertThat(spec.name()).isNull();
        assertThat(spec.labels()).containsExactly(Map.entry("k", "v"));
        assertThat(new VolumeSpec("n", null).labels()).isEmpty();
    }
}
