package dev.stevedore.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class DurationsTest {

    @Test
    void wordsElapsedTimeLikeDocker() {
        assertThat(Durations.human(Duration.ofMillis(400))).isEqualTo("Less than a second");
        assertThat(Durations.human(Duration.ofSeconds(1))).isEqualTo("1 second");
        assertThat(Durations.human(Duration.ofSeconds(45))).isEqualTo("45 seconds");
        assertThat(Durations.human(Duration.ofSeconds(90))).isEqualTo("About a minute");
        assertThat(Durations.human(Duration.ofMinutes(59))).isEqualTo("59 minutes");
        assertThat(Durations.human(Duration.ofMinutes(80))).isEqualTo("About an hour");
        assertThat(Durations.human(Duration.ofHours(47))).isEqualTo("47 hours");
        assertThat(Durations.human(Duration.ofDays(3))).isEqualTo("3 days");
        assertThat(Durations.human(Duration.ofDays(13))).isEqualTo("13 days");
        assertThat(Durations.human(Duration.ofDays(21))).isEqualTo("3 weeks");
        assertThat(Durations.human(Duration.ofDays(200))).isEqualTo("6 months");
        assertThat(Durations.human(Duration.ofDays(800))).isEqualTo("2 years");
    }

    @Test
    void treatsClockSkewAsNoTimeAtAll() {
        assertThat(Durations.human(Duration.ofSeconds(-30))).isEqualTo("Less than a second");
    }

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
