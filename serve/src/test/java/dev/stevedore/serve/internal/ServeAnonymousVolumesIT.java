package dev.stevedore.serve.internal;

import dev.stevedore.engine.internal.docker.DockerCli;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Anonymous volumes ({@code docker run -v /data}) through the server, beside the test bed's dockerd in the same
 * test with the same docker CLI commands: a generated name and its data directory in inspect, kept by {@code docker
 * rm} (dangling, listed), removed by {@code docker rm -v} and by an auto-remove, and kept while a container that got
 * it with {@code --volumes-from} is there. Each volume is followed by its name (the dockerd is shared: counts of
 * its volumes move with other tests).
 */
class ServeAnonymousVolumesIT extends ServeWithDockerCli {

    @Test
    void anonymousVolumesAreKeptAndRemovedAsDockerdDoes() {
        List<List<String>> seen = new ArrayList<>();
        for (Path server : dockerdThenServe()) {
            seen.add(observe(server));
        }

        assertThat(seen.get(1)).as("serve, as dockerd").isEqualTo(seen.get(0));
        assertThat(seen.get(0)).containsExactly("inspect: 64-hex name, its _data, local ''",
                "rm: listed", "rm -v: gone", "--rm: gone", "rm -v of the first: listed", "read: shared",
                "rm -v of the last: gone");
    }

    @Test
    void runRmLeavesNoVolumeAndPruneTakesOnlyDanglingAnonymousOnesUnlessAll() {
        List<String> before = DockerCli.run(socket, "volume", "ls", "-q");
        DockerCli.run(socket, "run", "--rm", "-v", "/data", busybox, "sh", "-c", "echo x > /data/f");
        assertThat(DockerCli.run(socket, "volume", "ls", "-q")).as("docker run --rm -v /data").isEqualTo(before);

        String named = "named-" + UUID.randomUUID();
        String id = last(DockerCli.run(socket, "create", "-v", "/data", "-v", named + ":/named", busybox, "true"));
        String anonymous = volumeAt(socket, id, "/data");
        DockerCli.run(socket, "rm", id);
        assertThat(DockerCli.run(socket, "volume", "ls", "-q", "--filter", "dangling=true")).contains(anonymous, named);

        DockerCli.run(socket, "volume", "prune", "-f");
        assertThat(DockerCli.run(socket, "volume", "ls", "-q")).as("docker 23's prune: anonymous ones only")
                .doesNotContain(anonymous).contains(named);
        DockerCli.run(socket, "volume", "prune", "-a", "-f");
        assertThat(DockerCli.run(socket, "volume", "ls", "-q")).doesNotContain(named);
    }

    /** What the docker CLI sees of anonymous volumes on {@code server}, in words that are the same for both. */
    private List<String> observe(Path server) {
        List<String> seen = new ArrayList<>();
        String suffix = UUID.randomUUID().toString().substring(0, 8);

        String kept = made(server, last(DockerCli.run(server, "create", "-v", "/data", busybox, "true")));
        String name = volumeAt(server, kept, "/data");
        String shown = last(DockerCli.run(server, "inspect", "-f",
                "{{range .Mounts}}{{.Source}} {{.Driver}} '{{.Mode}}'{{end}}", kept));
        String source = shown.substring(0, shown.indexOf(' '));
        seen.add("inspect: " + (name.matches("[0-9a-f]{64}") ? "64-hex name" : name) + ", "
                + (source.startsWith("/") && source.endsWith("/" + name + "/_data") ? "its _data" : source) + ", "
                + shown.substring(shown.indexOf(' ') + 1));
        DockerCli.run(server, "rm", kept);
        seen.add("rm: " + listed(server, name));
        DockerCli.run(server, "volume", "rm", name);

        String removed = last(DockerCli.run(server, "create", "-v", "/data", busybox, "true"));
        String removedName = volumeAt(server, removed, "/data");
        DockerCli.run(server, "rm", "-v", removed);
        seen.add("rm -v: " + listed(server, removedName));

        String auto = last(DockerCli.run(server, "create", "--rm", "-v", "/data", busybox, "true"));
        String autoName = volumeAt(server, auto, "/data");
        DockerCli.run(server, "start", "-a", auto);
        // the daemon removes an auto-remove container (and its volumes) after its end, on its own time
        await().atMost(Duration.ofSeconds(30)).until(() -> listed(server, autoName).equals("gone"));
        seen.add("--rm: gone");

        String first = made(server, last(DockerCli.run(server, "create", "--name", "anon-src-" + suffix, "-v", "/data",
                busybox, "sh", "-c", "echo shared > /data/f")));
        DockerCli.run(server, "start", "-a", first);
        String sharedName = volumeAt(server, first, "/data");
        String reader = made(server, last(DockerCli.run(server, "create", "--volumes-from", "anon-src-" + suffix, busybox,
                "cat", "/data/f")));
        DockerCli.run(server, "rm", "-v", first);
        seen.add("rm -v of the first: " + listed(server, sharedName));
        seen.add("read: " + String.join(" ", DockerCli.run(server, "start", "-a", reader)));
        DockerCli.run(server, "rm", "-v", reader);
        seen.add("rm -v of the last: " + listed(server, sharedName));
        return seen;
    }

    private static String volumeAt(Path server, String container, String target) {
        String name = last(DockerCli.run(server, "inspect", "-f",
                "{{range .Mounts}}{{if eq .Destination \"" + target + "\"}}{{.Name}}{{end}}{{end}}", container));
        assertThat(name).as("the volume on " + target + " of " + container).isNotEmpty();
        return name;
    }

    private static String listed(Path server, String volume) {
        return DockerCli.run(server, "volume", "ls", "-q").contains(volume) ? "listed" : "gone";
    }
}
