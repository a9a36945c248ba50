package dev.stevedore.engine.internal.runtime;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SignalsTest {
    @Test
    void namesWithOrWithoutSigInAnyCaseAndNumbersAreRead() {
        assertThat(Signals.parse("SIGTERM")).isEqualTo(15);
        assertThat(Signals.parse("term")).isEqualTo(15);
        assertThat(Signals.parse("KILL")).isEqualTo(9);
        assertThat(Signals.parse("9")).isEqualTo(9);
        assertThat(Signals.parse("SIGIOT")).isEqualTo(6);
        assertThat(Signals.parse(" SIGINT ")).isEqualTo(2);
    }

    @Test
    void realtimeSignalsAreCountedFromRtminAndRtmax() {
        assertThat(Signals.parse("SIGRTMIN")).isEqualTo(34);
        assertThat(Signals.parse("RTMIN+3")).isEqualTo(37);
        assertThat(Signals.parse("SIGRTMAX-1")).isEqualTo(63);
        assertThat(Signals.name(37)).isEqualTo("SIGRTMIN+3");
    }

    @Test
    void namesRoundTrip() {
        for (int signal = 1; signal <= 64; signal++) {
            assertThat(Signals.parse(Signals.name(signal))).isEqualTo(signal);
        }
        assertThat(Signals.name(15)).isEqualTo("SIGTERM");
    }

    @Test
    void unknownNamesAndNumbersOutOfRangeAreRefused() {
        assertThatThrownBy(() -> Signals.parse("SIGNOPE")).hasMessageContaining("\"SIGNOPE\" is not a Linux signal");
        assertThat(Signals.find("0")).isEmpty();
        assertThat(Signals.find("65")).isEmpty();
        assertThat(Signals.find("RTMIN+31")).isEmpty();
        assertThat(Signals.find("")).isEmpty();
        assertThat(Signals.find(null)).isEmpty();
    }
}
