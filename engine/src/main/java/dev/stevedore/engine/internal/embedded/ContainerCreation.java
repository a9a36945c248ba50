package dev.stevedore.engine.internal.embedded;

import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.ContainerNotFoundException;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.Link;
import dev.stevedore.engine.VolumesFrom;
import dev.stevedore.engine.EngineSettings;
import dev.stevedore.engine.ImageConfig;
import dev.stevedore.engine.ImageReference;
import dev.stevedore.engine.Mount;
import dev.stevedore.engine.internal.embedded.ContainerRecord.MountRecord;
import dev.stevedore.engine.internal.network.NameResolution;
import dev.stevedore.engine.internal.network.NetworkManager;
import dev.stevedore.engine.internal.network.NetworkMode;
import dev.stevedore.engine.Resources;
import dev.stevedore.engine.internal.runtime.Launcher;
import dev.stevedore.engine.internal.runtime.ResourceLimits;
import dev.stevedore.engine.internal.runtime.RuntimeSpec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Creating a container: the image made runnable (pulled as the spec's policy says), Docker's rules applied to the
 * spec ({@link ContainerConfigs}), the directory, name, mounts, hostname and network settings made, what the
 * launcher would refuse at start refused now, and {@code config.json} written last (a directory without one is a
 * create in progress). A failure takes back every step ({@link Undo}).
 */
final class ContainerCreation {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ContainerCreation.class);
    private final EngineSettings settings;
    private final ImageService images;
    private final ContainerStore store;
    private final Volumes volumes;
    private final NetworkManager networks;
    private final ContainerCopies copies;
    private final EngineMode mode;
    /** Told the name of each anonymous volume a create made, once the container is there (dockerd's volume create). */
    private final java.util.function.Consumer<String> volumeCreated;

    ContainerCreation(EngineSettings settings, ImageService images, ContainerStore store, Volumes volumes,
                      NetworkManager networks, ContainerCopies copies, EngineMode mode,
                      java.util.function.Consumer<String> volumeCreated) {
        this.settings = settings;
        this.volumeCreated = volumeCreated;
        this.mode = mode;
        this.images = images;
        this.store = store;
        this.volumes = volumes;
        this.networks = networks;
        this.copies = copies;
    }

    /** dockerd's create warnings for {@code spec}: the settings the host's cgroups cannot apply, which create drops. */
    static List<String> warnings(ContainerSpec spec) {
        List<String> warnings = new java.util.ArrayList<>(Resources.warnings(spec.resources(),
                Launcher.applicable(spec.resources())));
        warnings.addAll(spec.resources().advanced().warningsFor(spec.memoryBytes()));
        return List.copyOf(warnings);
    }

    /** Creates the container; its {@code config.json} as written. */
    ContainerRecord create(ContainerSpec requested) {
        ContainerSpec resolved = SharedNamespaces.resolve(requested, store, mode.rootless());
        // as dockerd: a setting the host's cgroups cannot apply is dropped with a warning (the created container's
        // ContainerInfo.warnings, which its caller shows; logged for a test's output), and inspect shows it dropped
        Resources applied = Launcher.applicable(resolved.resources());
        Resources.warnings(resolved.resources(), applied).forEach(w -> LOG.info("container of {}: {}", requested.image(), w));
        ContainerSpec spec = resolved.toBuilder().resources(applied).build();
        if (spec.name() != null) {
            ContainerStore.validateName(spec.name());
            store.nameOwner(spec.name()).filter(id -> Files.isDirectory(store.directory(id))).ifPresent(id -> {
                throw nameInUse(spec.name(), id);
            });
        }
        ImageService.RunnableImage runnable = images.runnable(spec.image(), spec.pullPolicy(), settings.platform());
        ImageConfig image = runnable.config();
        String networkMode = ContainerConfigs.networkMode(spec, image);
        mode.checkLimits(spec);
        ContainerConfigs.Command command = ContainerConfigs.command(spec, image);
        String workingDir = ContainerConfigs.workingDir(spec, image);
        String stopSignal = ContainerConfigs.stopSignal(spec, image);
        List<MountRecord> inherited = inheritedMounts(spec);
        List<Mount> mounts = ContainerConfigs.mounts(spec, image).stream()
                .filter(m -> !inherited.stream().map(MountRecord::target).toList().contains(m.target())).toList();
        new ResourceLimits(spec.memoryBytes(), ContainerConfigs.nanoCpus(spec.cpus()), spec.pidsLimit(), spec.resources()); // validates
        // as dockerd: a linked container must be there at create (it must run only at start)
        List<String> links = spec.links().stream()
                .map(l -> store.resolve(Link.parse(l).container()) + ":" + Link.parse(l).alias()).toList();

        String id = ContainerStore.newId();
        Path dir = store.directory(id);
        try (Undo undo = new Undo("create of container " + id)) {
            boolean kept = "true".equals(spec.labels().get(ContainerSpec.KEEP_LABEL));
            // undone even when the step itself fails halfway: deleting and releasing what is not there is harmless
            undo.add(() -> {
                try {
                    store.delete(id);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            dir = store.createDirectory(id, kept);
            String name = reserveName(spec.name(), id);
            undo.add(() -> store.releaseName(name, id));
            boolean hostNetwork = NetworkMode.of(networkMode) == NetworkMode.HOST;
            String networkOwner = ContainerSpec.sharedContainer(networkMode);
            // as dockerd: the hostname of the container whose network it shares, the host's on the host's UTS
            String hostname = networkOwner != null ? store.readConfig(networkOwner).map(ContainerRecord::hostname)
                    .orElseThrow(() -> new ContainerNotFoundException(networkOwner))
                    : ContainerConfigs.hostname(spec, id, hostNetwork || "host".equals(spec.utsMode()),
                            hostNetwork || "host".equals(spec.utsMode()) ? hostHostname() : null);
            List<String> anonymous = new ArrayList<>();
            undo.add(() -> volumes.removeAnonymous(anonymous, v -> List.of()));
            List<MountRecord> made = makeMounts(mounts, spec.image(), kept, anonymous);
            made.addAll(inherited);
            writeHostname(dir, hostname);
            undo.add(() -> networks.removeContainer(id));
            NetworkManager.ContainerNetworking network = networks.prepareContainer(id, name, hostname, networkMode,
                    spec.networkAliases(), !kept, new NameResolution(spec.extraHosts(), spec.dns(), spec.dnsSearch(),
                            spec.dnsOptions(), spec.exposedHostPorts(), links, spec.domainname()), spec.ipv4Address(),
                    spec.macAddress());
            ContainerRecord config = new ContainerRecord(1, id, name, spec.image(), runnable.foundBy(), runnable.id(),
                    runnable.manifestDigest(), Instant.now().toString(),
                    runnable.layerDirectories().stream().map(Path::toString).toList(), command.entrypoint(), command.cmd(),
                    ContainerConfigs.env(spec, image), workingDir, ContainerConfigs.user(spec, image), hostname,
                    ContainerConfigs.labels(spec, image), made, spec.readOnlyRootfs(),
                    spec.shmSizeBytes() > 0 ? spec.shmSizeBytes() : RuntimeSpec.DEFAULT_SHM_SIZE, spec.memoryBytes(),
                    ContainerConfigs.nanoCpus(spec.cpus()), spec.pidsLimit(), networkMode,
                    ContainerConfigs.exposedPorts(spec, image), stopSignal, ContainerConfigs.stopTimeout(spec).toMillis(),
                    spec.autoRemove(), HealthMonitor.withImageCheck(spec, image));
            validate(dir, config, network, store);
            copies.copyUp(dir, config);
            store.writeConfig(id, config); // no state.json yet: a container without one is created
            undo.keep();
            anonymous.forEach(volumeCreated);
            return config;
        } catch (ContainerEngineException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new ContainerEngineException("cannot create a container of " + spec.image() + " in " + dir + ": "
                    + e.getMessage(), e);
        }
    }

    /** What the launcher would refuse at start (a hostname, a mount over /proc) is refused now, at create. */
    private static void validate(Path dir, ContainerRecord config, NetworkManager.ContainerNetworking network,
                                 ContainerStore store) {
        try {
            ContainerStart.runtimeSpec(dir, config, network, List.of(), store, List.of());
        } catch (IllegalArgumentException e) {
            throw new ContainerEngineException("cannot create a container of " + config.image() + ": "
                    + e.getMessage().replace("runtime spec for " + dir + ": ", ""), e);
        }
    }

    private String reserveName(String requested, String id) {
        if (requested != null) {
            if (!store.reserveName(requested, id)) {
                throw nameInUse(requested, store.nameOwner(requested).orElse("?"));
            }
            return requested;
        }
        for (int attempt = 0; attempt < 20; attempt++) {
            String generated = ContainerNames.generate(attempt >= 10);
            if (store.reserveName(generated, id)) {
                return generated;
            }
        }
        throw new ContainerEngineException("cannot find a free generated name for container " + id);
    }

    private static ContainerEngineException nameInUse(String name, String id) {
        return new ContainerEngineException("the container name \"" + name + "\" is already in use by container "
                + id.substring(0, Math.min(12, id.length())) + "; remove that container or choose another name");
    }

    /**
     * The volume and bind mounts of each {@code --volumes-from} container, at their destinations, as dockerd takes
     * them: a later container's mount replaces an earlier one's at the same destination, the request's own mounts
     * replace both, {@code :ro} makes each read-only and {@code :rw} keeps its mode (dockerd too never makes a
     * read-only mount writable). Tmpfs mounts are the other container's own.
     */
    private List<MountRecord> inheritedMounts(ContainerSpec spec) {
        Set<String> own = new HashSet<>();
        spec.mounts().forEach(m -> own.add(ContainerConfigs.normalize(m.target())));
        Map<String, MountRecord> inherited = new LinkedHashMap<>();
        for (String from : spec.volumesFrom()) {
            String other = store.resolve(VolumesFrom.parse(from).container()); // ContainerNotFoundException: 404
            boolean readOnly = VolumesFrom.parse(from).mode().equals("ro");
            ContainerRecord config = store.readConfig(other).orElseThrow(() -> new ContainerNotFoundException(from));
            for (MountRecord m : config.mounts()) {
                if (!m.type().equals("tmpfs") && !own.contains(m.target())) {
                    inherited.put(m.target(), new MountRecord(m.type(), m.source(), m.target(), m.readOnly() || readOnly,
                            m.options(), m.volume()));
                }
            }
        }
        return List.copyOf(inherited.values());
    }

    /**
     * The spec's and image's mounts made: a volume without a name is an anonymous volume, in memory for a container
     * that goes with its JVM ({@code kept} false), as the container's own directory is; each such volume's name is
     * added to {@code anonymous} as soon as it exists, for the undo of a create that fails.
     */
    private List<MountRecord> makeMounts(List<Mount> mounts, String image, boolean kept, List<String> anonymous) {
        List<MountRecord> made = new ArrayList<>();
        for (Mount mount : mounts) {
            switch (mount.type()) {
                case BIND -> {
                    if (!Files.exists(Path.of(mount.source()))) {
                        throw new ContainerEngineException("the source " + mount.source() + " of the bind mount on "
                                + mount.target() + " (container of " + image + ") does not exist; create it first");
                    }
                    made.add(new MountRecord("bind", mount.source(), mount.target(), mount.readOnly(), mount.options(), ""));
                }
                case VOLUME -> {
                    Volumes.Mounted volume = mount.source().isEmpty() ? volumes.anonymous(!kept)
                            : new Volumes.Mounted(mount.source(), volumes.named(mount.source()));
                    if (mount.source().isEmpty()) {
                        anonymous.add(volume.name());
                    }
                    made.add(new MountRecord("volume", volume.data().toString(), mount.target(), mount.readOnly(),
                            mount.options(), volume.name()));
                }
                case TMPFS -> made.add(new MountRecord("tmpfs", "", mount.target(), mount.readOnly(),
                        mount.readOnly() && !mount.options().contains("ro") ? join("ro", mount.options()) : mount.options(), ""));
            }
        }
        return made;
    }

    private static String join(String a, String b) {
        return b.isEmpty() ? a : a + "," + b;
    }

    private static String hostHostname() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
        } catch (IOException e) {
            return "localhost";
        }
    }

    /** The hostname file; /etc/hosts and /etc/resolv.conf are the network manager's (it keeps hosts current). */
    private static void writeHostname(Path dir, String hostname) throws IOException {
        Files.writeString(dir.resolve("hostname"), hostname + "\n");
        Files.setPosixFilePermissions(dir.resolve("hostname"), PosixFilePermissions.fromString("rw-r--r--"));
    }
}
