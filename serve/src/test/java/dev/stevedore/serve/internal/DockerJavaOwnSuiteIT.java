package dev.stevedore.serve.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.CommitCmd;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.api.model.Volume;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What docker-java's own integration tests ({@code com.github.dockerjava.cmd.*CmdIT}, run from outside by
 * {@code bench/docker-java-its}) found serve answering otherwise than dockerd, asked here the way those tests ask,
 * on serve and on dockerd in the same run: {@code Info.NFd}, the {@code volume} filter of the container list,
 * {@code Config.Volumes} that binds cover echoed by inspect, {@code docker save} of no image, the blank {@code HostIp} of a port binding echoed by inspect, the status of a
 * host port taken at start, unpause of a container that is not paused; and images no tag names (#17's untagged
 * images): a commit without a repository inspected, listed dangling, tagged and removed by its id, and a build without
 * a tag whose image runs by its id.
 */
class DockerJavaOwnSuiteIT extends DockerJavaPeers {

    @Test
    void infoCountsTheServersOpenFiles() {
        // InfoCmdIT: NFd > 0 (dockerd counts its own descriptors)
        Map<String, Boolean> counted = onBoth(client -> client.infoCmd().exec().getNFd() > 0);
        assertThat(counted.get("serve")).isEqualTo(counted.get("dockerd")).isTrue();
    }

    @Test
    void volumeFilterListsTheContainersThatMountTheVolumeByNameOrDestination() {
        // ListContainersCmdIT.testVolumeFilter
        Map<String, List<String>> listed = onBoth(client -> {
            String volume = prefix + "filtered";
            String label = prefix + "volume-filter";
            client.createVolumeCmd().withName(volume).withDriver("local").exec();
            try {
                create(client, "with-volume", c -> c.withLabels(Map.of(label, "1"))
                        .withHostConfig(HostConfig.newHostConfig().withBinds(new Bind(volume, new Volume("/test")))), "true");
                create(client, "without-volume", c -> c.withLabels(Map.of(label, "1")), "true");
                List<String> seen = new ArrayList<>();
                for (String wanted : List.of(volume, "/test", prefix + "no-such-volume")) {
                    seen.add(wanted.replace(prefix, "P-") + " -> " + client.listContainersCmd().withShowAll(true)
                            .withLabelFilter(Map.of(label, "1")).withVolumeFilter(List.of(wanted)).exec().stream()
                            .map(Container::getNames).map(names -> names[0].replace(prefix, "P-")).toList());
                }
                return seen;
            } finally {
                client.removeContainerCmd(prefix + "with-volume").withForce(true).exec();
                client.removeVolumeCmd(volume).exec();
            }
        });
        assertThat(listed.get("serve")).isEqualTo(listed.get("dockerd")).containsExactly(
                "P-filtered -> [/P-with-volume]", "/test -> [/P-with-volume]", "P-no-such-volume -> []");
    }

    @Test
    void aNetworkIsInspectedAttachableAndInternalAsCreated() {
        // CreateNetworkCmdIT.createAttachableNetwork: Attachable was accepted, then inspected false
        Map<String, String> echoed = onBoth(client -> {
            String attachable = prefix + "attachable";
            String internal = prefix + "internal";
            client.createNetworkCmd().withName(attachable).withAttachable(true).exec();
            client.createNetworkCmd().withName(internal).withInternal(true).exec();
            try {
                var a = client.inspectNetworkCmd().withNetworkId(attachable).exec();
                var i = client.inspectNetworkCmd().withNetworkId(internal).exec();
                return "attachable=" + a.isAttachable() + " internal=" + a.getInternal() + "; attachable=" + i.isAttachable()
                        + " internal=" + i.getInternal();
            } finally {
                client.removeNetworkCmd(attachable).exec();
                client.removeNetworkCmd(internal).exec();
            }
        });
        assertThat(echoed.get("serve")).isEqualTo(echoed.get("dockerd"))
                .isEqualTo("attachable=true internal=false; attachable=false internal=true");
    }

    @Test
    void inspectEchoesDeclaredVolumesThatBindsCover() {
        // StartContainerCmdIT.startContainerWithVolumes: Config.Volumes paths that binds mount
        Map<String, String> echoed = onBoth(client -> {
            // declared out of order: dockerd answers them sorted (a Go map), and docker-java's test reads that order
            String id = create(client, "declared-volumes", c -> c.withVolumes(new Volume("/opt/webapp2"), new Volume("/opt/webapp1"))
                    .withHostConfig(HostConfig.newHostConfig().withBinds(new Bind("/tmp", new Volume("/opt/webapp1")))), "true");
            return String.valueOf(client.inspectContainerCmd(id).exec().getConfig().getVolumes().keySet());
        });
        assertThat(echoed.get("serve")).isEqualTo(echoed.get("dockerd")).isEqualTo("[/opt/webapp1, /opt/webapp2]");
    }

