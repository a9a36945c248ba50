package dev.stevedore.serve.internal;

import dev.stevedore.engine.internal.docker.DockerCli;
import org.junit.jupiter.api.Test;


import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Volumes through the server, as the docker CLI sees them: created ones and those containers mount are listed
 * (and stay listed after the container is gone, as Docker's), one in use is not removed, unused ones are, and
 * data written to a named volume outlives its container.
 */
class ServeVolumesIT extends ServeWithDockerCli {

    @Test
    void createdAndMountedVolumesAreListedAndOnlyUnusedOnesRemoved() {
        DockerCli.run(socket, "volume", "create", "--label", "purpose=test", "made-first");
        DockerCli.run(socket, "run", "--name", "writer", "-v", "mounted:/data", busybox, "sh", "-c", "echo kept > /data/f");

        assertThat(DockerCli.run(socket, "volume", "ls", "-q")).contains("made-first", "mounted");
        assertThat(DockerCli.run(socket, "volume", "ls", "-q", "--filter", "label=purpose=test")).containsExactly("made-first");
        assertThat(DockerCli.run(socket, "run", "--rm", "-v", "mounted:/data", busybox, "cat", "/data/f")).containsExactly("kept");
        assertThatThrownBy(() -> DockerCli.run(socket, "volume", "rm", "mounted")).hasMessageContaining("in use");
        assertThat(DockerCli.run(socket, "volume", "ls", "-q", "--filter", "dangling=true")).contains("made-first").doesNotContain("mounted");
        assertThat(DockerCli.run(socket, "volume", "inspect", "-f", "{{.Labels.purpose}} {{.Mountpoint}}", "made-first"))
                .singleElement().asString().startsWith("test " + directory.resolve("state")).endsWith("/made-first/_data");

        DockerCli.run(socket, "rm", "writer");
        assertThat(DockerCli.run(socket, "volume", "ls", "-q")).as("a volume outlives the container that made it").contains("mounted");
        DockerCli.run(socket, "volume", "rm", "made-first", "mounted");

        assertThat(DockerCli.run(socket, "volume", "ls", "-q")).doesNotContain("made-first", "mounted");
        assertThatThrownBy(() -> DockerCli.run(socket, "volume", "inspect", "made-first")).hasMessageContaining("no such volume");
    }

    @Test
    void pruneRemovesUnusedNamedVolumesOnlyWithAllAndRmForceIgnoresMissingOnes() {
        DockerCli.run(socket, "volume", "create", "prune-unused");
        DockerCli.run(socket, "run", "--name", "prune-user", "-v", "prune-used:/data", busybox, "true");

        DockerCli.run(socket, "volume", "prune", "-f");
        assertThat(DockerCli.run(socket, "volume", "ls", "-q")).as("named volumes survive a prune without --all")
                .contains("prune-unused", "prune-used");

        DockerCli.run(socket, "volume", "prune", "-a", "-f");
        assertThat(DockerCli.run(socket, "volume", "ls", "-q")).doesNotContain("prune-unused").contains("prune-used");

        DockerCli.run(socket, "rm", "prune-user");
        DockerCli.run(socket, "volume", "rm", "-f", "prune-used", "never-made");
        assertThat(DockerCli.run(socket, "volume", "ls", "-q")).doesNotContain("prune-used");
    }
}
