package dev.stevedore.serve.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.Mount;
import dev.stevedore.engine.VolumeInfo;
import dev.stevedore.engine.VolumeSpec;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * dockerd's {@code Mounts} of a container's inspect document and list entry: a volume by its {@code Name}, its
 * {@code Source} the volume's data directory (dockerd's {@code /var/lib/docker/volumes/NAME/_data}), {@code Driver}
 * {@code local}; an anonymous volume (the image's {@code VOLUME}, {@code -v /data}) told apart by its
 * {@link VolumeSpec#ANONYMOUS_LABEL}, as dockerd tells it by how it was asked for: no {@code Mode}.
 */
final class MountDocuments {
    private MountDocuments() {
    }

    /** Volumes by name for one answer, each looked up once; empty for one removed meanwhile. */
    static Function<String, Optional<VolumeInfo>> volumes(ContainerEngine engine) {
        Map<String, Optional<VolumeInfo>> read = new HashMap<>();
        return name -> read.computeIfAbsent(name, n -> {
            try {
                return Optional.of(engine.inspectVolume(n));
            } catch (ContainerEngineException e) {
                return Optional.empty();
            }
        });
    }

    /** The {@code Mounts} of container {@code c}. */
    static ArrayNode of(dev.stevedore.engine.ContainerInfo c, Function<String, Optional<VolumeInfo>> volumes) {
        // a named volume the container did not ask for itself came with --volumes-from: dockerd's copy has no Mode
        java.util.Set<String> own = new java.util.HashSet<>();
        c.spec().mounts().forEach(m -> own.add(m.target()));
        return of(c.mounts(), volumes, own);
    }

    static ArrayNode of(List<Mount> made, Function<String, Optional<VolumeInfo>> volumes, java.util.Set<String> ownTargets) {
        ArrayNode mounts = Json.array();
        for (Mount m : made) {
            ObjectNode mount = mounts.addObject();
            mount.put("Type", m.type().name().toLowerCase(Locale.ROOT));
            Optional<VolumeInfo> volume = m.type() == Mount.Type.VOLUME && !m.source().isEmpty()
                    ? volumes.apply(m.source()) : Optional.empty();
            if (m.type() == Mount.Type.VOLUME) {
                mount.put("Name", m.source());
            }
            mount.put("Source", m.type() == Mount.Type.VOLUME ? volume.map(VolumeInfo::mountpoint).orElse("") : m.source());
            mount.put("Destination", m.target());
            if (m.type() == Mount.Type.VOLUME) {
                mount.put("Driver", "local"); // dockerd names the volume's driver; the engine's volumes are local ones
            }
            boolean anonymous = m.source().isEmpty()
                    || volume.map(v -> v.labels().containsKey(VolumeSpec.ANONYMOUS_LABEL)).orElse(false);
            boolean copied = m.type() == Mount.Type.VOLUME && !anonymous && !ownTargets.contains(m.target());
            mount.put("Mode", copied ? "" : mode(m, anonymous));
            mount.put("RW", !m.readOnly());
            mount.put("Propagation", m.type() == Mount.Type.BIND ? "rprivate" : "");
        }
        return mounts;
    }

    /**
     * dockerd's {@code Mode}: a bind's or volume's mode as the request wrote it; a named volume written without one
     * is {@code z}; an anonymous volume and a tmpfs have none.
     */
    private static String mode(Mount m, boolean anonymous) {
        if (m.type() == Mount.Type.TMPFS) {
            return m.readOnly() ? "ro" : "";
        }
        return !m.options().isEmpty() ? m.options() : m.type() == Mount.Type.VOLUME && !anonymous ? "z" : "";
    }
}
