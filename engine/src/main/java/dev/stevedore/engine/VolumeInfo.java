package dev.stevedore.engine;

import java.time.Instant;
import java.util.Map;

/**
 * A named volume as the engine knows it.
 *
 * @param name       its name
 * @param labels     labels
 * @param mountpoint where its data lives on the engine's host (the embedded engine: its {@code _data} directory
 *                   in the state directory; a Docker daemon: the path the daemon reports, on the daemon's
 *                   host); empty when the engine does not say
 * @param createdAt  when it was created, or {@code null} when the engine does not say
 */
public record VolumeInfo(String name, Map<String, String> labels, String mountpoint, Instant createdAt) {
    public VolumeInfo {
        labels = Map.copyOf(labels);
        mountpoint = mountpoint == null ? "" : mountpoint;
    }
}
