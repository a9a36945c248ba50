package dev.stevedore.engine.internal.embedded;

import dev.stevedore.engine.ContainerSpec;

import java.util.List;
import java.util.Map;

/**
 * A container's {@code config.json}: the request as given plus everything resolved from it and its
 * image when it was created. Written once at create, read by every JVM sharing the state directory.
 *
 * @param version       the format version, 1
 * @param imageReference the image reference, normalised
 * @param layers        the image's unpacked layer directories, bottom first
 * @param entrypoint    the resolved entrypoint (Docker's rules)
 * @param cmd           the resolved cmd
 * @param env           the environment without HOSTNAME (as {@code docker inspect}'s Config.Env)
 * @param user          Docker's user string, resolved in the container at start; empty for root
 * @param mounts        the mounts to make, volumes already turned into host directories
 * @param networkMode   {@code none} or {@code host}
 * @param stopSignal    the stop signal's name
 * @param spec          the request as given
 */
record ContainerRecord(
        int version,
        String id,
        String name,
        String image,
        String imageReference,
        String imageId,
        String manifestDigest,
        String created,
        List<String> layers,
        List<String> entrypoint,
        List<String> cmd,
        List<String> env,
        String workingDir,
        String user,
        String hostname,
        Map<String, String> labels,
        List<MountRecord> mounts,
        boolean readOnlyRootfs,
        long shmSizeBytes,
        long memoryBytes,
        long nanoCpus,
        long pidsLimit,
        String networkMode,
        List<String> exposedPorts,
        String stopSignal,
        long stopTimeoutMillis,
        boolean autoRemove,
        ContainerSpec spec) {

    ContainerRecord {
        layers = List.copyOf(layers);
        entrypoint = List.copyOf(entrypoint);
        cmd = List.copyOf(cmd);
        env = List.copyOf(env);
        labels = Map.copyOf(labels);
        mounts = List.copyOf(mounts);
        exposedPorts = List.copyOf(exposedPorts);
    }

    /** Entrypoint and cmd as the command line that runs. */
    List<String> command() {
        return java.util.stream.Stream.concat(entrypoint.stream(), cmd.stream()).toList();
    }

    /**
     * A mount as it is made.
     *
     * @param type     {@code bind}, {@code volume} or {@code tmpfs}
     * @param source   the host path (bind, and volume: its {@code _data} directory); empty for tmpfs
     * @param volume   the volume's name; empty for an anonymous volume and for binds and tmpfs
     * @param options  tmpfs options
     */
    record MountRecord(String type, String source, String target, boolean readOnly, String options, String volume) {
    }
}