    @Test
    void saveOfNoImageIsAnArchiveWithoutImages() {
        // SaveImagesCmdIT.saveNoImages: dockerd answers 200 and a tar whose manifest.json names no image
        Map<String, String> saved = onBoth(client -> {
            try (InputStream tar = client.saveImagesCmd().exec()) {
                return imagesIn(tar);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        assertThat(saved.get("serve")).isEqualTo(saved.get("dockerd")).isEqualTo("manifest.json lists 0 images, 0 layer files");
    }

    @Test
    void inspectEchoesABlankHostIpAsAsked() {
        // CreateContainerCmdIT.createContainerWithPortBindings, StartContainerCmdIT.startContainerWithPortBindings;
        // docker-java reads dockerd's "" as null
        Map<String, String> echoed = onBoth(client -> {
            int port = freePort();
            // an address other than serve's default is echoed as given (the container is never started)
            String id = createWithPorts(client, "port-echo", Ports.Binding.bindPort(port),
                    Ports.Binding.bindIpAndPort("127.0.0.2", port + 1 > 65535 ? port - 1 : port + 1));
            Map<ExposedPort, Ports.Binding[]> bindings = client.inspectContainerCmd(id).exec().getHostConfig().getPortBindings().getBindings();
            return "22: [" + bindings.get(ExposedPort.tcp(22))[0].getHostIp() + "] 23: [" + bindings.get(ExposedPort.tcp(23))[0].getHostIp() + "]";
        });
        assertThat(echoed.get("serve")).isEqualTo(echoed.get("dockerd")).isEqualTo("22: [null] 23: [127.0.0.2]");
    }

    @Test
    void aHostPortTakenAtStartIsAServerError() {
        // StartContainerCmdIT.startContainerWithConflictingPortBindings: two container ports on one host port
        Map<String, String> answers = onBoth(client -> {
            int port = freePort();
            String id = createWithPorts(client, "port-taken", Ports.Binding.bindPort(port), Ports.Binding.bindPort(port));
            return DockerJavaControlsIT.failure(() -> client.startContainerCmd(id).exec());
        });
        assertThat(answers.get("serve")).isEqualTo(answers.get("dockerd")).isEqualTo("InternalServerErrorException 500");
    }

    @Test
    void unpauseOfACreatedOrExitedContainerSaysItIsNotPaused() {
        // UnpauseCmdIT.unpauseCreatedContainer, unpauseStoppedContainer
        Map<String, List<String>> answers = onBoth(client -> {
            String id = create(client, "unpause-unpaused", c -> { }, "true");
            List<String> seen = new ArrayList<>();
            seen.add("created: " + DockerJavaControlsIT.failure(() -> client.unpauseContainerCmd(id).exec()));
            client.startContainerCmd(id).exec();
            client.waitContainerCmd(id).start().awaitStatusCode(2, TimeUnit.MINUTES);
            seen.add("exited: " + DockerJavaControlsIT.failure(() -> client.unpauseContainerCmd(id).exec()));
            seen.add("pause exited: " + DockerJavaControlsIT.failure(() -> client.pauseContainerCmd(id).exec()));
            return seen;
        });
        assertThat(answers.get("serve")).isEqualTo(answers.get("dockerd")).containsExactly(
                "created: InternalServerErrorException 500", "exited: InternalServerErrorException 500",
                "pause exited: ConflictException 409");
    }

    @Test
    void aCommitWithoutARepositoryIsInspectedByItsIdWithItsLabelsAndAuthor() {
        // CommitCmdIT.commitWithLabels, InspectImageCmdIT.inspectImage: commitCmd(id) without a repository
        Map<String, String> inspected = onBoth(client -> {
            String imageId = committed(client, "commit-untagged", c -> c.withLabels(Map.of("label1", "abc"))
                    .withAuthor("author <author@example.test>"));
            try {
                var image = client.inspectImageCmd(imageId).exec();
                return "tags=" + image.getRepoTags() + " label1=" + image.getConfig().getLabels().get("label1")
                        + " author=" + image.getAuthor() + " id=" + image.getId().equals(imageId);
            } finally {
                client.removeImageCmd(imageId).exec();
            }
        });
        assertThat(inspected.get("serve")).isEqualTo(inspected.get("dockerd"))
                .isEqualTo("tags=[] label1=abc author=author <author@example.test> id=true");
    }

    @Test
    void aCommittedImageWithoutARepositoryIsListedDangling() {
        // ListImagesCmdIT.listDanglingImages: the commit is among withDanglingFilter(true), as <none>:<none>
        Map<String, String> listed = onBoth(client -> {
            String imageId = committed(client, "commit-dangling", c -> { });
            try {
                String dangling = client.listImagesCmd().withDanglingFilter(true).withShowAll(true).exec().stream()
                        .filter(i -> i.getId().equals(imageId)).map(i -> List.of(i.getRepoTags()).toString()).findFirst().orElse("absent");
                boolean inTagged = client.listImagesCmd().withDanglingFilter(false).exec().stream()
                        .anyMatch(i -> i.getId().equals(imageId));
                return "dangling: " + dangling + ", among the tagged: " + inTagged;
            } finally {
                client.removeImageCmd(imageId).exec();
            }
        });
        assertThat(listed.get("serve")).isEqualTo(listed.get("dockerd"))
                .isEqualTo("dangling: [<none>:<none>], among the tagged: false");
    }

    @Test
    void anUntaggedImageIsRemovedByItsId() {
        // RemoveImageCmdIT.removeImage: commit a running container, remove it, then the image by its id
        Map<String, String> removed = onBoth(client -> {
            String id = runSleeping(client, "commit-removed");
            String imageId = client.commitCmd(id).exec();
            client.removeContainerCmd(id).withForce(true).exec();
            client.removeImageCmd(imageId).exec();
            boolean listed = client.listImagesCmd().withShowAll(true).exec().stream().anyMatch(i -> i.getId().equals(imageId));
            return "listed after removal: " + listed + ", inspect: "
                    + DockerJavaControlsIT.failure(() -> client.inspectImageCmd(imageId).exec());
        });
        assertThat(removed.get("serve")).isEqualTo(removed.get("dockerd"))
                .isEqualTo("listed after removal: false, inspect: NotFoundException 404");
    }

    @Test
    void aBuildWithoutATagAnswersTheIdOfAnImageThatRunsById(@TempDir Path context) throws IOException {
        // BuildImageCmdIT (awaitImageId reads "Successfully built ID"): docker build . without -t
        Files.writeString(context.resolve("Dockerfile"), "FROM " + busybox + "\nRUN echo untagged-build > /made\n");
        Map<String, String> built = onBoth(client -> {
            String imageId = client.buildImageCmd(context.toFile()).start().awaitImageId();
            try {
                var image = client.inspectImageCmd(imageId).exec();
                String container = client.createContainerCmd(imageId).withName(container("built-untagged"))
                        .withCmd("cat", "/made").exec().getId();
                String output = runToEnd(client, container).trim();
                client.removeContainerCmd(container).exec();
                return "tags=" + image.getRepoTags() + " output=" + output;
            } finally {
                client.removeImageCmd(imageId).exec();
            }
        });
        assertThat(built.get("serve")).isEqualTo(built.get("dockerd")).isEqualTo("tags=[] output=untagged-build");
    }

    @Test
    void aTagNamesACommittedImageAndItsLastTagTakesItAlong() {
        // TagImageCmdIT on a commit's id: tagged, it is no longer dangling; untagged by name, it is gone
        Map<String, String> answers = onBoth(client -> {
            String imageId = committed(client, "commit-tagged", c -> { });
            String repository = image("tagged-commit");
            client.tagImageCmd(imageId, repository, "v1").exec();
            boolean dangling = client.listImagesCmd().withDanglingFilter(true).exec().stream().anyMatch(i -> i.getId().equals(imageId));
            String tags = String.valueOf(client.inspectImageCmd(imageId).exec().getRepoTags());
            client.removeImageCmd(repository + ":v1").exec();
            boolean listed = client.listImagesCmd().withShowAll(true).exec().stream().anyMatch(i -> i.getId().equals(imageId));
            return "dangling once tagged: " + dangling + ", tags: " + tags.replace(prefix, "P-") + ", listed once untagged: " + listed;
        });
        assertThat(answers.get("serve")).isEqualTo(answers.get("dockerd"))
                .isEqualTo("dangling once tagged: false, tags: [P-tagged-commit:v1], listed once untagged: false");
    }

    /** The id of an image committed, without a repository, from a busybox container that wrote a file. */
    private String committed(DockerClient client, String name, java.util.function.Consumer<CommitCmd> customize) {
        String id = create(client, name, c -> { }, "sh", "-c", "echo committed > /committed");
        runToEnd(client, id);
        CommitCmd commit = client.commitCmd(id);
        customize.accept(commit);
        String imageId = commit.exec();
        client.removeContainerCmd(id).exec();
        return imageId;
    }

    /** A container running {@code true} with 22/tcp and 23/tcp bound as given. */
    private String createWithPorts(DockerClient client, String name, Ports.Binding port22, Ports.Binding port23) {
        Ports ports = new Ports();
        ports.bind(ExposedPort.tcp(22), port22);
        ports.bind(ExposedPort.tcp(23), port23);
        return create(client, name, c -> c.withExposedPorts(ExposedPort.tcp(22), ExposedPort.tcp(23))
                .withHostConfig(HostConfig.newHostConfig().withPortBindings(ports)), "true");
    }

    /** A port free on the host now; each peer takes its own, so the two never collide. */
    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** How many images a docker save archive's manifest.json lists ({@code null} is none), and its layer files. */
    private static String imagesIn(InputStream in) throws IOException {
        TarArchiveInputStream tar = new TarArchiveInputStream(in);
        JsonNode manifest = null;
        int layers = 0;
        for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
            if (entry.getName().equals("manifest.json")) {
                manifest = new ObjectMapper().readTree(tar.readAllBytes());
            } else if (entry.isFile() && (entry.getName().endsWith("layer.tar") || entry.getName().startsWith("blobs/"))) {
                layers++;
            }
        }
        int images = manifest == null || manifest.isNull() ? 0 : manifest.size();
        return (manifest == null ? "no manifest.json" : "manifest.json lists " + images + " images") + ", " + layers + " layer files";
    }
}
