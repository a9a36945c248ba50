package dev.stevedore.cli;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ImagesPruned;
import dev.stevedore.engine.NetworkInfo;
import dev.stevedore.engine.VolumeInfo;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What docker's prunes remove, one kind at a time, shared by {@code system prune} and {@code container prune},
 * {@code image prune}, {@code network prune}, {@code volume prune}: what is removed, what it freed, and docker's
 * warning and question before it.
 */
final class Prunes {
    /** Names docker gives networks that always exist; never pruned. */
    private static final Set<String> PREDEFINED_NETWORKS = Set.of("bridge", "host", "none");
    /** dockerd's name of a volume it made for a container (no name given): 64 hex digits. */
    private static final Pattern GENERATED_VOLUME_NAME = Pattern.compile("[0-9a-f]{64}");

    private Prunes() {
    }

    /** What one prune removed (container ids, network or volume names, image lines) and the bytes it freed. */
    record Pruned(List<String> deleted, long reclaimed) {
    }

    /** Every container that does not run. */
    static Pruned containers(ContainerEngine engine) {
        List<String> deleted = new ArrayList<>();
        for (ContainerInfo container : engine.containers(true, Map.of())) {
            if (!container.state().running() && !container.state().paused()) {
                try {
                    engine.removeContainer(container.id(), false, false); // as docker's: volumes stay
                    deleted.add(container.id());
                } catch (ContainerEngineException e) {
                    // started or removed meanwhile: docker's prune leaves it too
                }
            }
        }
        return new Pruned(deleted, 0);
    }

    /** Every network no container is on, but the predefined ones. */
    static Pruned networks(ContainerEngine engine, PrintWriter err) {
        List<ContainerInfo> containers = engine.containers(true, Map.of());
        List<String> deleted = new ArrayList<>();
        for (NetworkInfo network : engine.networks()) {
            boolean used = containers.stream().anyMatch(c -> c.networks().containsKey(network.name()));
            if (!used && network.containers().isEmpty() && !PREDEFINED_NETWORKS.contains(network.name())) {
                try {
                    engine.removeNetwork(network.id());
                    deleted.add(network.name());
                } catch (ContainerEngineException e) {
                    err.println("stevedore: keeping network " + network.name() + ": " + e.getMessage());
                }
            }
        }
        return new Pruned(deleted, 0);
    }

    /**
     * Volumes no container mounts: with {@code all} every one, else only anonymous ones, as docker 23 and later prune
     * (docker 23's {@link dev.stevedore.engine.VolumeSpec#ANONYMOUS_LABEL}, which the embedded engine sets too, or a
     * name dockerd generated: dockerd 20.10 sets no label).
     */
    static Pruned volumes(ContainerEngine engine, boolean all) {
        Set<String> used = volumesInUse(engine.containers(true, Map.of()));
        List<String> deleted = new ArrayList<>();
        for (VolumeInfo volume : engine.volumes()) {
            boolean anonymous = volume.labels().containsKey(dev.stevedore.engine.VolumeSpec.ANONYMOUS_LABEL)
                    || GENERATED_VOLUME_NAME.matcher(volume.name()).matches();
            if (!used.contains(volume.name()) && (all || anonymous)) {
                try {
                    engine.removeVolume(volume.name(), false);
                    deleted.add(volume.name());
                } catch (ContainerEngineException e) {
                    // a container mounted it meanwhile: it stays
                }
            }
        }
        return new Pruned(deleted, 0);
    }

    /**
     * The dangling images no container (running or not) was made from, or with {@code all} every such image, as
     * {@code untagged:} and {@code deleted:} lines: the engine's prune (dockerd's {@code POST /images/prune} on the
     * Docker backend, so its layer lines too); with {@code labels} only images that have them.
     */
    static Pruned images(ContainerEngine engine, boolean all, List<String> labels) {
        ImagesPruned pruned = engine.pruneImages(all, labels);
        List<String> deleted = new ArrayList<>();
        pruned.removals().forEach(removal -> deleted.add((removal.kind() == ImagesPruned.Removal.Kind.UNTAGGED
                ? "untagged: " : "deleted: ") + removal.name()));
        return new Pruned(deleted, pruned.spaceReclaimed());
    }

    /** The volume names some container (running or not) mounts. */
    static Set<String> volumesInUse(List<ContainerInfo> containers) {
        Set<String> used = new HashSet<>();
        for (ContainerInfo container : containers) {
            container.mounts().stream()
                    .filter(m -> m.type() == dev.stevedore.engine.Mount.Type.VOLUME)
                    .forEach(m -> used.add(m.source()));
        }
        return used;
    }

    /** Prints {@code heading} and the lines under it, then a blank line; nothing when there are none. */
    static void section(PrintWriter out, String heading, List<String> lines) {
        if (!lines.isEmpty()) {
            out.println(heading);
            lines.forEach(out::println);
            out.println();
        }
    }

    /**
     * Docker's warning (one line, or a list for several kinds) and its question; anything but y or yes (or the end of
     * input) declines.
     */
    static boolean confirmed(PrintWriter out, InputStream in, List<String> removes) {
        if (removes.size() == 1) {
            out.println("WARNING! This will remove " + removes.get(0) + ".");
        } else {
            out.println("WARNING! This will remove:");
            removes.forEach(line -> out.println("  - " + line));
            out.println();
        }
        out.print("Are you sure you want to continue? [y/N] ");
        out.flush();
        try {
            String answer = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readLine();
            return answer != null && (answer.trim().equalsIgnoreCase("y") || answer.trim().equalsIgnoreCase("yes"));
        } catch (IOException e) {
            return false;
        }
    }
}
