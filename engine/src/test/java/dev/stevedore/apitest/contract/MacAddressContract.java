package dev.stevedore.apitest.contract;

import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.ContainerInfo;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code docker run --mac-address} the same on every engine: the container's interface on its network has the address
 * asked for (read inside, from the kernel), inspect echoes it, and the host's network, where the container has no
 * interface of its own, refuses it in dockerd's words.
 */
public abstract class MacAddressContract extends EngineContract {
    private static final String MAC = "02:42:ac:11:0e:99";

    @Test
    void theContainersInterfaceHasTheMacAddressAskedFor() {
        ContainerInfo box = started(busybox("cat /sys/class/net/eth0/address").macAddress(MAC));

        exited(box.id());

        assertThat(logTexts(box.id())).containsExactly(MAC);
        assertThat(engine.inspectContainer(box.id()).spec().macAddress()).isEqualTo(MAC);
        engine.removeContainer(box.id(), true);
    }

    @Test
    void withoutOneTheInterfaceHasAnotherUnicastAddress() {
        ContainerInfo box = started(busybox("cat /sys/class/net/eth0/address"));

        exited(box.id());

        assertThat(logTexts(box.id())).singleElement().asString().matches("[0-9a-f]{2}(:[0-9a-f]{2}){5}").isNotEqualTo(MAC);
        assertThat(engine.inspectContainer(box.id()).spec().macAddress()).isNull();
        engine.removeContainer(box.id(), true);
    }

    @Test
    void aMacAddressOnTheHostsNetworkIsRefused() {
        assertThatThrownBy(() -> engine.createContainer(busybox("true").networkMode("host").macAddress(MAC).build()))
                .isInstanceOf(ContainerEngineException.class)
                .hasMessageContaining("conflicting options: mac-address and the network mode");
    }
}
