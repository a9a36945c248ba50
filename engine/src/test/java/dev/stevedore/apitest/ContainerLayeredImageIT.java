package dev.stevedore.apitest;

import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.testbed.Testbed;
import dev.stevedore.engine.testbed.Testbed.ExpectedPath;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static dev.stevedore.apitest.ContainerTestbed.exited;
import static dev.stevedore.apitest.ContainerTestbed.stdout;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The test bed's multi-layer image seen from inside a running container exactly as its layers say:
 * files, modes, owners, symlinks and hard links as expected, whiteouts and opaque directories honoured.
 * Only busybox tools inside the container look; the expectation is the test bed's {@code layeredExpected}.
 */
class ContainerLayeredImageIT extends ContainerTestBase {
    /**
     * Files the engine puts into every container, not part of the image: the three it binds, and dockerd's empty
     * {@code /.dockerenv} from the container's init layer.
     */
    private static final Set<String> ENGINE_FILES = Set.of("/etc/hosts", "/etc/hostname", "/etc/resolv.conf", "/.dockerenv");
    /** Where the engine mounts proc, a /dev tmpfs and sysfs: stat sees those file systems' roots there. */
    private static final Set<String> ENGINE_MOUNT_POINTS = Set.of("/proc", "/dev", "/sys");

    @Test
    void theMergedTreeInsideTheContainerIsExactlyTheLayeredOne() {
        List<ExpectedPath> expected = Testbed.get().layeredExpectedEntries();
        StringBuilder script = new StringBuilder("find / -xdev | sort | sed 's/^/find /'\n");
        for (ExpectedPath path : expected) {
            String p = "'" + path.path() + "'";
            if (path.absent()) {
                script.append("if [ -e ").append(p).append(" ] || [ -L ").append(p).append(" ]; then echo present ").append(p)
                        .append("; else echo absent ").append(p).append("; fi\n");
                continue;
            }
            script.append("stat -c 'stat %n %f %u %g %i' ").append(p).append('\n');
            if (path.type().equals("f") || path.type().equals("h")) {
                script.append("sha256sum ").append(p).append(" | sed 's/^/sha /'\n");
            } else if (path.type().equals("l")) {
                script.append("echo link ").append(path.path()).append(" $(readlink ").append(p).append(")\n");
            }
        }
        ContainerInfo info = engine.runContainer(ContainerSpec.builder(ContainerTestbed.image("layered:latest"))
                .cmd("sh", "-c", script.toString()).build());
        try {
            assertThat(exited(engine, info.id()).exitCode()).as(stdout(engine, info.id())).isZero();
            verify(expected, stdout(engine, info.id()).lines().toList());
        } finally {
            engine.removeContainer(info.id(), true);
        }
    }

    private static void verify(List<ExpectedPath> expected, List<String> output) {
        Map<String, String[]> stats = new HashMap<>();
        Map<String, String> hashes = new HashMap<>();
        Map<String, String> links = new HashMap<>();
        Set<String> absent = new TreeSet<>();
        Set<String> found = new TreeSet<>();
        for (String line : output) {
            String[] f = line.split("\\s+");
            switch (f[0]) {
                case "stat" -> stats.put(f[1], f);
                case "sha" -> hashes.put(f[2], f[1]);
                case "link" -> links.put(f[1], f.length > 2 ? f[2] : "");
                case "absent" -> absent.add(f[1]);
                case "find" -> found.add(f[1]);
                default -> { }
            }
        }
        for (ExpectedPath path : expected) {
            String where = path.path();
            if (path.absent()) {
                assertThat(absent).as("whited-out %s is gone", where).contains(where);
                continue;
            }
            String[] stat = stats.get(where);
            assertThat(stat).as("%s exists", where).isNotNull();
            int raw = Integer.parseInt(stat[2], 16);
            int type = raw & 0170000;
            int expectedType = switch (path.type()) {
                case "d" -> 0040000;
                case "l" -> 0120000;
                default -> 0100000;
            };
            assertThat(type).as("file type of %s", where).isEqualTo(expectedType);
            if (ENGINE_MOUNT_POINTS.contains(where)) {
                continue;
            }
            if (!path.type().equals("l")) {
                assertThat(raw & 07777).as("mode of %s", where).isEqualTo(path.mode());
            }
            assertThat(Integer.parseInt(stat[3])).as("owner of %s", where).isEqualTo(path.uid());
            assertThat(Integer.parseInt(stat[4])).as("group of %s", where).isEqualTo(path.gid());
            switch (path.type()) {
                case "f" -> assertThat(hashes.get(where)).as("content of %s", where).isEqualTo(path.target());
                case "l" -> assertThat(links.get(where)).as("target of %s", where).isEqualTo(path.target());
                case "h" -> assertThat(stat[5]).as("%s is a hard link of %s", where, path.target())
                        .isEqualTo(stats.get(path.target())[5]);
                default -> { }
            }
        }
        Set<String> present = expected.stream().filter(p -> !p.absent()).map(ExpectedPath::path)
                .collect(Collectors.toCollection(TreeSet::new));
        present.addAll(ENGINE_FILES);
        found.remove("/");
        assertThat(found).as("everything `find / -xdev` lists in the container").isEqualTo(present);
    }
}
