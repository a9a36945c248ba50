package dev.stevedore.engine.internal.network;

import dev.stevedore.engine.PortBinding;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PortsToPublishTest {

    @Test
    void explicitPortsStayAsAskedAndExposedTcpOnesFollowOnFreeLoopbackPorts() {
        List<PortBinding> explicit = List.of(new PortBinding(5432, "tcp", "0.0.0.0", 15432));
        assertThat(NetworkManager.portsToPublish(explicit, true, List.of("5432/tcp", "8080/tcp", "9000", "53/udp")))
                .containsExactly(new PortBinding(5432, "tcp", "0.0.0.0", 15432), new PortBinding(8080, "tcp", "127.0.0.1", 0),
                        new PortBinding(9000, "tcp", "127.0.0.1", 0));
    }

    @Test
    void exposedPortsArePublishedOnlyWhenAllAreAskedFor() {
        assertThat(NetworkManager.portsToPublish(List.of(), false, List.of("8080/tcp"))).isEmpty();
    }
}
