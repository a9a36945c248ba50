package dev.stevedore.engine;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HealthCheckTest {
    @Test
    void testsBecomeCommandsAsDockerRunsThem() {
        assertThat(HealthCheck.command("pg_isready", "-U", "postgres").command()).containsExactly("pg_isready", "-U", "postgres");
        assertThat(HealthCheck.shell("curl -f localhost || exit 1").command())
                .containsExactly("/bin/sh", "-c", "curl -f localhost || exit 1");
        assertThat(HealthCheck.NONE.command()).isEmpty();
        assertThat(HealthCheck.NONE.disabled()).isTrue();
    }

    @Test
    void zerosMeanDockersDefaults() {
        HealthCheck check = HealthCheck.shell("true");
        assertThat(check.effectiveInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(check.effectiveTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(check.effectiveStartInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(check.effectiveRetries()).isEqualTo(3);
        assertThat(check.startPeriod()).isZero();
    }

    @Test
    void anImagesShellFormWithoutItsMarkerRunsInTheShell() {
        HealthCheck check = HealthCheck.of(new ImageConfig.Healthcheck(List.of("curl", "-f", "localhost"), Duration.ZERO,
                Duration.ZERO, Duration.ZERO, 0));
        assertThat(check.test()).containsExactly("CMD-SHELL", "curl -f localhost");
        assertThat(HealthCheck.of(null)).isNull();
    }

    @Test
    void whatACheckLeavesOutTheImagesFillsIn() {
        HealthCheck image = HealthCheck.command("true").withInterval(Duration.ofSeconds(9)).withRetries(4);
        assertThat(HealthCheck.shell("false").withRetries(1).mergedWith(image))
                .isEqualTo(HealthCheck.shell("false").withInterval(Duration.ofSeconds(9)).withRetries(1));
        assertThat(HealthCheck.NONE.mergedWith(image)).isEqualTo(HealthCheck.NONE);
    }

    @Test
    void badTestsAndDurationsAreRefusedByName() {
        assertThatThrownBy(() -> new HealthCheck(List.of("SHELL", "x"), null, null, null, null, 0))
                .hasMessageContaining("does not start with CMD, CMD-SHELL or NONE");
        assertThatThrownBy(() -> HealthCheck.shell("x").withInterval(Duration.ofNanos(10)))
                .hasMessageContaining("interval").hasMessageContaining("less than one millisecond");
        assertThatThrownBy(() -> HealthCheck.shell("x").withRetries(-1)).hasMessageContaining("retries");
    }
}
