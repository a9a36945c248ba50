package dev.stevedore.serve.internal;

import dev.stevedore.docker.wire.ContainerCreate;
import dev.stevedore.docker.wire.Wire;

import dev.stevedore.engine.ImageConfig;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class HealthChecksTest {

    private static ImageConfig.Healthcheck check(String... test) {
        return new ImageConfig.Healthcheck(List.of(test), Duration.ZERO, Duration.ZERO, Duration.ZERO, 0);
    }

    @Test
    void testsBecomeCommandsAsDockerRunsThem() {
        assertThat(HealthChecks.command(check("CMD", "pg_isready", "-U", "postgres"))).containsExactly("pg_isready", "-U", "postgres");
        assertThat(HealthChecks.command(check("CMD-SHELL", "curl -f localhost || exit 1")))
                .containsExactly("/bin/sh", "-c", "curl -f localhost || exit 1");
        assertThat(HealthChecks.command(check("NONE"))).isNull();
        assertThat(HealthChecks.command(null)).isNull();
    }

    @Test
    void theRequestsHealthcheckIsReadInNanoseconds() throws IOException {
        ImageConfig.Healthcheck parsed = HealthChecks.parse(Wire.read(Json.MAPPER.readTree(
                "{\"Test\":[\"CMD-SHELL\",\"true\"],\"Interval\":1000000000,\"Timeout\":2000000000,\"StartPeriod\":0,\"Retries\":2}"), ContainerCreate.Healthcheck.class));

        assertThat(parsed.test()).containsExactly("CMD-SHELL", "true");
        assertThat(parsed.interval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(parsed.timeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(parsed.retries()).isEqualTo(2);
        assertThat(HealthChecks.parse(null)).isNull();
    }

    @Test
    void theRequestsCheckWinsOverTheImagesAndNoneTurnsItOff() {
        HealthChecks checks = new HealthChecks(null);
        ImageConfig image = new ImageConfig(List.of(), List.of(), List.of(), "", "", java.util.Set.of(), java.util.Set.of(),
                java.util.Map.of(), "", check("CMD", "true"));
        checks.request("off", check("NONE"));

        assertThat(checks.check("plain", image).test()).containsExactly("CMD", "true");
        assertThat(checks.document("plain", image, true).path("Status").asText()).isEqualTo("starting");
        assertThat(checks.document("off", image, true)).isNull();
        assertThat(checks.status("off", image, true)).isNull();
    }
}
