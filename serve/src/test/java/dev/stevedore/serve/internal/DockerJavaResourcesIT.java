package dev.stevedore.serve.internal;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.UpdateContainerResponse;
import com.github.dockerjava.api.model.BlkioRateDevice;
import com.github.dockerjava.api.model.BlkioWeightDevice;
import com.github.dockerjava.api.model.HostConfig;
import dev.stevedore.apitest.BlockDisks;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * CPU shares, CFS period and quota, cpusets, a block I/O weight, memory reservation and swappiness and per-device
 * block I/O limits (on the host's root disk) through docker-java (#17), on serve and on
 * dockerd in the same run: what create and update answer (their {@code Warnings} for what the host cannot apply)
 * and what inspect shows after each must be dockerd's.
 */
class DockerJavaResourcesIT extends DockerJavaPeers {

    @Test
    void createTakesCpuSettingsAndWarnsOfAWeightTheHostCannotApply() {
        Map<String, List<String>> answers = onBoth(client -> {
            var created = client.createContainerCmd(busybox).withName(container("cpu-create")).withCmd("sleep", "600")
                    .withHostConfig(HostConfig.newHostConfig().withCpuShares(512).withCpuPeriod(50_000L).withCpuQuota(25_000L)
                            .withCpusetCpus("0").withCpusetMems("0").withBlkioWeight(300)).exec();
            client.startContainerCmd(created.getId()).exec();
            return List.of(settings(client.inspectContainerCmd(created.getId()).exec()),
                    String.join(" | ", weightWarnings(created.getWarnings())));
        });
        assertThat(answers.get("serve")).isEqualTo(answers.get("dockerd"));
        assertThat(answers.get("serve")).containsExactly("512 50000 25000 0 0 " + (ServeResourcesIT.weighs() ? 300 : 0),
                ServeResourcesIT.weighs() ? "" : ServeResourcesIT.WEIGHT_DISCARDED);
    }

    @Test
    void updateChangesCpuSettingsAsInspectShows() {
        Map<String, List<String>> answers = onBoth(client -> {
            String id = runSleeping(client, "cpu-update");
            UpdateContainerResponse updated = client.updateContainerCmd(id).withCpuShares(256).withCpuPeriod(100_000L)
                    .withCpuQuota(30_000L).withCpusetCpus("0").withBlkioWeight(200).exec();
            return List.of(settings(client.inspectContainerCmd(id).exec()),
                    String.join(" | ", weightWarnings(updated.getWarnings() == null ? null
                            : updated.getWarnings().toArray(String[]::new))));
        });
        assertThat(answers.get("serve")).isEqualTo(answers.get("dockerd"));
        assertThat(answers.get("serve")).containsExactly("256 100000 30000 0  " + (ServeResourcesIT.weighs() ? 200 : 0),
                ServeResourcesIT.weighs() ? "" : ServeResourcesIT.WEIGHT_DISCARDED);
    }

    @Test
    void createTakesReservationSwappinessAndDeviceLimitsAndUpdateTheReservation() {
        String disk = BlockDisks.root();
        Map<String, List<String>> answers = onBoth(client -> {
            var created = client.createContainerCmd(busybox).withName(container("io-create")).withCmd("sleep", "600")
                    .withHostConfig(HostConfig.newHostConfig().withMemory(256L << 20).withMemoryReservation(64L << 20)
                            .withMemorySwappiness(10L)
                            .withBlkioWeightDevice(List.of(new BlkioWeightDevice().withPath(disk).withWeight(300)))
                            .withBlkioDeviceReadBps(List.of(new BlkioRateDevice().withPath(disk).withRate(1L << 20)))
                            .withBlkioDeviceWriteIOps(List.of(new BlkioRateDevice().withPath(disk).withRate(100L)))).exec();
            client.startContainerCmd(created.getId()).exec();
            String before = ioSettings(client.inspectContainerCmd(created.getId()).exec());
            client.updateContainerCmd(created.getId()).withMemoryReservation(32L << 20).exec();
            return List.of(before, ioSettings(client.inspectContainerCmd(created.getId()).exec()),
                    String.join(" | ", weightWarnings(created.getWarnings())));
        });
        assertThat(answers.get("serve")).isEqualTo(answers.get("dockerd"));
        assertThat(answers.get("serve").get(0)).startsWith("67108864 10 ").contains("rate=1048576", "rate=100");
        assertThat(answers.get("serve").get(1)).startsWith("33554432 10 ");
    }

    /** Reservation, swappiness and the five device lists as docker-java reads them. */
    private static String ioSettings(InspectContainerResponse inspect) {
        HostConfig host = inspect.getHostConfig();
        return host.getMemoryReservation() + " " + host.getMemorySwappiness() + " " + host.getBlkioWeightDevice() + " "
                + host.getBlkioDeviceReadBps() + " " + host.getBlkioDeviceWriteBps() + " " + host.getBlkioDeviceReadIOps()
                + " " + host.getBlkioDeviceWriteIOps();
    }

    private static String settings(InspectContainerResponse inspect) {
        HostConfig host = inspect.getHostConfig();
        return host.getCpuShares() + " " + host.getCpuPeriod() + " " + host.getCpuQuota() + " " + host.getCpusetCpus() + " "
                + host.getCpusetMems() + " " + host.getBlkioWeight();
    }

    /** The warnings about the settings (dockerd's host also warns of IPv4 forwarding, which is not this test's). */
    private static List<String> weightWarnings(String[] warnings) {
        return warnings == null ? List.of() : List.of(warnings).stream().filter(w -> !w.contains("IPv4 forwarding")).toList();
    }
}
