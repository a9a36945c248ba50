package dev.stevedore.engine;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ContainerSpecTest {

    @Test
    void toBuilderKeepsEverySetting() {
        ContainerSpec spec = ContainerSpec.builder("busybox").name("web").cmd("sleep", "1").env("A", "b").label("l", "v")
                .hostname("web").networkMode("backend").link("db", "database").volumesFrom("data:ro").capAdd("NET_ADMIN")
                .ulimit("nofile=1024").sysctl("net.ipv4.ip_forward", "1").annotation("io.example.owner", "team-a")
                .oomScoreAdj(500).restartPolicy(RestartPolicy.of("on-failure", 3)).build();

        assertThat(spec.toBuilder().build()).isEqualTo(spec);
        assertThat(spec.links()).containsExactly("db:database");
        assertThat(spec.ulimits()).containsExactly("nofile=1024:1024");
        assertThat(spec.annotations()).containsExactly(java.util.Map.entry("io.example.owner", "team-a"));
    }

    @Test
    void anOomScoreAdjustmentOutsideItsRangeIsRefusedInDockerdsWords() {
        assertThat(ContainerSpec.builder("busybox").oomScoreAdj(-1000).build().oomScoreAdj()).isEqualTo(-1000);
        assertThatThrownBy(() -> ContainerSpec.builder("busybox").oomScoreAdj(1001).build())
                .hasMessage("Invalid value 1001, range for oom score adj is [-1000, 1000]");
    }

    @Test
    void aBlankAnnotationKeyIsRefusedInDockerdsWords() {
        assertThatThrownBy(() -> ContainerSpec.builder("busybox").annotation(" ", "x").build())
                .hasMessage("invalid Annotations: the empty string is not permitted as an annotation key");
    }

    @Test
    void linksAndVolumesFromAreReadAsDockerWritesThem() {
        assertThat(Link.parse("/db:/web/database")).isEqualTo(new Link("db", "database"));
        assertThat(Link.parse("db")).hasToString("db:db");
        assertThatThrownBy(() -> Link.parse(":x")).hasMessageContaining("invalid link \":x\"");
        assertThat(VolumesFrom.parse("data:ro")).isEqualTo(new VolumesFrom("data", "ro"));
        assertThat(VolumesFrom.parse("data")).isEqualTo(new VolumesFrom("data", ""));
        assertThatThrownBy(() -> VolumesFrom.parse("data:rx")).hasMessageStartingWith("invalid mode for volumes-from: data:rx");
    }
}
