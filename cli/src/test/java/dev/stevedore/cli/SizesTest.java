package dev.stevedore.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SizesTest {

    @Test
    void usesDecimalUnitsWithThreeSignificantDigits() {
        assertThat(Sizes.human(0)).isEqualTo("0B");
        assertThat(Sizes.human(999)).isEqualTo("999B");
        assertThat(Sizes.human(1_000)).isEqualTo("1kB");
        assertThat(Sizes.human(4_261)).isEqualTo("4.26kB");
        assertThat(Sizes.human(12_345_678)).isEqualTo("12.3MB");
        assertThat(Sizes.human(412_345_678)).isEqualTo("412MB");
        assertThat(Sizes.human(1_240_000_000)).isEqualTo("1.24GB");
        assertThat(Sizes.human(3_000_000_000_000L)).isEqualTo("3TB");
    }

    @Test
    void roundsUpIntoTheNextUnitInsteadOfShowingAThousand() {
        assertThat(Sizes.human(999_999)).isEqualTo("1MB");
        assertThat(Sizes.human(999_499)).isEqualTo("999kB");
    }

    @Test
    void takesTheAskedPrecision() {
        assertThat(Sizes.human(12_345_678, 4)).isEqualTo("12.35MB");
    }

    @Test
    void readsDockerStyleSizesInBinaryUnits() {
        assertThat(Sizes.parseBinary("100")).isEqualTo(100);
        assertThat(Sizes.parseBinary("64k")).isEqualTo(64 * 1024);
        assertThat(Sizes.parseBinary("512m")).isEqualTo(512L * 1024 * 1024);
        assertThat(Sizes.parseBinary("512MB")).isEqualTo(512L * 1024 * 1024);
        assertThat(Sizes.parseBinary("1g")).isEqualTo(1L << 30);
        assertThat(Sizes.parseBinary("1.5GiB")).isEqualTo(3L << 29);
        assertThat(Sizes.parseBinary("2t")).isEqualTo(2L << 40);
        assertThat(Sizes.parseBinary("100b")).isEqualTo(100);
    }

    @Test
    void rejectsWhatIsNotASize() {
        for (String text : new String[] {"", "m", "-1", "12q", "1.2.3m", "lots"}) {
            assertThatThrownBy(() -> Sizes.parseBinary(text)).as(text).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("is not a size");
        }
    }
}
