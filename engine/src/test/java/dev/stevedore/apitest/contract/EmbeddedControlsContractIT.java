package dev.stevedore.apitest.contract;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerUpdate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link ControlsContract} on the embedded engine, with a state directory of its own. */
class EmbeddedControlsContractIT extends ControlsContract {
    @TempDir
    static Path state;

    @Override
    protected ContainerEngine openEngine() {
        return EmbeddedEngines.open(state);
    }

    /**
     * An update makes a v1 group the run did not have (on a host with v1 controllers); the next run and the removal
     * must cope with it: every group either run had is gone once the container is removed.
     */
    @Test
    void noCgroupOfAnUpdatedRestartedContainerOutlivesIt() throws IOException {
        ContainerInfo c = started(busybox("sleep 600"));
        engine.updateContainer(c.id(), ContainerUpdate.none().withMemoryBytes(64L << 20).withNanoCpus(500_000_000L));
        Set<Path> groups = new LinkedHashSet<>(containerGroups(engine.inspectContainer(c.id()).state().pid()));
        engine.stopContainer(c.id(), Duration.ZERO);
        engine.startContainer(c.id());
        groups.addAll(containerGroups(engine.inspectContainer(c.id()).state().pid()));
        assertThat(groups).as("the container's own groups, found from its processes").isNotEmpty();
        engine.removeContainer(c.id(), true);
        assertThat(groups.stream().filter(Files::exists).toList()).as("groups left after rm").isEmpty();
    }

    /** The groups {@code pid} is in that this JVM is not in: the container's own, in every hierarchy. */
    private static List<Path> containerGroups(long pid) throws IOException {
        Set<String> mine = Set.copyOf(Files.readAllLines(Path.of("/proc/self/cgroup")));
        List<String> mounts = Files.readAllLines(Path.of("/proc/self/mountinfo"));
        return Files.readAllLines(Path.of("/proc", Long.toString(pid), "cgroup")).stream()
                .filter(line -> !mine.contains(line))
                .map(line -> mount(mounts, line.split(":", 3)[1]).resolve(line.split(":", 3)[2].substring(1)))
                .toList();
    }

    /** Where the hierarchy of {@code controllers} ({@code ""} for v2) is mounted. */
    private static Path mount(List<String> mountinfo, String controllers) {
        for (String line : mountinfo) {
            String[] after = line.substring(line.indexOf(" - ") + 3).split(" ");
            boolean matches = controllers.isEmpty() ? after[0].equals("cgroup2")
                    : after[0].equals("cgroup") && List.of(after[2].split(",")).containsAll(List.of(controllers.split(",")));
            if (matches) {
                return Path.of(line.split(" ")[4]);
            }
        }
        throw new AssertionError("no mount of the cgroup hierarchy \"" + controllers + "\"");
    }
}
