package dev.stevedore.engine.internal.docker;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ApiVersionTest {

    @Test
    void comparesNumericallyNotAsText() {
        assertThat(ApiVersion.parse("1.9")).isLessThan(ApiVersion.parse("1.10"));
        assertThat(ApiVersion.parse("1.41")).isGreaterThan(ApiVersion.parse("1.40"));
        assertThat(ApiVersion.parse("v1.44")).isEqualTo(new ApiVersion(1, 44));
    }

    @Test
    void negotiatesDownToTheDaemonButNeverAboveWhatStevedoreSpeaks() {
        assertThat(ApiVersion.negotiate(ApiVersion.parse("1.41"))).isEqualTo(ApiVersion.parse("1.41"));
        assertThat(ApiVersion.negotiate(ApiVersion.parse("1.51"))).isEqualTo(ApiVersion.MAXIMUM);
        assertThat(ApiVersion.MAXIMUM.pathPrefix()).isEqualTo("/v1.44");
    }

    @Test
    void refusesTextThatIsNoVersion() {
        assertThatThrownBy(() -> ApiVersion.parse("1")).hasMessageContaining("\"1\"");
        assertThatThrownBy(() -> ApiVersion.parse("1.x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ApiVersion.parse(".4")).isInstanceOf(IllegalArgumentException.class);
    }
}
