package dev.stevedore.engine.internal.layer;

import dev.stevedore.engine.PullProgress;
import dev.stevedore.engine.internal.image.Descriptor;
import dev.stevedore.engine.internal.image.MediaTypes;
import dev.stevedore.engine.internal.store.ContentStore;
import dev.stevedore.engine.internal.store.Digest;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A second JVM preparing the same snapshots, for the cross-process test: prints {@code ready}, waits for a
 * line on stdin, prepares, then prints {@code unpacked=<how many layers this JVM unpacked itself>}.
 *
 * <p>Arguments: the state directory, then {@code <blob digest>,<size>,<diff id>} per layer, bottom first.
 */
public final class PrepareMain {
    private PrepareMain() {
    }

    public static void main(String[] args) throws Exception {
        Path state = Path.of(args[0]);
        List<Descriptor> layers = new ArrayList<>();
        List<Digest> diffIds = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            String[] parts = args[i].split(",");
            layers.add(new Descriptor(MediaTypes.OCI_LAYER_GZIP, Digest.parse(parts[0]), Long.parseLong(parts[1])));
            diffIds.add(Digest.parse(parts[2]));
        }
        ContentStore store = new ContentStore(state.resolve("content"));
        SnapshotStore snapshots = new SnapshotStore(state);
        System.out.println("ready");
        System.out.flush();
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        AtomicInteger unpacked = new AtomicInteger();
        snapshots.prepare(store, layers, diffIds, (layer, phase, bytes) -> {
            if (phase == PullProgress.Phase.EXTRACTING && bytes == 0) {
                unpacked.incrementAndGet();
            }
        });
        System.out.println("unpacked=" + unpacked.get());
    }
}
