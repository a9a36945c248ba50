package dev.stevedore.engine.internal.docker;

import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.EngineSettings;
import dev.stevedore.engine.Mount;
import dev.stevedore.engine.testbed.Testbed;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Cleanup without a sidecar, against the test bed's real dockerd: {@code close()} removes a session's
 * containers and the volumes its mounts made; a new engine sweeps what processes that are gone left (a JVM
 * killed with SIGKILL among them) and keeps what live processes and recent foreign hosts own. The daemon's
 * view is checked with the docker CLI, not through the engine under test.
 */
class DockerCleanupIT {
    private static Path socket;
    private static String image;

    @BeforeAll
    static void testbed() {
        Testbed testbed = Testbed.get();
        socket = testbed.dockerSocket().orElseThrow(() -> new AssertionError(
                "the test bed's dockerd is not up: run `sudo testbed/dockerd up` (testbed.env has no DOCKER_SOCKET)"));
        image = testbed.plainRegistry() + "/library/busybox:latest";
    }

    private static DockerEngine open() {
        return DockerEngine.open(DockerEndpoint.unix(socket, "test bed"), EngineSettings.fromEnvironment());
    }

    @Test
    void closeRemovesTheSessionsContainersAndTheVolumesItsMountsMade() {
        String volume = "stevedore-it-" + UUID.randomUUID().toString().substring(0, 8);
        DockerEngine engine = open();
        String session = engine.session().toString();
        ContainerInfo running = engine.runContainer(ContainerSpec.builder(image).cmd("sleep", "600")
                .mount(Mount.volume(volume, "/data", false)).mount(Mount.volume("", "/anonymous", false)).build());
        ContainerInfo created = engine.createContainer(ContainerSpec.builder(image).cmd("true").build());
        assertThat(docker("ps", "-a", "-q", "--no-trunc", "--filter", "label=" + Labels.SESSION + "=" + session))
                .containsExactlyInAnyOrder(running.id(), created.id());
        // the named volume and the anonymous one, both made by the mounts and labelled with the session
        assertThat(docker("volume", "ls", "-q", "--filter", "label=" + Labels.SESSION + "=" + session)).hasSize(2).contains(volume);

        engine.close();

        assertThat(docker("ps", "-a", "-q", "--filter", "label=" + Labels.SESSION + "=" + session)).isEmpty();
        assertThat(docker("volume", "ls", "-q", "--filter", "name=" + volume)).isEmpty();
        assertThat(docker("volume", "ls", "-q", "--filter", "label=" + Labels.SESSION + "=" + session)).isEmpty();
    }

    @Test
    void aContainerMarkedKeepOutlivesItsEngine() {
        DockerEngine engine = open();
        ContainerInfo kept = engine.runContainer(ContainerSpec.builder(image).cmd("sleep", "600").label(Labels.KEEP, "true").build());
        try {
            assertThat(kept.labels()).doesNotContainKeys(Labels.SESSION, Labels.OWNER);

            engine.close();
            open().close();

            assertThat(docker("ps", "-q", "--no-trunc")).contains(kept.id());
        } finally {
            docker("rm", "-f", kept.id());
        }
    }

    @Test
    void openingSweepsWhatGoneProcessesLeftAndKeepsWhatLiveOnesOwn() {
        String host = Labels.hostName();
        String gone = new Labels.Owner(host, Integer.MAX_VALUE - 7, Instant.ofEpochMilli(1_000)).toString();
        String alive = Labels.Owner.current().toString();
        String foreign = new Labels.Owner("another-ci-runner", 1, Instant.now()).toString();
        String left = createLabelled(gone);
        String kept = createLabelled(alive);
        String foreignRecent = createLabelled(foreign);
        try {
            open().close();

            assertThat(docker("ps", "-a", "-q", "--no-trunc")).doesNotContain(left).contains(kept, foreignRecent);
        } finally {
            docker("rm", "-f", kept, foreignRecent);
        }
    }

    @Test
    void aJvmKilledWithSigkillLeavesNothingOnceTheNextEngineOpens() throws Exception {
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), LeaveContainerMain.class.getName(), socket.toString(), image)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String id;
        try {
            id = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8)).readLine();
            assertThat(id).as("the child JVM's container id").matches("[0-9a-f]{64}");
            assertThat(docker("inspect", "-f", "{{.State.Running}}", id)).containsExactly("true");
        } finally {
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        // the kill gave the child no chance to clean up: its container runs on
        assertThat(docker("ps", "-q", "--no-trunc")).contains(id);

        open().close();

        assertThat(docker("ps", "-a", "-q", "--no-trunc")).doesNotContain(id);
    }

    /** A container created with the docker CLI, carrying a Stevedore owner label and a session of its own. */
    private static String createLabelled(String owner) {
        List<String> out = docker("create", "--label", Labels.OWNER + "=" + owner, "--label", Labels.SESSION + "=" + UUID.randomUUID(),
                image, "true");
        return out.get(out.size() - 1);
    }

    private static List<String> docker(String... arguments) {
        return DockerCli.run(socket, arguments);
    }
}
