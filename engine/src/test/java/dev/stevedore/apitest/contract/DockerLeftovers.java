package dev.stevedore.apitest.contract;

import dev.stevedore.engine.internal.docker.DockerCli;
import dev.stevedore.engine.internal.docker.Labels;
import dev.stevedore.engine.testbed.Testbed;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What Stevedore left in the test bed's dockerd: containers, networks and volumes with its owner label whose owner
 * process is not alive on this machine. Once a suite's JVMs have ended, everything they made must be gone (removed by
 * {@code close()} or by the shutdown hook), so whatever this finds then is a leak.
 *
 * <p>Asked with the docker CLI, never through a {@code DockerEngine}: opening one sweeps what processes that are gone
 * left, and so would hide exactly what this looks for. Objects of live owners (a build running beside this one on a
 * shared machine) are not counted.
 */
public final class DockerLeftovers {
    private static final String OWNER = "{{.Label \"" + Labels.OWNER + "\"}}";

    private DockerLeftovers() {
    }

    /** Each object left, as {@code container <name> (<status>) owner <owner>}, {@code network ...}, {@code volume ...}. */
    public static List<String> find(Path socket) {
        String filter = "label=" + Labels.OWNER;
        List<String> left = new ArrayList<>();
        collect(left, "container", DockerCli.run(socket, "ps", "-a", "--filter", filter, "--format",
                "{{.Names}} ({{.Status}})\t" + OWNER));
        collect(left, "network", DockerCli.run(socket, "network", "ls", "--filter", filter, "--format", "{{.Name}}\t" + OWNER));
        collect(left, "volume", DockerCli.run(socket, "volume", "ls", "--filter", filter, "--format", "{{.Name}}\t" + OWNER));
        return left;
    }

    /** Fails, listing them, when anything is left in the test bed's dockerd. */
    public static void assertNone() {
        Path socket = Testbed.get().dockerSocket().orElseThrow(() -> new AssertionError(
                "the test bed's dockerd is not up: run `sudo testbed/dockerd up` (testbed.env has no DOCKER_SOCKET)"));
        assertThat(find(socket))
                .as("objects Stevedore made in the test bed's dockerd whose owner JVM has ended: close() or the shutdown hook "
                        + "should have removed them (the next engine to open would sweep them, hiding the leak)")
                .isEmpty();
    }

    private static void collect(List<String> left, String kind, List<String> lines) {
        String host = Labels.hostName();
        for (String line : lines) {
            int tab = line.lastIndexOf('\t');
            String owner = line.substring(tab + 1);
            Optional<Labels.Owner> parsed = Labels.Owner.parse(owner);
            // on the test bed's own dockerd every owner is a process of this machine; anything else is left too
            if (parsed.isEmpty() || !parsed.get().host().equals(host) || parsed.get().isGone(host)) {
                left.add(kind + " " + line.substring(0, tab) + " owner " + owner);
            }
        }
    }
}
