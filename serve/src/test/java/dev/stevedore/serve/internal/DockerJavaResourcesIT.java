package dev.stevedore.serve.internal;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.UpdateContainerResponse;
import com.github.dockerjava.api.model.HostConfig;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * CPU shares, CFS period and quota, cpusets and a block I/O weight through docker-java (#17), on serve and on
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
