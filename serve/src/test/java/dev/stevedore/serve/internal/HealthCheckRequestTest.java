package dev.stevedore.serve.internal;

import dev.stevedore.docker.wire.ContainerCreate;
import dev.stevedore.docker.wire.Wire;
import dev.stevedore.engine.HealthCheck;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The create request's {@code Healthcheck} as the engine's {@link HealthCheck}: nothing of it dropped. */
class HealthCheckRequestTest {
    private static HealthCheck parse(String json) throws IOException {
        return CreateRequest.healthCheck(Wire.read(Json.MAPPER.readTree(json), ContainerCreate.Healthcheck.class));
    }

    @Test
    void theRequestsHealthcheckIsReadInNanosecondsStartIntervalToo() throws IOException {
        HealthCheck parsed = parse("{\"Test\":[\"CMD-SHELL\",\"true\"],\"Interval\":1000000000,\"Timeout\":2000000000,"
                + "\"StartPeriod\":3000000000,\"StartInterval\":500000000,\"Retries\":2}");

        assertThat(parsed).isEqualTo(HealthCheck.shell("true").withInterval(Duration.ofSeconds(1))
                .withTimeout(Duration.ofSeconds(2)).withStartPeriod(Duration.ofSeconds(3))
                .withStartInterval(Duration.ofMillis(500)).withRetries(2));
        assertThat(CreateRequest.healthCheck(null)).isNull();
        assertThat(parse("{}")).isNull();
    }

    @Test
    void noneTurnsTheImagesOffAndTimingsWithoutATestKeepTheImagesTest() throws IOException {
        assertThat(parse("{\"Test\":[\"NONE\"]}").disabled()).isTrue();
        HealthCheck timings = parse("{\"Interval\":5000000000}");
        assertThat(timings.test()).isEmpty();
        assertThat(timings.mergedWith(HealthCheck.command("pg_isready").withRetries(7)))
                .isEqualTo(HealthCheck.command("pg_isready").withInterval(Duration.ofSeconds(5)).withRetries(7));
    }
}
