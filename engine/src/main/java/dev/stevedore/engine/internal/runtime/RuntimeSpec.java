package dev.stevedore.engine.internal.runtime;

import dev.stevedore.engine.Capability;
import dev.stevedore.engine.Ulimit;
import dev.stevedore.engine.internal.runtime.seccomp.SeccompFilter;
import dev.stevedore.engine.internal.runtime.seccomp.SeccompPolicy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Everything the launcher needs to start one container, already resolved: image layer directories,
 * the command, ids as numbers, mounts, isolation settings and where the logs go. Validated on
 * construction, so an invalid spec never reaches the launcher. Build one with {@link #builder}.
 * The launcher's input, one record with its builder, which grows by a field and a builder method with each thing
 * the launcher learns to do; its checks are {@link RuntimeSpecChecks}.
 *
 * @param stateDirectory   the container's own directory; the launcher writes {@code supervisor} and
 *                         {@code exit} there, {@link Launcher} writes {@code owner} and {@code launcher.log}
 * @param layers           the image's unpacked layer directories, bottom (base) layer first
 * @param upperDirectory   the container's writable layer (created when missing)
 * @param workDirectory    overlayfs's work directory, on the same file system as the upper one
 * @param rootfs           the mount point of the root file system; mounted only inside the container's
 *                         mount namespace, so the host never sees it
 * @param args             the command, {@code args[0]} looked up in the container's {@code PATH} when it has no '/'
 * @param env              {@code KEY=value} entries, exactly as the process gets them
 * @param workingDirectory absolute path in the container, created when missing
 * @param uid              user id (names are resolved by the caller through the image's /etc/passwd)
 * @param gid              primary group id
 * @param additionalGids   supplementary groups (added to those {@code userSpec} resolves to)
 * @param userSpec         Docker's user string ({@code postgres}, {@code 999:999}, {@code app:staff}), resolved
 *                         by the launcher through the container's own /etc/passwd and /etc/group after it
 *                         entered the container's root; {@code null} to run as {@code uid}/{@code gid} as given
 * @param hostname         the container's hostname
 * @param network          the container's network namespace
 * @param mounts           bind and tmpfs mounts, applied in order after the standard ones
 * @param shmSizeBytes     size of {@code /dev/shm}
 * @param readonlyRootfs   whether the root file system is mounted read-only
 * @param noNewPrivileges  whether exec may not gain privileges (setuid binaries, file capabilities)
 * @param capabilities     the capability bounding, effective and permitted set for a root process (by default
 *                         {@link Capability#containerDefaults()}: Docker's 14; MKNOD is left out where the host offers
 *                         no device policy)
 * @param ulimits          resource limits ({@code --ulimit}) set on the first process before it drops its privileges
 * @param maskedPaths      paths hidden from the container (/dev/null over files, an empty read-only tmpfs over directories)
 * @param readonlyPaths    paths made read-only
 * @param stdoutLog        file receiving the container's stdout (appended)
 * @param stderrLog        file receiving the container's stderr (appended)
 * @param hostsFile        bound to {@code /etc/hosts} when not null
 * @param hostnameFile     bound to {@code /etc/hostname} when not null
 * @param resolvConfFile   bound to {@code /etc/resolv.conf} when not null
 * @param limits           memory, CPU and pids limits, applied through the container's own cgroups (a default pids
 *                         limit unless it asks for none)
 * @param openStdin        whether pid 1's stdin is a pipe fed through {@link ContainerProcess#stdin()}; else /dev/null
 * @param tty              whether pid 1's stdin, stdout and stderr are a pty made in the container (the launcher's
 *                         tty.c): its output is one raw stream into {@code stdoutLog}, stdin is typed on it, and
 *                         {@link ContainerProcess#resize} sets its window size
 * @param seccomp          the system-call filter pid 1 (and so every process it starts) runs under; {@code null}
 *                         for none ({@code seccomp=unconfined})
 * @param sharedNamespaces the namespaces pid 1 shares instead of getting its own, as the launcher's {@code --ns=KIND:MODE}
 *                         values ({@code pid:host}, {@code net:PID.START}...; nsmodes.c): a launcher spawned for it, not
 *                         the spare, whose pid 1 was cloned into namespaces of its own already
 * @param devices          host device nodes bound into the container ({@code --device}), each allowed by its device
 *                         policy as it asks
 * @param groupAdd         {@code --group-add}: group names (resolved in the container's {@code /etc/group} by the
 *                         launcher) or numbers, on top of the user's groups
 * @param domainname       the NIS domain name of its UTS namespace; {@code null} for none
 * @param sysctls          kernel parameters written under {@code /proc/sys} before the command runs (the caller let
 *                         only namespaced ones through)
 * @param init             pid 1 is the launcher's minimal init (init.c), the command its child
 * @param oomScoreAdj      written to pid 1's {@code oom_score_adj} before its command runs (an exec copies pid 1's);
 *                         0 leaves the launcher's own
 * @param logRotation      how the supervisor rotates {@code stdoutLog} and {@code stderrLog}; {@code null}: never
 * @param privileged       {@code --privileged}: the launcher mounts {@code /sys} read-write and the container gets no
 *                         device policy (every device allowed, v1 rules {@code a}); the caller chose its capabilities,
 *                         filter, paths and devices ({@link PrivilegedMode})
 */
public record RuntimeSpec(
        Path stateDirectory,
        List<Path> layers,
        Path upperDirectory,
        Path workDirectory,
        Path rootfs,
        List<String> args,
        List<String> env,
        String workingDirectory,
        int uid,
        int gid,
        List<Integer> additionalGids,
        String userSpec,
        String hostname,
        NetworkMode network,
        List<Mount> mounts,
        long shmSizeBytes,
        boolean readonlyRootfs,
        boolean noNewPrivileges,
        Set<Capability> capabilities,
        List<Ulimit> ulimits,
        List<String> maskedPaths,
        List<String> readonlyPaths,
        Path stdoutLog,
        Path stderrLog,
        Path hostsFile,
        Path hostnameFile,
        Path resolvConfFile,
        ResourceLimits limits,
        boolean openStdin,
        boolean tty,
        SeccompFilter seccomp,
        List<String> sharedNamespaces,
        List<DeviceNode> devices,
        List<String> groupAdd,
        String domainname,
        java.util.Map<String, String> sysctls,
        boolean init,
        LogRotation logRotation,
        boolean privileged,
        int oomScoreAdj) {

    /** Docker's masked paths (moby {@code daemon/pkg/oci/defaults.go}). */
    public static final List<String> DEFAULT_MASKED_PATHS = List.of(
            "/proc/asound", "/proc/acpi", "/proc/interrupts", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
            "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware",
            "/sys/devices/virtual/powercap");

    /** Docker's read-only paths. */
    public static final List<String> DEFAULT_READONLY_PATHS = List.of(
            "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger");

    /** Docker's default {@code /dev/shm} size, 64 MiB. */
    public static final long DEFAULT_SHM_SIZE = 64L << 20;


    /** The container's network namespace. */
    public enum NetworkMode {
        /** A namespace of its own with only loopback up. */
        NONE_LOOPBACK,
        /** The host's namespace. */
        HOST
    }

    /** A mount applied to the container's root file system. */
    public sealed interface Mount permits Bind, Tmpfs {
        /** Absolute path inside the container. */
        String target();
    }

    /** A host file or directory bound into the container (recursively). */
    public record Bind(Path source, String target, boolean readOnly) implements Mount {
        public Bind {
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(target, "target");
        }
    }

    /**
     * A tmpfs, with options as Docker's {@code --tmpfs} takes them ({@code size=64m,mode=1777,exec}).
     * Like Docker's, it is {@code noexec,nosuid,nodev} unless {@code exec}, {@code suid} or {@code dev} is given.
     */
    public record Tmpfs(String target, String options) implements Mount {
        public Tmpfs {
            Objects.requireNonNull(target, "target");
            options = options == null ? "" : options;
        }

        /** The mount flags as the launcher takes them, e.g. {@code "nosuid,nodev,noexec"}. */
        String flags() {
            return TmpfsOptions.flags(options);
        }

        /** The file-system options (size, mode, uid, gid, ...), the flags taken out. */
        String data() {
            return TmpfsOptions.data(options);
        }
    }

    public RuntimeSpec {
        Objects.requireNonNull(stateDirectory, "stateDirectory");
        layers = List.copyOf(layers);
        upperDirectory = Objects.requireNonNull(upperDirectory, "upperDirectory");
        workDirectory = Objects.requireNonNull(workDirectory, "workDirectory");
        rootfs = Objects.requireNonNull(rootfs, "rootfs");
        args = List.copyOf(args);
        env = List.copyOf(env);
        Objects.requireNonNull(workingDirectory, "workingDirectory");
        additionalGids = List.copyOf(additionalGids);
        Objects.requireNonNull(hostname, "hostname");
        Objects.requireNonNull(network, "network");
        sharedNamespaces = sharedNamespaces == null ? List.of() : List.copyOf(sharedNamespaces);
        mounts = List.copyOf(mounts);
        capabilities = capabilities.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(capabilities));
        ulimits = ulimits == null ? List.of() : List.copyOf(ulimits);
        maskedPaths = List.copyOf(maskedPaths);
        readonlyPaths = List.copyOf(readonlyPaths);
        Objects.requireNonNull(stdoutLog, "stdoutLog");
        Objects.requireNonNull(stderrLog, "stderrLog");
        Objects.requireNonNull(limits, "limits");
        devices = devices == null ? List.of() : List.copyOf(devices);
        groupAdd = groupAdd == null ? List.of() : List.copyOf(groupAdd);
        sysctls = sysctls == null ? java.util.Map.of() : java.util.Map.copyOf(sysctls);

        RuntimeSpecChecks check = new RuntimeSpecChecks(stateDirectory);
        check.rootFileSystem(layers, upperDirectory, workDirectory, rootfs, stateDirectory);
        check.process(args, env, workingDirectory, uid, gid, additionalGids, userSpec, hostname);
        check.mounts(mounts, shmSizeBytes, maskedPaths, readonlyPaths, devices);
    }

    /** This spec with {@code nodes} as its devices. */
    public RuntimeSpec withDevices(List<DeviceNode> nodes) {
        return new RuntimeSpec(stateDirectory, layers, upperDirectory, workDirectory, rootfs, args, env, workingDirectory,
                uid, gid, additionalGids, userSpec, hostname, network, mounts, shmSizeBytes, readonlyRootfs,
                noNewPrivileges, capabilities, ulimits, maskedPaths, readonlyPaths, stdoutLog, stderrLog, hostsFile,
                hostnameFile, resolvConfFile, limits, openStdin, tty, seccomp, sharedNamespaces, nodes, groupAdd,
                domainname, sysctls, init, logRotation, privileged, oomScoreAdj);
    }

    static String overlayOptions(List<Path> layers, Path upper, Path work) {
        StringBuilder options = new StringBuilder("lowerdir=");
        for (int i = layers.size() - 1; i >= 0; i--) {
            options.append(layers.get(i)).append(i > 0 ? ":" : "");
        }
        return options.append(",upperdir=").append(upper).append(",workdir=").append(work).append(",volatile").toString();
    }

    /**
     * A builder with Docker's defaults: upper, work and rootfs directories and the logs inside the
     * state directory, root user, working directory {@code /}, own network namespace with loopback,
     * default masked and read-only paths, Docker's capabilities, 64 MiB {@code /dev/shm}, no_new_privs,
     * Docker's seccomp profile.
     */
    public static Builder builder(Path stateDirectory, List<Path> layers, List<String> args) {
        return new Builder(stateDirectory, layers, args);
    }

    /** Builds a {@link RuntimeSpec}; see {@link RuntimeSpec#builder}. */
    public static final class Builder {
        private final Path stateDirectory;
        private final List<Path> layers;
        private final List<String> args;
        private Path upperDirectory;
        private Path workDirectory;
        private Path rootfs;
        private List<String> env = List.of();
        private String workingDirectory = "/";
        private int uid;
        private int gid;
        private List<Integer> additionalGids = List.of();
        private String userSpec;
        private String hostname;
        private NetworkMode network = NetworkMode.NONE_LOOPBACK;
        private List<String> sharedNamespaces = List.of();
        private final List<Mount> mounts = new ArrayList<>();
        private long shmSizeBytes = DEFAULT_SHM_SIZE;
        private boolean readonlyRootfs;
        private boolean noNewPrivileges = true;
        private Set<Capability> capabilities = Capability.containerDefaults();
        private List<Ulimit> ulimits = List.of();
        private List<String> maskedPaths = DEFAULT_MASKED_PATHS;
        private List<String> readonlyPaths = DEFAULT_READONLY_PATHS;
        private Path stdoutLog;
        private Path stderrLog;
        private LogRotation logRotation;
        private Path hostsFile;
        private Path hostnameFile;
        private Path resolvConfFile;
        private ResourceLimits limits = ResourceLimits.NONE;
        private boolean openStdin;
        private boolean tty;
        private SeccompFilter seccomp;
        private boolean seccompChosen;
        private final List<DeviceNode> devices = new ArrayList<>();
        private List<String> groupAdd = List.of();
        private int oomScoreAdj;
        private String domainname;
        private java.util.Map<String, String> sysctls = java.util.Map.of();
        private boolean init;
        private boolean privileged;

        private Builder(Path stateDirectory, List<Path> layers, List<String> args) {
            this.stateDirectory = Objects.requireNonNull(stateDirectory, "stateDirectory");
            this.layers = List.copyOf(layers);
            this.args = List.copyOf(args);
        }

        public Builder upperDirectory(Path directory) {
            this.upperDirectory = directory;
            return this;
        }

        public Builder workDirectory(Path directory) {
            this.workDirectory = directory;
            return this;
        }

        public Builder rootfs(Path mountPoint) {
            this.rootfs = mountPoint;
            return this;
        }

        public Builder env(List<String> entries) {
            this.env = List.copyOf(entries);
            return this;
        }

        public Builder workingDirectory(String directory) {
            this.workingDirectory = directory;
            return this;
        }

        public Builder user(int uid, int gid, List<Integer> additionalGids) {
            this.uid = uid;
            this.gid = gid;
            this.additionalGids = List.copyOf(additionalGids);
            this.userSpec = null;
            return this;
        }

        /** A user as Docker takes it, resolved inside the container (see {@link RuntimeSpec#userSpec()}). */
        public Builder user(String spec, List<Integer> additionalGids) {
            this.uid = 0;
            this.gid = 0;
            this.additionalGids = List.copyOf(additionalGids);
            this.userSpec = spec;
            return this;
        }

        public Builder hostname(String name) {
            this.hostname = name;
            return this;
        }

        public Builder network(NetworkMode mode) {
            this.network = mode;
            return this;
        }

        public Builder mount(Mount mount) {
            this.mounts.add(Objects.requireNonNull(mount, "mount"));
            return this;
        }

        public Builder shmSize(long bytes) {
            this.shmSizeBytes = bytes;
            return this;
        }

        public Builder readonlyRootfs(boolean readonly) {
            this.readonlyRootfs = readonly;
            return this;
        }

        public Builder noNewPrivileges(boolean enabled) {
            this.noNewPrivileges = enabled;
            return this;
        }

        /** The container's resource limits ({@code --ulimit}), for its first process and every exec. */
        public Builder ulimits(List<Ulimit> list) {
            this.ulimits = List.copyOf(list);
            return this;
        }

        public Builder capabilities(Set<Capability> set) {
            this.capabilities = Set.copyOf(set);
            return this;
        }

        public Builder maskedPaths(List<String> paths) {
            this.maskedPaths = List.copyOf(paths);
            return this;
        }

        public Builder readonlyPaths(List<String> paths) {
            this.readonlyPaths = List.copyOf(paths);
            return this;
        }

        public Builder logs(Path stdout, Path stderr) {
            this.stdoutLog = stdout;
            this.stderrLog = stderr;
            return this;
        }

        /** Rotates the log files as {@code rotation} says; {@code null} (the default): never. */
        public Builder logRotation(LogRotation rotation) {
            this.logRotation = rotation;
            return this;
        }

        public Builder etcFiles(Path hosts, Path hostnameFile, Path resolvConf) {
            this.hostsFile = hosts;
            this.hostnameFile = hostnameFile;
            this.resolvConfFile = resolvConf;
            return this;
        }

        public Builder limits(ResourceLimits resourceLimits) {
            this.limits = Objects.requireNonNull(resourceLimits, "limits");
            return this;
        }

        /** Gives pid 1 a standard input the JVM writes to ({@link ContainerProcess#stdin()}), instead of /dev/null. */
        public Builder openStdin(boolean open) {
            this.openStdin = open;
            return this;
        }

        /** Gives pid 1 a pseudo-terminal instead of pipes ({@link RuntimeSpec#tty()}). */
        public Builder tty(boolean value) {
            this.tty = value;
            return this;
        }

        /** The filter to run under ({@link SeccompPolicy#filter}); {@code null} for none. Unset: Docker's default. */
        /** The launcher's {@code --ns=} values; see {@link RuntimeSpec#sharedNamespaces()}. */
        public Builder sharedNamespaces(List<String> modes) {
            this.sharedNamespaces = modes;
            return this;
        }

        public Builder seccomp(SeccompFilter filter) {
            this.seccomp = filter;
            this.seccompChosen = true;
            return this;
        }

        /** A host device node bound into the container; see {@link RuntimeSpec#devices()}. */
        public Builder device(DeviceNode device) {
            this.devices.add(Objects.requireNonNull(device, "device"));
            return this;
        }

        /** {@code --group-add}, {@code --domainname}, {@code --sysctl}, {@code --init} and {@code --oom-score-adj}. */
        public Builder process(List<String> groups, String domain, java.util.Map<String, String> parameters, boolean withInit,
                               int oomAdjustment) {
            this.oomScoreAdj = oomAdjustment;
            this.groupAdd = groups;
            this.domainname = domain;
            this.sysctls = parameters;
            this.init = withInit;
            return this;
        }

        /** Runs it privileged; see {@link RuntimeSpec#privileged()} and {@link PrivilegedMode#apply}. */
        public Builder privileged(boolean value) {
            this.privileged = value;
            return this;
        }

        public RuntimeSpec build() {
            String name = stateDirectory.getFileName() == null ? "" : stateDirectory.getFileName().toString();
            String defaultHostname = RuntimeSpecChecks.HOSTNAME.matcher(name.length() > 12 ? name.substring(0, 12) : name).matches()
                    ? (name.length() > 12 ? name.substring(0, 12) : name) : "container";
            return new RuntimeSpec(stateDirectory, layers,
                    upperDirectory != null ? upperDirectory : stateDirectory.resolve("upper"),
                    workDirectory != null ? workDirectory : stateDirectory.resolve("work"),
                    rootfs != null ? rootfs : stateDirectory.resolve("rootfs"),
                    args, env, workingDirectory, uid, gid, additionalGids, userSpec,
                    hostname != null ? hostname : defaultHostname,
                    network, mounts, shmSizeBytes, readonlyRootfs, noNewPrivileges, capabilities, ulimits,
                    maskedPaths, readonlyPaths,
                    stdoutLog != null ? stdoutLog : stateDirectory.resolve("stdout.log"),
                    stderrLog != null ? stderrLog : stateDirectory.resolve("stderr.log"),
                    hostsFile, hostnameFile, resolvConfFile, limits, openStdin, tty,
                    seccompChosen ? seccomp : SeccompPolicy.filter(List.of(), capabilities).orElse(null),
                    sharedNamespaces, devices,
                    groupAdd, domainname, sysctls, init, logRotation, privileged, oomScoreAdj);
        }
    }

    /**
     * The spec as the launcher reads it, with the cgroups the container is to join; without a device policy the
     * container gets no CAP_MKNOD.
     */
    byte[] encode(Cgroups.Made made) {
        return SpecRecords.encode(this, made);
    }

    /** The PATH the launcher looks commands up in: the container's, else Docker's default. */
    String path() {
        for (String entry : env) {
            if (entry.startsWith("PATH=")) {
                return entry.substring(5);
            }
        }
        return "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    }
}
