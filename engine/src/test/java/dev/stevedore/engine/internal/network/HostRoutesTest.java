package dev.stevedore.engine.internal.network;

import org.junit.jupiter.api.Test;

import java.nio.ByteOrder;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class HostRoutesTest {

    @Test
    void readsSubnetsInTheKernelsByteOrderAndSkipsTheDefaultRoute() {
        List<String> lines = List.of(
                "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT",
                "eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0",
                "stvtb0\t0000D50A\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0",
                "eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0");
        assertThat(HostRoutes.parse(lines, ByteOrder.LITTLE_ENDIAN)).containsExactly(
                new HostRoutes.Route("stvtb0", Subnet.parse("10.213.0.0/24")),
                new HostRoutes.Route("eth0", Subnet.parse("192.0.2.0/24")));
    }

    @Test
    void readsBigEndianKernelsToo() {
        List<String> lines = List.of("header", "br0\t0AC70000\t00000000\t0001\t0\t0\t0\tFFFF0000\t0\t0\t0");
        assertThat(HostRoutes.parse(lines, ByteOrder.BIG_ENDIAN))
                .containsExactly(new HostRoutes.Route("br0", Subnet.parse("10.199.0.0/16")));
    }
}
