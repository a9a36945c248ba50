package dev.stevedore.engine.internal.network;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SubnetTest {

    @Test
    void parsesAndFormatsCidr() {
        Subnet s = Subnet.parse("10.199.3.0/24");
        assertThat(s.toString()).isEqualTo("10.199.3.0/24");
        assertThat(Subnet.format(s.gateway())).isEqualTo("10.199.3.1");
        assertThat(Subnet.format(s.firstHost())).isEqualTo("10.199.3.2");
        assertThat(Subnet.format(s.lastHost())).isEqualTo("10.199.3.254");
        assertThat(Subnet.format(s.last())).isEqualTo("10.199.3.255");
        assertThat(s.size()).isEqualTo(256);
    }

    @Test
    void refusesHostBitsAndMalformedText() {
        assertThatThrownBy(() -> Subnet.parse("10.199.3.1/24")).hasMessageContaining("10.199.3.0/24");
        assertThatThrownBy(() -> Subnet.parse("10.199.3.0")).hasMessageContaining("CIDR");
        assertThatThrownBy(() -> Subnet.parse("10.199.300.0/24")).hasMessageContaining("not an IPv4 address");
        assertThatThrownBy(() -> Subnet.parse("10.199.3/24")).hasMessageContaining("not an IPv4 address");
        assertThatThrownBy(() -> Subnet.parse("10.199.3.0/33")).hasMessageContaining("between 0 and 32");
        assertThatThrownBy(() -> Subnet.parse("10.1.+1.0/24")).hasMessageContaining("not an IPv4 address");
    }

    @Test
    void overlapIsSymmetricAndCoversNesting() {
        Subnet wide = Subnet.parse("172.16.0.0/12");
        Subnet inside = Subnet.parse("172.18.0.0/16");
        Subnet beside = Subnet.parse("172.32.0.0/16");
        assertThat(wide.overlaps(inside)).isTrue();
        assertThat(inside.overlaps(wide)).isTrue();
        assertThat(wide.overlaps(beside)).isFalse();
        assertThat(Subnet.parse("0.0.0.0/0").overlaps(beside)).isTrue();
    }

    @Test
    void addressesAboveTwoToTheThirtyOneCompareUnsigned() {
        Subnet high = Subnet.parse("200.1.0.0/16");
        assertThat(high.contains(Subnet.parseAddress("200.1.255.255"))).isTrue();
        assertThat(high.contains(Subnet.parseAddress("200.2.0.0"))).isFalse();
        assertThat(high.compareTo(Subnet.parse("10.0.0.0/8"))).isPositive();
        assertThat(Subnet.inet(Subnet.parseAddress("200.1.2.3")).getHostAddress()).isEqualTo("200.1.2.3");
    }
}
