package dev.stevedore.engine;


import dev.stevedore.engine.ContainerSpec;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ExtraHostTest {
    @Test
    void anEntryIsSplitAtItsFirstColonSoAnIpv6AddressStaysWhole() {
        assertThat(ExtraHost.parse("db:10.1.2.3")).isEqualTo(new ExtraHost("db", "10.1.2.3"));
        assertThat(ExtraHost.parse("db6:fd00::5")).isEqualTo(new ExtraHost("db6", "fd00::5"));
        assertThat(ExtraHost.parse("gw:host-gateway")).isEqualTo(new ExtraHost("gw", ExtraHost.HOST_GATEWAY));
    }

    @Test
    void anEntryWithoutANameOrWithANameForAnAddressIsRefused() {
        assertThatThrownBy(() -> ExtraHost.parse("10.1.2.3")).hasMessageContaining("bad format for add-host: \"10.1.2.3\"");
        assertThatThrownBy(() -> ExtraHost.parse(":10.1.2.3")).hasMessageContaining("use name:address");
        assertThatThrownBy(() -> ExtraHost.parse("db:example.org")).hasMessageContaining("invalid IP address \"example.org\"");
        assertThatThrownBy(() -> ExtraHost.parse("db:10.1.2.300")).hasMessageContaining("invalid IP address");
        assertThatThrownBy(() -> ExtraHost.parse("db:fd00:::5:::")).hasMessageContaining("invalid IP address");
    }

    @Test
    void theSpecRefusesABadEntryOrServerWhenBuilt() {
        assertThatThrownBy(() -> ContainerSpec.builder("busybox").extraHost("db").build()).hasMessageContaining("add-host");
        assertThatThrownBy(() -> ContainerSpec.builder("busybox").dns("ns.example.org").build())
                .hasMessageContaining("invalid IP address \"ns.example.org\"");
        assertThat(ContainerSpec.builder("busybox").dns("10.0.0.53").dns("fd00::53").build().dns())
                .containsExactly("10.0.0.53", "fd00::53");
    }
}
