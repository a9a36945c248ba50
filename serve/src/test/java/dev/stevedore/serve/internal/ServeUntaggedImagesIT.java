package dev.stevedore.serve.internal;

import dev.stevedore.engine.internal.docker.DockerCli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Images no tag names (#17), with the docker CLI against the test bed's dockerd and against serve in the same run:
 * {@code docker build} without {@code -t} and {@code docker commit} without a repository keep the image, listed as
 * {@code <none>} and by {@code -f dangling=true}, run by its id, refused to {@code rmi} while a container uses it,
 * removed by {@code rmi ID} and by {@code image prune}; a parent stays under the image committed from it, dangling when
 * its last name goes, until that child goes. Each image carries a label of this run's and every listing and
 * prune is narrowed to it: the dockerd is shared.
 */
class ServeUntaggedImagesIT extends ServeWithDockerCli {
    private final String label = "dev.stevedore.test.untagged=" + UUID.randomUUID();

    @Test
    void anUntaggedBuildIsListedRunByItsIdAndPruned(@TempDir Path context) throws IOException {
        Files.writeString(context.resolve("Dockerfile"), "FROM " + busybox + "\nLABEL " + label + "\nRUN echo built > /made\n");
        Map<String, List<String>> seen = new LinkedHashMap<>();
        for (Path server : dockerdThenServe()) {
            try {
                seen.put(server == socket ? "serve" : "dockerd", buildListRunPrune(server, context));
            } finally {
                removeLabelled(server, List.of());
            }
        }
        assertThat(seen.get("serve")).isEqualTo(seen.get("dockerd")).containsExactly(
                "listed: [<none> <none> ID]", "tags: []", "run by id: [built]", "pruned: 1", "left: []");
    }

    private List<String> buildListRunPrune(Path server, Path context) {
        List<String> lines = new ArrayList<>();
        String built = DockerCli.run(server, "build", context.toString()).stream()
                .filter(l -> l.startsWith("Successfully built ")).findFirst().orElseThrow()
                .substring("Successfully built ".length());
        String id = inspect(server, built, "{{.Id}}");
        lines.add("listed: " + DockerCli.run(server, "images", "-f", "dangling=true", "-f", "label=" + label,
                "--format", "{{.Repository}} {{.Tag}} {{.ID}}").toString().replace(built, "ID"));
        lines.add("tags: " + inspect(server, built, "{{json .RepoTags}}"));
        lines.add("run by id: " + withoutWarnings(DockerCli.run(server, "run", "--rm", built, "cat", "/made")));
        lines.add("pruned: " + DockerCli.run(server, "image", "prune", "-f", "--filter", "label=" + label).stream()
                .filter(l -> l.equals("deleted: " + id)).toList().size());
        lines.add("left: " + DockerCli.run(server, "images", "-a", "-q", "-f", "label=" + label));
        return lines;
    }

    @Test
    void aCommitWithoutARepositoryIsRemovedByItsIdOnceNoContainerUsesIt() {
        Map<String, List<String>> seen = new LinkedHashMap<>();
        for (Path server : dockerdThenServe()) {
            List<String> containers = new ArrayList<>();
            try {
                seen.put(server == socket ? "serve" : "dockerd", commitAndRemove(server, containers));
            } finally {
                removeLabelled(server, containers);
            }
        }
        assertThat(seen.get("serve")).isEqualTo(seen.get("dockerd")).containsExactly("dangling: [ID]", "rmi: 1", "left: []");
    }

    private List<String> commitAndRemove(Path server, List<String> containers) {
        List<String> lines = new ArrayList<>();
        String container = created(DockerCli.run(server, "create", busybox, "sh", "-c", "echo x > /x"));
        containers.add(container);
        DockerCli.run(server, "start", "-a", container);
        String id = DockerCli.run(server, "commit", "-c", "LABEL " + label, container).stream()
                .filter(l -> l.startsWith("sha256:")).findFirst().orElseThrow();
        String shortId = id.substring("sha256:".length(), "sha256:".length() + 12);
        lines.add("dangling: " + DockerCli.run(server, "images", "-q", "-f", "dangling=true", "-f", "label=" + label)
                .toString().replace(shortId, "ID"));
        String user = created(DockerCli.run(server, "create", shortId, "true"));
        containers.add(user);
        assertThatThrownBy(() -> DockerCli.run(server, "rmi", shortId)).as("rmi while %s uses it", user)
                .hasMessageContaining("conflict: unable to delete " + shortId + " (must be forced) - image is being used by"
                        + " stopped container " + user.substring(0, 12));
        DockerCli.run(server, "rm", user);
        lines.add("rmi: " + DockerCli.run(server, "rmi", shortId).stream().filter(l -> l.equals("Deleted: " + id)).count());
        lines.add("left: " + DockerCli.run(server, "images", "-a", "-q", "-f", "label=" + label));
        return lines;
    }

    @Test
    void aParentImageStaysUnderTheImageCommittedFromIt() {
        Map<String, List<String>> seen = new LinkedHashMap<>();
        for (Path server : dockerdThenServe()) {
            List<String> containers = new ArrayList<>();
            try {
                seen.put(server == socket ? "serve" : "dockerd", parentAndChild(server, containers));
            } finally {
                removeLabelled(server, containers);
            }
        }
        assertThat(seen.get("serve")).isEqualTo(seen.get("dockerd")).containsExactly(
                "rmi -f parent: conflict: unable to delete A (cannot be forced) - image has dependent child images",
                "rmi other name: [Untagged: OTHER:1]", "rmi last name: [Untagged: PARENT:1]", "listed: [B]",
                "listed -a: [B, A]", "dangling -a: []",
                "pruned: []", "rmi child: [Untagged: CHILD:1, Deleted: B, Deleted: A]", "left: []");
    }

    private List<String> parentAndChild(Path server, List<String> containers) {
        String names = "local.test/parity-" + UUID.randomUUID().toString().substring(0, 8);
        String parent = committed(server, busybox, names + "-parent:1", containers);
        // dockerd lists images by their created second, in no set order within one: the child is made a second later
        long second = java.time.Instant.now().getEpochSecond();
        while (java.time.Instant.now().getEpochSecond() == second) {
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000_000L - java.time.Instant.now().getNano() + 1_000_000L);
        }
        String child = committed(server, names + "-parent:1", names + "-child:1", containers);
        String a = parent.substring("sha256:".length(), "sha256:".length() + 12);
        Map<String, String> placeholders = new LinkedHashMap<>(); // whole ids before the short ones they hold
        placeholders.put(parent, "A");
        placeholders.put(child, "B");
        placeholders.put(a, "A");
        placeholders.put(child.substring("sha256:".length(), "sha256:".length() + 12), "B");
        placeholders.put(names + "-parent", "PARENT");
        placeholders.put(names + "-child", "CHILD");
        placeholders.put(names + "-other", "OTHER");
        java.util.function.Function<Object, String> normal = output -> {
            String text = output.toString();
            for (Map.Entry<String, String> e : placeholders.entrySet()) {
                text = text.replace(e.getKey(), e.getValue());
            }
            return text;
        };
        List<String> lines = new ArrayList<>();
        AssertionError refused = org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class,
                () -> DockerCli.run(server, "rmi", "-f", a));
        String conflict = "conflict: unable to delete " + a + " (cannot be forced) - image has dependent child images";
        lines.add("rmi -f parent: " + (refused.getMessage().contains(conflict) ? normal.apply(conflict) : refused.getMessage()));
        DockerCli.run(server, "tag", names + "-parent:1", names + "-other:1");
        lines.add("rmi other name: " + normal.apply(DockerCli.run(server, "rmi", names + "-other:1")));
        lines.add("rmi last name: " + normal.apply(DockerCli.run(server, "rmi", names + "-parent:1")));
        lines.add("listed: " + normal.apply(DockerCli.run(server, "images", "-q", "-f", "label=" + label)));
        lines.add("listed -a: " + normal.apply(DockerCli.run(server, "images", "-a", "-q", "-f", "label=" + label)));
        lines.add("dangling -a: " + normal.apply(DockerCli.run(server, "images", "-a", "-q", "-f", "dangling=true",
                "-f", "label=" + label)));
        lines.add("pruned: " + normal.apply(DockerCli.run(server, "image", "prune", "-f", "--filter", "label=" + label)
                .stream().filter(l -> l.startsWith("deleted: ")).toList()));
        // dockerd lists the layers it deleted too (serve does not): the images' lines are compared
        lines.add("rmi child: " + normal.apply(DockerCli.run(server, "rmi", names + "-child:1").stream()
                .filter(l -> l.startsWith("Untagged: ") || l.equals("Deleted: " + child) || l.equals("Deleted: " + parent))
                .toList()));
        lines.add("left: " + DockerCli.run(server, "images", "-a", "-q", "-f", "label=" + label));
        return lines;
    }

    /** Commits a container of {@code image} (that writes a file) as {@code name}, labelled; returns the image's id. */
    private String committed(Path server, String image, String name, List<String> containers) {
        String container = created(DockerCli.run(server, "create", image, "sh", "-c", "echo x > /" + containers.size()));
        containers.add(container);
        DockerCli.run(server, "start", "-a", container);
        DockerCli.run(server, "commit", "-c", "LABEL " + label, container, name);
        DockerCli.run(server, "rm", container); // a container of the parent would hold it on its own
        return inspect(server, name, "{{.Id}}");
    }

    /** Removes {@code containers}, then every image with this run's label, whatever a failed test left. */
    private void removeLabelled(Path server, List<String> containers) {
        for (String container : containers) {
            quietly(server, "rm", "-f", container);
        }
        for (String image : DockerCli.run(server, "images", "-a", "-q", "-f", "label=" + label)) {
            quietly(server, "rmi", "-f", image);
        }
    }

    private static void quietly(Path server, String... arguments) {
        try {
            DockerCli.run(server, arguments);
        } catch (AssertionError gone) {
            // removed by the test, or with another image
        }
    }

    /** The output without the test bed dockerd's warnings (IPv4 forwarding is off there). */
    private static List<String> withoutWarnings(List<String> lines) {
        return lines.stream().filter(l -> !l.startsWith("WARNING:")).toList();
    }

    /** The id {@code docker create} printed, past any warning. */
    private static String created(List<String> lines) {
        return lines.stream().filter(l -> l.matches("[0-9a-f]{64}")).findFirst().orElseThrow(() ->
                new AssertionError("docker create printed no id: " + lines));
    }

    private static String inspect(Path server, String image, String format) {
        return DockerCli.run(server, "image", "inspect", "-f", format, image).get(0);
    }
}
