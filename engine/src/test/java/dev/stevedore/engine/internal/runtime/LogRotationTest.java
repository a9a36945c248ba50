package dev.stevedore.engine.internal.runtime;

import dev.stevedore.engine.LogConfig;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LogRotationTest {

    private static Optional<LogRotation> of(String type, Map<String, String> options) {
        return LogRotation.of(new LogConfig(type, options));
    }

    @Test
    void sizesAreReadAsDockerdReadsThemInBinaryMultiples() {
        assertThat(LogRotation.size("100", "json-file")).isEqualTo(100);
        assertThat(LogRotation.size("1k", "json-file")).isEqualTo(1024);
        assertThat(LogRotation.size("10m", "json-file")).isEqualTo(10L << 20);
        assertThat(LogRotation.size("1.5KiB", "json-file")).isEqualTo(1536);
        assertThat(LogRotation.size("2 GB", "json-file")).isEqualTo(2L << 30);
        assertThatThrownBy(() -> LogRotation.size("abc", "json-file")).hasMessageContaining("invalid size: 'abc'");
        assertThatThrownBy(() -> LogRotation.size("-1", "json-file")).hasMessageContaining("invalid size: '-1'");
    }

    @Test
    void jsonFileRotatesOnlyWithAMaxSizeAndLocalAtItsDefaults() {
        assertThat(of("json-file", Map.of())).isEmpty();
        assertThat(of("json-file", Map.of("max-file", "3"))).as("max-file alone does nothing, as in dockerd").isEmpty();
        assertThat(of("json-file", Map.of("max-size", "1k"))).contains(new LogRotation(1024, 1));
        assertThat(of("json-file", Map.of("max-size", "1k", "max-file", "3", "compress", "false")))
                .contains(new LogRotation(1024, 3));
        assertThat(of("local", Map.of())).contains(new LogRotation(20L << 20, 5));
        assertThat(of("local", Map.of("max-size", "1m"))).contains(new LogRotation(1L << 20, 5));
        assertThat(of("none", Map.of())).isEmpty();
    }

    @Test
    void whatCannotBeHonouredIsRefusedByName() {
        assertThatThrownBy(() -> of("json-file", Map.of("max-size", "1m", "max-file", "2", "compress", "true")))
                .hasMessageContaining("log option compress=true");
        assertThatThrownBy(() -> of("json-file", Map.of("compress", "maybe"))).hasMessageContaining("invalid value for compress");
        assertThatThrownBy(() -> of("json-file", Map.of("tag", "x"))).hasMessageContaining("log option tag");
        assertThatThrownBy(() -> of("json-file", Map.of("foo", "x")))
                .hasMessageContaining("unknown log opt 'foo' for json-file log driver");
        assertThatThrownBy(() -> of("local", Map.of("labels", "x")))
                .hasMessageContaining("unknown log opt 'labels' for log driver local");
        assertThatThrownBy(() -> of("json-file", Map.of("max-size", "1m", "max-file", "0")))
                .hasMessageContaining("max-file cannot be less than 1");
        assertThatThrownBy(() -> of("json-file", Map.of("max-size", "1m", "max-file", "x")))
                .hasMessageContaining("invalid value for max-file: x");
        assertThatThrownBy(() -> of("none", Map.of("max-size", "1m"))).hasMessageContaining("max-size");
    }
}
