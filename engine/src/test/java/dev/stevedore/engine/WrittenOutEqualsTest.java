package dev.stevedore.engine;

import dev.stevedore.engine.internal.store.Digest;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

import static dev.stevedore.engine.RecordEquality.assertCoversEveryComponent;

class WrittenOutEqualsTest {
    @Test
    void engineSettingsPlatformReferencesDigestsRestartPoliciesAndResourcesCompareEveryComponent() throws Exception {
        Platform amd64 = Platform.parse("linux/amd64");
        Platform arm = Platform.parse("windows/arm64/v8");
        assertCoversEveryComponent(amd64, arm);
        assertCoversEveryComponent(
                new EngineSettings(Path.of("/a"), List.of("m1"), Set.of("i1"), Path.of("/d1"), List.of(Path.of("/c1")), amd64),
                new EngineSettings(Path.of("/b"), List.of("m2"), Set.of("i2"), Path.of("/d2"), List.of(Path.of("/c2")), arm));
        assertCoversEveryComponent(new ImageReference("docker.io", "library/busybox", "1", "sha256:" + "a".repeat(64)),
                new ImageReference("host:5000", "team/app", "2", "sha256:" + "b".repeat(64)));
        assertCoversEveryComponent(Digest.parse("sha256:" + "a".repeat(64)), Digest.parse("sha256:" + "b".repeat(64)));
        // a retry count goes only with on-failure: kind and count are varied one at a time
        assertCoversEveryComponent(new RestartPolicy(RestartPolicy.Kind.ON_FAILURE, 0),
                new RestartPolicy(RestartPolicy.Kind.ALWAYS, 0));
        assertCoversEveryComponent(new RestartPolicy(RestartPolicy.Kind.ON_FAILURE, 0),
                new RestartPolicy(RestartPolicy.Kind.ON_FAILURE, 3));
        assertCoversEveryComponent(new Resources(512, 100_000, 50_000, "0", "0", 100, 64L << 20, 10,
                        BlockIoLimits.NONE.withReadBps("/dev/vda", 1)),
                new Resources(1024, 200_000, 60_000, "1", "1", 200, 128L << 20, 20, BlockIoLimits.NONE.withWeight("/dev/vda", 300)));
        assertCoversEveryComponent(
                new BlockIoLimits(List.of(new BlockIoLimits.Device("/dev/a", 10)), List.of(new BlockIoLimits.Device("/dev/a", 1)),
                        List.of(new BlockIoLimits.Device("/dev/a", 2)), List.of(new BlockIoLimits.Device("/dev/a", 3)),
                        List.of(new BlockIoLimits.Device("/dev/a", 4))),
                new BlockIoLimits(List.of(new BlockIoLimits.Device("/dev/b", 20)), List.of(new BlockIoLimits.Device("/dev/b", 5)),
                        List.of(new BlockIoLimits.Device("/dev/b", 6)), List.of(new BlockIoLimits.Device("/dev/b", 7)),
                        List.of(new BlockIoLimits.Device("/dev/b", 8))));
    }
}
