package dev.stevedore.engine;


import dev.stevedore.engine.ContainerSpec;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UlimitTest {
    @Test
    void dockersFormsParseWithTheSoftLimitAloneSettingBoth() {
        assertThat(Ulimit.parse("nofile=1024:2048")).isEqualTo(new Ulimit("nofile", 1024, 2048));
        assertThat(Ulimit.parse("NPROC=512")).isEqualTo(new Ulimit("nproc", 512, 512));
        assertThat(Ulimit.parse("core=-1:-1")).isEqualTo(new Ulimit("core", Ulimit.UNLIMITED, Ulimit.UNLIMITED));
    }

    @Test
    void theResourceIsTheKernelsNumber() {
        assertThat(Ulimit.parse("nofile=1").resource()).isEqualTo(7);
        assertThat(Ulimit.parse("cpu=1").resource()).isZero();
        assertThat(Ulimit.parse("rttime=1").resource()).isEqualTo(15);
    }

    @Test
    void whatDockerRefusesIsRefusedWithTheReason() {
        assertThatThrownBy(() -> Ulimit.parse("files=10")).hasMessageStartingWith("invalid ulimit type: files");
        assertThatThrownBy(() -> Ulimit.parse("nofile=2048:1024")).hasMessageContaining("must be less than or equal to");
        assertThatThrownBy(() -> Ulimit.parse("nofile")).hasMessageContaining("use name=soft[:hard]");
        assertThatThrownBy(() -> Ulimit.parse("nofile=1:2:3")).hasMessageContaining("too many limit value arguments");
        assertThatThrownBy(() -> Ulimit.parse("nofile=many")).hasMessageContaining("must be numbers");
    }

    @Test
    void theSpecKeepsEachLimitAsNameSoftHard() {
        assertThat(ContainerSpec.builder("busybox").ulimit("NOFILE=1024").build().ulimits()).containsExactly("nofile=1024:1024");
        assertThatThrownBy(() -> ContainerSpec.builder("busybox").ulimit("nofile=9:1").build())
                .isInstanceOf(IllegalArgumentException.class);
    }
}
