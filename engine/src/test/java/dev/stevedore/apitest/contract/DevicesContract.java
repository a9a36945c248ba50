package dev.stevedore.apitest.contract;

import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerStartException;
import dev.stevedore.engine.Device;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * {@code docker run --device HOST[:CONTAINER[:PERMS]]} the same on every engine, rootless included: the host's node
 * appears at its path in the container as the same device, usable there; inspect echoes it; a host path that is no
 * device node fails the start in dockerd's words. What a device policy adds (only the permissions asked for, other
 * nodes still refused) is {@link RootfulDevicesContract}'s.
 */
public abstract class DevicesContract extends EngineContract {

    @Test
    void aHostDeviceAppearsAtItsPathInTheContainerAsTheSameDevice() {
        // /dev/full: anyone may open it, and what it does is its own (reads zeros, refuses writes for want of space)
        ContainerInfo box = started(busybox("stat -c '%F %t:%T' /dev/extra-full; head -c 4 /dev/extra-full | wc -c;"
                + " echo x 2>&1 > /dev/extra-full | grep -o 'No space left on device'")
                .device("/dev/full:/dev/extra-full"));

        exited(box.id());

        assertThat(logTexts(box.id())).containsExactly("character special file 1:7", "4", "No space left on device");
        assertThat(engine.inspectContainer(box.id()).spec().devices())
                .containsExactly(new Device("/dev/full", "/dev/extra-full", "rwm"));
        engine.removeContainer(box.id(), true);
    }

    @Test
    void aHostPathThatIsNoDeviceNodeFailsTheStartInDockerdsWords() {
        ContainerStartException failed = catchThrowableOfType(ContainerStartException.class,
                () -> started(busybox("true").device("/etc/hostname")));

        assertThat(failed).as("the start with --device /etc/hostname").isNotNull();
        assertThat(failed.getMessage()).contains(
                "error gathering device information while adding custom device \"/etc/hostname\": not a device node");
        engine.removeContainer(failed.containerId(), true);
    }
}
