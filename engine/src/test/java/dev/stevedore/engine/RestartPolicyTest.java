package dev.stevedore.engine;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RestartPolicyTest {

    @Test
    void dockersNamesParseAndPrintBack() {
        for (String name : new String[] {"no", "on-failure", "on-failure:3", "always", "unless-stopped"}) {
            assertThat(RestartPolicy.parse(name)).hasToString(name);
        }
        assertThat(RestartPolicy.parse("")).isEqualTo(RestartPolicy.NO);
        assertThat(RestartPolicy.of("", 0)).isEqualTo(RestartPolicy.NO);
        assertThat(RestartPolicy.parse("on-failure:2")).isEqualTo(new RestartPolicy(RestartPolicy.Kind.ON_FAILURE, 2));
    }

    @Test
    void aBadPolicyIsRefusedWithItsName() {
        assertThatThrownBy(() -> RestartPolicy.parse("sometimes")).hasMessageContaining("\"sometimes\"");
        assertThatThrownBy(() -> RestartPolicy.parse("on-failure:x")).hasMessageContaining("not a number");
        assertThatThrownBy(() -> RestartPolicy.parse("always:3")).hasMessageContaining("goes only with on-failure");
        assertThatThrownBy(() -> RestartPolicy.parse("on-failure:-1")).hasMessageContaining("negative");
    }

    @Test
    void onFailureRestartsAFailureUpToItsCount() {
        RestartPolicy twice = RestartPolicy.parse("on-failure:2");
        assertThat(twice.restartsAfter(3, 0, false)).isTrue();
        assertThat(twice.restartsAfter(3, 1, false)).isTrue();
        assertThat(twice.restartsAfter(3, 2, false)).isFalse();
        assertThat(twice.restartsAfter(0, 0, false)).isFalse();
        assertThat(RestartPolicy.parse("on-failure").restartsAfter(1, 1000, false)).as("no bound").isTrue();
    }

    @Test
    void aStopByAUserIsNeverUndone() {
        for (String name : new String[] {"on-failure", "always", "unless-stopped"}) {
            assertThat(RestartPolicy.parse(name).restartsAfter(137, 0, true)).as(name).isFalse();
        }
        assertThat(RestartPolicy.parse("always").restartsAfter(0, 5, false)).isTrue();
        assertThat(RestartPolicy.NO.restartsAfter(1, 0, false)).isFalse();
    }

    @Test
    void autoRemoveAndARestartPolicyConflict() {
        assertThatThrownBy(() -> ContainerSpec.builder("busybox").autoRemove(true)
                .restartPolicy(RestartPolicy.parse("always")).build()).hasMessageContaining("conflicts with auto-remove");
    }
}
