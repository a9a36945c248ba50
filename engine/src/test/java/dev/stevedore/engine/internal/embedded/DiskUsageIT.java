package dev.stevedore.engine.internal.embedded;

import dev.stevedore.engine.BuildSpec;
import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.DiskUsage;
import dev.stevedore.engine.EngineSettings;
import dev.stevedore.engine.ImageReference;
import dev.stevedore.engine.Mount;
import dev.stevedore.engine.VolumeSpec;
import dev.stevedore.engine.testbed.Testbed;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ContainerEngine#diskUsage()} on the embedded engine: what a container wrote to its own layer, what a volume
 * holds and which containers mount it, an image's layers shared with an image built on it, and the build cache's steps
 * with how often builds used them. (Through serve, compared with dockerd's answer for the same containers: ServeDiskUsageIT.)
 */
class DiskUsageIT {
    @TempDir
    Path state;
    @TempDir
    Path context;

    private ContainerEngine engine;
    private final String busybox = Testbed.get().plainRegistry() + "/library/busybox:latest";

    @BeforeEach
    void open() {
        engine = ContainerEngine.embedded(EngineSettings.fromEnvironment().withStateDirectory(state));
    }

    @AfterEach
    void close() {
        engine.containers(true, java.util.Map.of()).forEach(c -> engine.removeContainer(c.id(), true));
        engine.close();
    }

    /**
     * A prune reclaims what df called reclaimable: the images' unpacked sizes, as docker image prune's "Total reclaimed
     * space" (it reported the compressed blobs' bytes, about half of it for busybox).
     */
    @Test
    void aPruneReclaimsTheSizeDfCalledReclaimable() {
        engine.pull(busybox);
        long size = engine.image(ImageReference.parse(busybox)).orElseThrow().size();
        assertThat(engine.diskUsage().layersSize()).as("df's reclaimable").isEqualTo(size);

        assertThat(engine.pruneImages(true, java.util.List.of()).spaceReclaimed()).isEqualTo(size);
        assertThat(engine.images()).isEmpty();
    }

    @Test
    void countsAContainersWritesAVolumesBytesSharedLayersAndCachedSteps() throws Exception {
        engine.pull(busybox);
        engine.createVolume(VolumeSpec.named("kept"));
        ContainerInfo writer = engine.runContainer(ContainerSpec.builder(busybox).name("writer")
                .mount(Mount.volume("kept", "/data", false))
                .cmd("sh", "-c", "dd if=/dev/zero of=/written bs=1024 count=1024 && dd if=/dev/zero of=/data/f bs=1024 count=512")
                .build());
        assertThat(engine.waitContainer(writer.id(), Duration.ofMinutes(1)).exitCode()).isZero();
        Files.writeString(context.resolve("Dockerfile"), "FROM " + busybox + "\nRUN echo built > /built\n");
        ImageReference built = ImageReference.parse("local.test/df:1");
        engine.build(BuildSpec.builder(context).tag(built).build(), e -> { });
        engine.build(BuildSpec.builder(context).tag(built).build(), e -> { });

        DiskUsage usage = engine.diskUsage();

        DiskUsage.ContainerUsage container = usage.containers().stream().filter(c -> c.container().name().equals("writer"))
                .findFirst().orElseThrow();
        assertThat(container.sizeRw()).as("what the container wrote, and nothing of the volume").isEqualTo(1024 * 1024);
        DiskUsage.ImageUsage base = usage.images().stream()
                .filter(i -> i.image().references().stream().anyMatch(r -> r.familiar().equals(busybox))).findFirst().orElseThrow();
        assertThat(container.sizeRootFs()).isEqualTo(container.sizeRw() + base.size());
        assertThat(base.containers()).isEqualTo(1);
        // sizes as dockerd counts them, layers unpacked (no config blob): busybox's one layer is the built image's first
        assertThat(base.sharedSize()).as("busybox's layer is the built image's first").isPositive().isEqualTo(base.size());
        assertThat(base.size()).as("unpacked, not the compressed blob").isEqualTo(contentSizeOfBusybox());
        DiskUsage.ImageUsage derived = usage.images().stream()
                .filter(i -> i.image().references().stream().anyMatch(r -> r.equals(built))).findFirst().orElseThrow();
        assertThat(derived.containers()).isZero();
        assertThat(derived.sharedSize()).as("the layer both have, and not the RUN's").isEqualTo(base.sharedSize());
        assertThat(derived.size()).as("the RUN's layer: the 6 bytes of /built").isEqualTo(base.size() + "built\n".length());
        assertThat(usage.layersSize()).as("each layer once: the shared layer is not counted twice")
                .isEqualTo(base.size() + derived.size() - base.sharedSize());

        DiskUsage.VolumeUsage volume = usage.volumes().stream().filter(v -> v.volume().name().equals("kept")).findFirst().orElseThrow();
        assertThat(volume.size()).isEqualTo(512 * 1024);
        assertThat(volume.refCount()).isEqualTo(1);

        List<DiskUsage.BuildCacheUsage> run = usage.buildCache().stream()
                .filter(b -> b.description().contains("echo built > /built")).toList();
        assertThat(run).as("the RUN step, made once and reused once").singleElement()
                .satisfies(b -> assertThat(b.usageCount()).isEqualTo(2))
                .satisfies(b -> assertThat(b.shared()).as("its layer is the tagged image's").isTrue())
                .satisfies(b -> assertThat(b.lastUsedAt()).isAfterOrEqualTo(b.createdAt()));
    }

    /**
     * A built image that nothing tags any more, pruned beside the test bed's dockerd: dockerd's classic builder keeps
     * its cache as the build's intermediate images and deletes them with it, so its prune reclaims the RUN's layer and a
     * rebuild runs the RUN again. The embedded engine's prune takes the image's cache steps along and does the same:
     * the same bytes reclaimed, df's images and build cache without them, the RUN run again.
     */
    @Test
    void aPrunedBuiltImageTakesItsCacheStepsAndReclaimsTheirLayersAsOnDockerd() throws Exception {
        engine.pull(busybox);
        String label = "dev.stevedore.test.prune=" + java.util.UUID.randomUUID();
        // 300 000 random bytes: a layer of this run's own on both, so dockerd's cache cannot have it from before
        Files.writeString(context.resolve("Dockerfile"), "FROM " + busybox + "\nRUN head -c 300000 /dev/urandom > /r\n");
        BuildSpec spec = BuildSpec.builder(context).label(label.substring(0, label.indexOf('=')), label.substring(label.indexOf('=') + 1)).build();
        Path socket = Testbed.get().dockerSocket().orElseThrow(() -> new AssertionError("the test bed's dockerd is not up"));
        try (ContainerEngine dockerd = dev.stevedore.engine.internal.docker.DockerEngine.open(
                dev.stevedore.engine.internal.docker.DockerEndpoint.unix(socket, "test bed"), EngineSettings.fromEnvironment())) {
            long[] reclaimed = new long[2];
            List<List<String>> rebuilt = new java.util.ArrayList<>();
            int side = 0;
            for (ContainerEngine on : List.of(engine, dockerd)) {
                on.build(spec, e -> { });
                long before = on == engine ? engine.diskUsage().layersSize() : 0;
                reclaimed[side] = on.pruneImages(false, List.of(label)).spaceReclaimed();
                if (on == engine) {
                    DiskUsage after = engine.diskUsage();
                    assertThat(before - after.layersSize()).as("df's images, less what the prune reclaimed").isEqualTo(reclaimed[0]);
                    assertThat(after.buildCache()).as("the cache keeps no step of the pruned image").isEmpty();
                }
                List<String> events = new java.util.ArrayList<>();
                on.build(spec, e -> events.add(e.line()));
                rebuilt.add(events.stream().filter(l -> l.startsWith(" ---> Using cache") || l.startsWith("Step ")).toList());
                on.pruneImages(false, List.of(label));
                side++;
            }

            assertThat(reclaimed[1]).as("dockerd reclaims the RUN's layer").isGreaterThanOrEqualTo(300_000);
            assertThat(reclaimed[0]).as("the embedded engine reclaims what dockerd reclaims").isEqualTo(reclaimed[1]);
            assertThat(rebuilt.get(0)).as("the rebuild runs the RUN again, as on dockerd").isEqualTo(rebuilt.get(1))
                    .doesNotContain(" ---> Using cache");
        }
    }

    /** What dockerd's {@code directory.Size} counts of the test bed's busybox root: files' bytes (a hard link once), symlinks' targets. */
    private static long contentSizeOfBusybox() throws java.io.IOException {
        java.util.Set<Object> inodes = new java.util.HashSet<>();
        long size = 0;
        try (java.util.stream.Stream<java.nio.file.Path> walk = Files.walk(dev.stevedore.engine.testbed.Testbed.get().busyboxRootfs())) {
            for (java.nio.file.Path path : walk.toList()) {
                var attributes = Files.readAttributes(path, java.nio.file.attribute.BasicFileAttributes.class,
                        java.nio.file.LinkOption.NOFOLLOW_LINKS);
                if (attributes.isRegularFile() && inodes.add(attributes.fileKey())) {
                    size += attributes.size();
                } else if (attributes.isSymbolicLink()) {
                    size += attributes.size();
                }
            }
        }
        return size;
    }
}
