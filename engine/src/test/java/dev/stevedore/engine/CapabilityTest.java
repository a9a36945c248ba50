package dev.stevedore.engine;

import dev.stevedore.engine.ContainerSpec;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.List;

import static dev.stevedore.engine.Capability.CHOWN;
import static dev.stevedore.engine.Capability.NET_ADMIN;
import static dev.stevedore.engine.Capability.NET_RAW;
import static dev.stevedore.engine.Capability.SYS_ADMIN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CapabilityTest {
    private static final java.util.Set<Capability> DEFAULTS = Capability.dockerDefaults();

    @Test
    void namesAreTakenWithOrWithoutCapInAnyCase() {
        assertThat(Capability.normalize("net_admin")).isEqualTo("CAP_NET_ADMIN");
        assertThat(Capability.normalize("CAP_SYS_TIME")).isEqualTo("CAP_SYS_TIME");
        assertThat(Capability.normalize("all")).isEqualTo("ALL");
    }

    @Test
    void anUnknownNameIsRefusedWithTheName() {
        assertThatThrownBy(() -> Capability.normalize("CAP_FLY")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("unknown capability: \"CAP_FLY\"");
        assertThatThrownBy(() -> ContainerSpec.builder("busybox").capDrop("FLY").build())
                .hasMessageContaining("unknown capability: \"FLY\"");
    }

    @Test
    void addedJoinAndDroppedLeaveTheDefaults() {
        var set = Capability.adjusted(DEFAULTS, List.of("NET_ADMIN"), List.of("cap_net_raw"));

        assertThat(set).contains(NET_ADMIN, CHOWN).doesNotContain(NET_RAW).hasSize(DEFAULTS.size());
    }

    @Test
    void allAddedGivesEveryCapabilityButThoseDropped() {
        var set = Capability.adjusted(DEFAULTS, List.of("ALL"), List.of("SYS_ADMIN"));

        assertThat(set).hasSize(Capability.values().length - 1).doesNotContain(SYS_ADMIN);
    }

    @Test
    void allDroppedGivesOnlyThoseAdded() {
        assertThat(Capability.adjusted(DEFAULTS, List.of("CHOWN"), List.of("ALL"))).isEqualTo(EnumSet.of(CHOWN));
        assertThat(Capability.adjusted(DEFAULTS, List.of(), List.of("ALL"))).isEmpty();
    }

    @Test
    void noAdjustmentKeepsTheDefaults() {
        assertThat(Capability.adjusted(DEFAULTS, List.of(), List.of())).isEqualTo(DEFAULTS);
    }
}
