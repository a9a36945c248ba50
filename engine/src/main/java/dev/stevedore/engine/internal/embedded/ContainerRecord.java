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

    /** This record under another name (rename), the spec's name too. */
    ContainerRecord withName(String newName) {
        return new ContainerRecord(version, id, newName, image, imageReference, imageId, manifestDigest, created, layers,
                entrypoint, cmd, env, workingDir, user, hostname, labels, mounts, readOnlyRootfs, shmSizeBytes, memoryBytes,
                nanoCpus, pidsLimit, networkMode, exposedPorts, stopSignal, stopTimeoutMillis, autoRemove,
                spec.toBuilder().name(newName).build());
    }

    /** This record with other limits (update), the spec's too, so a later start and inspect have them. */
    ContainerRecord withLimits(long newMemoryBytes, long newNanoCpus, long newPidsLimit,
                               dev.stevedore.engine.Resources newResources) {
        ContainerSpec.Builder newSpec = spec.toBuilder().memoryBytes(newMemoryBytes).cpus(newNanoCpus / 1e9)
                .resources(newResources);
        if (newPidsLimit != pidsLimit) {
            newSpec.pidsLimit(newPidsLimit); // the builder reads 0 as "none"; an unchanged 0 keeps the engine's default
        }
        return new ContainerRecord(version, id, name, image, imageReference, imageId, manifestDigest, created, layers,
                entrypoint, cmd, env, workingDir, user, hostname, labels, mounts, readOnlyRootfs, shmSizeBytes, newMemoryBytes,
                newNanoCpus, newPidsLimit, networkMode, exposedPorts, stopSignal, stopTimeoutMillis, autoRemove,
                newSpec.build());
    }

    /** This record with another restart policy (update), read by the owner at the container's next exit. */
    ContainerRecord withRestartPolicy(dev.stevedore.engine.RestartPolicy policy) {
        return new ContainerRecord(version, id, name, image, imageReference, imageId, manifestDigest, created, layers,
                entrypoint, cmd, env, workingDir, user, hostname, labels, mounts, readOnlyRootfs, shmSizeBytes, memoryBytes,
                nanoCpus, pidsLimit, networkMode, exposedPorts, stopSignal, stopTimeoutMillis, autoRemove,
                spec.toBuilder().restartPolicy(policy).build());
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
     * @param options  tmpfs options; a bind's or volume's mode as the request wrote it
     */
    record MountRecord(String type, String source, String target, boolean readOnly, String options, String volume) {
        /** As {@link dev.stevedore.engine.ContainerInfo#mounts()} shows it: a volume by its name, not its directory. */
        dev.stevedore.engine.Mount toPublic() {
            return switch (type) {
                case "bind" -> new dev.stevedore.engine.Mount(dev.stevedore.engine.Mount.Type.BIND, source, target, readOnly,
                        options);
                case "volume" -> new dev.stevedore.engine.Mount(dev.stevedore.engine.Mount.Type.VOLUME, volume, target,
                        readOnly, options);
                default -> new dev.stevedore.engine.Mount(dev.stevedore.engine.Mount.Type.TMPFS, "", target, readOnly, options);
            };
        }
    }
}
