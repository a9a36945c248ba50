package dev.stevedore.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class DurationsTest {

    @Test
    void saysAgoAndCopesWithUnknownTimes() {
        Instant now = Instant.parse("2025-01-10T12:00:00Z");
        assertThat(Durations.ago(Instant.parse("2025-01-07T12:00:00Z"), now)).isEqualTo("3 days ago");
        assertThat(Durations.ago(null, now)).isEqualTo("N/A");
    }

    @Test
    void readsGoStyleDurations() {
        assertThat(Durations.parse("42s")).isEqualTo(Duration.ofSeconds(42));
        assertThat(Durations.parse("10m")).isEqualTo(Duration.ofMinutes(10));
        assertThat(Durations.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(Durations.parse("1.5h")).isEqualTo(Duration.ofMinutes(90));
        assertThat(Durations.parse("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(Durations.parse("2m3s4ms")).isEqualTo(Duration.ofMillis(123_004));
    }

    @Test
    void rejectsWhatIsNotADuration() {
        for (String text : new String[] {"", "10", "m", "10 m", "1h-5m", "10x", "1h30", "2025-06-01"}) {
            assertThatThrownBy(() -> Durations.parse(text)).as(text).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("is not a duration");
        }
    }
}
