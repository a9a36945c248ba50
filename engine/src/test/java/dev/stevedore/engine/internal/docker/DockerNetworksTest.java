package dev.stevedore.engine.internal.docker;

import dev.stevedore.engine.NetworkInfo;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class DockerNetworksTest {

    @Test
    void inspectAnswerBecomesNetworkInfoWithBareAddresses() throws IOException {
        String json = """
                {"Name":"backend","Id":"7d86d31b1478e7cca9ebed7e73aa0fdeec46c5ca29497431d3007d2d9e15ed99","Driver":"bridge",
                 "IPAM":{"Driver":"default","Config":[{"Subnet":"10.214.1.0/24","Gateway":"10.214.1.1"}]},
                 "Containers":{"19a4d5d687db":{"Name":"db","IPv4Address":"10.214.1.2/24","IPv6Address":""}},
                 "Labels":{"team":"a"}}
                """;

        NetworkInfo info = DockerNetworks.info(DockerApi.MAPPER.readTree(json));

        assertThat(info).isEqualTo(new NetworkInfo("7d86d31b1478e7cca9ebed7e73aa0fdeec46c5ca29497431d3007d2d9e15ed99", "backend",
                "bridge", "10.214.1.0/24", "10.214.1.1", Map.of("team", "a"), Map.of("19a4d5d687db", "10.214.1.2")));
    }

    @Test
    void theNonePseudoNetworkHasNoDriverSubnetOrGateway() throws IOException {
        NetworkInfo info = DockerNetworks.info(DockerApi.MAPPER.readTree(
                "{\"Name\":\"none\",\"Id\":\"0877619f55b9\",\"Driver\":\"null\",\"IPAM\":{\"Config\":[]},\"Containers\":{},\"Labels\":{}}"));

        assertThat(info.driver()).isNull();
        assertThat(info.subnet()).isEmpty();
        assertThat(info.gateway()).isEmpty();
        assertThat(info.containers()).isEmpty();
    }
}
