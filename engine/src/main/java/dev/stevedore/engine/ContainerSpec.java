package dev.stevedore.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What to create a container from: the image and everything the request overrides or adds. Fields the
 * request leaves {@code null} take the image's value (entrypoint, cmd, working directory, user, stop
 * signal), as {@code docker run} does.
 *
 * <p>Immutable; build one with {@link #builder(String)}. The settings' parsers live in their own types ({@link Link},
 * {@link VolumesFrom}, {@link Device}, {@link RestartPolicy}, ...).
 *
 * @param image           the image reference, pulled by {@code pullPolicy} when missing
 * @param name            the container's name; {@code null} for a generated one
 * @param entrypoint      replaces the image's ENTRYPOINT (and then its CMD too, as Docker does); {@code null} keeps it
 * @param cmd             replaces the image's CMD; {@code null} keeps it
 * @param env             {@code KEY=value} entries, added to (and overriding) the image's ENV
 * @param workingDir      replaces WORKDIR; {@code null} keeps it
 * @param user            {@code name}, {@code uid}, {@code name:group} or {@code uid:gid}; {@code null} keeps the image's USER
 * @param hostname        the hostname; {@code null} for the first 12 characters of the id
 * @param labels          labels, added to the image's
 * @param mounts          bind mounts, volumes and tmpfs mounts
 * @param readOnlyRootfs  mount the root file system read-only
 * @param shmSizeBytes    size of {@code /dev/shm}; 0 for Docker's 64 MiB
 * @param memoryBytes     memory limit; 0 for none
 * @param cpus            CPU limit in cores (1.5 = one and a half); 0 for none
 * @param pidsLimit       the most processes (and threads) the container may hold: 0 when not asked for, which means the
 *                        engine's default (the embedded engine's 4096 wherever a pids cgroup controller is there;
 *                        dockerd's own default, usually none), -1 for no limit; {@link Builder#pidsLimit(long)} takes
 *                        Docker's values (0 or -1 for no limit)
 * @param networkMode     {@code none}, {@code host}, or a network name; {@code null} for the default network
 * @param networkAliases  extra names the container answers to on its networks
 * @param ports           ports to publish on the host
 * @param publishAllPorts publish every exposed port of the image (and {@code exposedPorts}) on a free loopback port
 * @param exposedPorts    ports to expose in addition to the image's, as {@code 8080/tcp}
 * @param stopSignal      replaces STOPSIGNAL; {@code null} keeps it (SIGTERM when the image says nothing)
 * @param stopTimeout     grace period between the stop signal and SIGKILL; {@code null} for 10 seconds
 * @param autoRemove      remove the container as soon as it exits
 * @param pullPolicy      when to pull the image
 * @param openStdin       give the container's first process a standard input that stays open while it runs, written
 *                        through {@link ContainerEngine#attachStdin(String)} ({@code docker run -i}); without it, its
 *                        stdin is {@code /dev/null}
 * @param stdinOnce       with {@code openStdin}: closing the first attached stdin stream ends the container's stdin
 *                        (it reads end of file), as {@code docker run -i} does; without it, stdin stays open until the
 *                        container ends and a later attach may write more
 * @param tty             give the container's first process a pseudo-terminal ({@code docker run -t}): its stdin,
 *                        stdout and stderr are one terminal made inside the container (24x80 until
 *                        {@link ContainerEngine#resizeContainer} says otherwise); its output is one raw stream, so the
 *                        container's logs are the terminal's bytes as they came (each {@link LogLine} a chunk of them,
 *                        carriage returns and newlines included, nothing on stderr), and with {@code openStdin} what is
 *                        written to its stdin is typed on the terminal (a {@code ^C} byte interrupts its foreground
 *                        program)
 * @param securityOpts    Docker's security options ({@code docker run --security-opt}, {@code HostConfig.SecurityOpt}):
 *                        none for Docker's default seccomp profile, {@code seccomp=unconfined} for no system-call
 *                        filter, {@code seccomp=<profile JSON>} for a profile of one's own in Docker's format (the
 *                        profile's content, as the Docker API carries it: {@link Builder#seccompProfile(Path)} reads a
 *                        file); {@code no-new-privileges} is accepted (the embedded engine always sets it)
 * @param capAdd          capabilities added to Docker's default 14 ({@code docker run --cap-add}): names of
 *                        capabilities(7) with or without {@code CAP_}, in any case, or {@code ALL}; kept as given
 *                        (inspect echoes them as dockerd does)
 * @param capDrop         capabilities taken from the defaults ({@code --cap-drop}), named as in {@code capAdd};
 *                        {@code ALL} drops every one but those added
 * @param extraHosts      {@code name:address} lines added to the container's {@code /etc/hosts} before its own
 *                        ({@code docker run --add-host}); the address {@code host-gateway} is where the container reaches
 *                        the host
 * @param dns             name servers for its {@code /etc/resolv.conf} instead of the host's ({@code --dns})
 * @param dnsSearch       search domains instead of the host's ({@code --dns-search}; {@code .} for none)
 * @param dnsOptions      resolver options instead of the host's ({@code --dns-option}, e.g. {@code ndots:2})
 * @param ulimits         resource limits of its processes as {@code --ulimit} takes them, {@code nofile=1024:2048}
 *                        ({@code name=soft[:hard]}, -1 for unlimited): lowering works everywhere, raising a hard limit
 *                        above the host's only where the engine may (the embedded engine as root; dockerd); kept as
 *                        {@code name=soft:hard}
 * @param ipv4Address     a static IPv4 address on its network ({@code docker run --network n --ip 10.1.2.3}); only on a
 *                        network a user made, inside its subnet and not held by another container (else creating or
 *                        starting it fails, as with dockerd); {@code null} for the next free one
 * @param exposedHostPorts ports of the host's loopback ({@code 127.0.0.1:PORT}, where a test's stub server listens)
 *                        that the container reaches as {@code host.stevedore.internal:PORT}; only these: any other port
 *                        of that name is refused. No sidecar, and nothing listens on the host beyond what was there: the
 *                        embedded engine relays from an address of the container's own loopback; the Docker backend
 *                        refuses them (see {@link ContainerEngine#createContainer}). Ignored on the host's network,
 *                        where the container's loopback is the host's
 * @param restartPolicy   when the engine starts it again after its command ended ({@code --restart}); never with
 *                        {@code autoRemove}
 * @param volumesFrom     containers whose volume and bind mounts this one gets at the same destinations
 *                        ({@code --volumes-from NAME[:ro|rw]}): {@code ro} or {@code rw} overrides each mount's mode, none
 *                        keeps it; resolved at create, where a missing container fails it; a mount of its own at the
 *                        same destination wins; kept as given (inspect echoes them)
 * @param logConfig       where its output goes ({@code --log-driver}, {@code --log-opt}); see {@link LogConfig}
 * @param pidMode         whose process namespace it has ({@code --pid}): {@code null} or {@code ""} for one of its own,
 *                        {@code host} for the host's (a rootless embedded engine refuses it: the host's process
 *                        namespace belongs to the host's root), {@code container:NAME|ID} for that running container's:
 *                        each sees the other's processes. The same for {@code networkMode} {@code container:NAME|ID},
 *                        which shares that container's network stack, hostname, {@code /etc/hosts} and
 *                        {@code /etc/resolv.conf}: no hostname, ports, DNS or extra hosts of its own then (refused with
 *                        dockerd's "conflicting options" words)
 * @param ipcMode         its System V IPC and POSIX message queue namespace and {@code /dev/shm} ({@code --ipc}):
 *                        {@code null} or {@code ""} as {@code private}; {@code private}, {@code shareable} (others may
 *                        join it), {@code none} (no {@code /dev/shm}), {@code host} (rootful only), or
 *                        {@code container:NAME|ID} of a running {@code shareable} container
 * @param utsMode         {@code null} or {@code ""} for a hostname of its own, {@code host} for the host's
 *                        ({@code --uts}; no {@code hostname} then)
 * @param cgroupnsMode    {@code private} (a cgroup namespace of its own: {@code /proc/self/cgroup} reads {@code 0::/})
 *                        or {@code host} ({@code --cgroupns}); {@code null} or {@code ""} for the engine's default (the
 *                        embedded engine's {@code private}, dockerd's by its cgroup version)
 * @param usernsMode      {@code null}, {@code ""} or {@code host} ({@code --userns}): the embedded engine gives no
 *                        container a user namespace of its own, rootful or rootless (a rootless engine's containers all
 *                        live in the one user namespace of its user), so both mean what it always does
 * @param devices         host device nodes made visible in it ({@code --device}); see {@link Device}
 * @param macAddress      the MAC address of its interface on its network ({@code --mac-address}), six hex pairs
 *                        separated by colons, unicast; {@code null} for one the engine chooses
 * @param groupAdd        supplementary groups of its processes on top of its user's ({@code --group-add}): numbers,
 *                        or names looked up in the image's {@code /etc/group} when it starts (an unknown name fails the
 *                        start in dockerd's words, {@code Unable to find group NAME})
 * @param domainname      the NIS domain name of its UTS namespace ({@code --domainname}; {@code hostname -d} shows it);
 *                        {@code null} for none
 * @param sysctls         kernel parameters set in its own namespaces before its command runs ({@code --sysctl}): only
 *                        those the kernel keeps per namespace, as runc allows them: {@code net.*} (not on the host's
 *                        network nor another container's), {@code kernel.shm*}, {@code kernel.msg*}, {@code kernel.sem},
 *                        {@code fs.mqueue.*} and {@code kernel.domainname}; any other is refused naming the key
 * @param init            run a minimal init as pid 1 ({@code --init}): it runs the command as its child, forwards it
 *                        the signals it gets, reaps zombies, and ends with the command's exit status (128+N when signal
 *                        N ended it)
 * @param links           legacy links ({@code docker run --link NAME[:ALIAS]}), kept as {@code NAME:ALIAS} (the alias is
 *                        the name when left out): on the default bridge the linked container, which must be running
 *                        when this one starts, is in its {@code /etc/hosts} as ALIAS, its hostname and its name, and
 *                        its address, exposed ports and environment are in this one's environment as Docker writes
 *                        them ({@code ALIAS_PORT_5432_TCP_ADDR}, {@code ALIAS_ENV_FOO}, {@code ALIAS_NAME}, ...); on a
 *                        network a user made, ALIAS is one more name of the linked container as this one sees it. Not
 *                        with the host's network nor another container's
 * @param healthCheck     its health check ({@code --health-cmd} and friends); {@code null} keeps the image's
 *                        {@code HEALTHCHECK}, {@link HealthCheck#NONE} turns that off; see {@link ContainerInfo#health()}
 * @param privileged      turn the container's isolation off as {@code docker run --privileged} does, the caller's
 *                        explicit choice (Docker-in-Docker, FUSE, iptables, {@code mount} inside): every capability the
 *                        engine holds, no seccomp filter, no masked or read-only {@code /proc} and {@code /sys} paths
 *                        ({@code /sys} writable), every device node of the host in its {@code /dev} and no device rules,
 *                        no {@code no_new_privs} unless {@code securityOpts} asks for it. A rootless embedded engine
 *                        gives what its user namespace holds: that namespace's capabilities, and the host's device nodes
 *                        its user may open
 * @param declaredVolumes the paths the request declared as volumes (Docker's {@code Config.Volumes}), as inspect
 *                        echoes them: the declaration mounts nothing itself — a path no mount covers needs a
 *                        {@link Mount#volume} of its own (an anonymous one, as {@code docker run -v /data} makes)
 * @param resources       CPU shares, CFS period and quota, cpusets and block I/O weight; see {@link Resources}. Not
 *                        with {@code cpus} (refused in dockerd's words, as {@code --cpus} is a quota itself)
 * @param annotations     free-form key-value metadata for whatever runs or watches the container (Docker's
 *                        {@code HostConfig.Annotations}, API 1.43): kept with it and shown by inspect, never read by the
 *                        engine itself; keys not blank. The Docker backend refuses them (dockerd 20.10 has none)
 * @param oomScoreAdj     added to the kernel's out-of-memory score of its processes, execs included
 *                        ({@code --oom-score-adj}): -1000 to 1000, 0 leaves the engine's own; lower than the engine's
 *                        own only where the engine may lower it (with {@code CAP_SYS_RESOURCE}), else its start fails

 */
public record ContainerSpec(
        String image,
        String name,
        List<String> entrypoint,
        List<String> cmd,
        List<String> env,
        String workingDir,
        String user,
        String hostname,
        Map<String, String> labels,
        List<Mount> mounts,
        boolean readOnlyRootfs,
        long shmSizeBytes,
        long memoryBytes,
        double cpus,
        long pidsLimit,
        String networkMode,
        List<String> networkAliases,
        List<PortBinding> ports,
        boolean publishAllPorts,
        List<String> exposedPorts,
        String stopSignal,
        Duration stopTimeout,
        boolean autoRemove,
        PullPolicy pullPolicy,
        boolean openStdin,
        boolean stdinOnce,
        boolean tty,
        List<String> securityOpts,
        List<String> capAdd,
        List<String> capDrop,
        List<String> extraHosts,
        List<String> dns,
        List<String> dnsSearch,
        List<String> dnsOptions,
        List<String> ulimits,
        String ipv4Address,
        List<Integer> exposedHostPorts,
        RestartPolicy restartPolicy,
        List<String> volumesFrom,
        LogConfig logConfig,
        String pidMode,
        String ipcMode,
        String utsMode,
        String cgroupnsMode,
        String usernsMode,
        List<Device> devices,
        String macAddress,
        List<String> groupAdd,
        String domainname,
        Map<String, String> sysctls,
        boolean init,
        List<String> links,
        HealthCheck healthCheck,
        boolean privileged,
        List<String> declaredVolumes,
        Resources resources,
        Map<String, String> annotations,
        int oomScoreAdj) {

    /**
     * A label that makes a container outlive the engine (the JVM) that started it, as {@code stevedore run -d}
     * needs: {@code dev.stevedore.keep=true}. Without it a container ends when its engine is closed or its
     * JVM dies, so nothing is ever left running by a test.
     */
    public static final String KEEP_LABEL = "dev.stevedore.keep";

    /** When {@link ContainerEngine#createContainer} pulls the image. */
    public enum PullPolicy {
        /** Pull only when the image is not in the local store (the default, as {@code docker run}). */
        MISSING,
        /** Pull every time, to pick up a moved tag. */
        ALWAYS,
        /** Never pull: fail when the image is not in the local store. */
        NEVER
    }

    public ContainerSpec {
        Objects.requireNonNull(image, "image");
        entrypoint = entrypoint == null ? null : List.copyOf(entrypoint);
        cmd = cmd == null ? null : List.copyOf(cmd);
        env = List.copyOf(env);
        labels = Map.copyOf(labels);
        mounts = List.copyOf(mounts);
        networkAliases = List.copyOf(networkAliases);
        ports = List.copyOf(ports);
        exposedPorts = List.copyOf(exposedPorts);
        pullPolicy = pullPolicy == null ? PullPolicy.MISSING : pullPolicy;
        // from here on a component may be absent (null) in a container record an older build wrote
        securityOpts = SpecChecks.list(securityOpts);
        capAdd = SpecChecks.capabilities(capAdd);
        capDrop = SpecChecks.capabilities(capDrop);
        extraHosts = SpecChecks.extraHosts(extraHosts);
        dns = SpecChecks.dns(dns);
        dnsSearch = SpecChecks.list(dnsSearch);
        dnsOptions = SpecChecks.list(dnsOptions);
        ulimits = SpecChecks.ulimits(ulimits);
        ipv4Address = ipv4Address == null ? null : ipv4(ipv4Address);
        exposedHostPorts = SpecChecks.exposedHostPorts(exposedHostPorts);
        restartPolicy = restartPolicy == null ? RestartPolicy.NO : restartPolicy;
        volumesFrom = SpecChecks.list(volumesFrom);
        volumesFrom.forEach(VolumesFrom::parse);
        logConfig = logConfig == null ? LogConfig.DEFAULT : logConfig;
        devices = SpecChecks.list(devices);
        if (macAddress != null) {
            macAddress(macAddress);
        }
        groupAdd = SpecChecks.groupAdd(groupAdd);
        SpecChecks.domainname(domainname);
        sysctls = SpecChecks.sysctls(sysctls, networkMode);
        SpecChecks.restartWithAutoRemove(restartPolicy, autoRemove);
        SpecChecks.env(env);
        resources = resources == null ? Resources.NONE : resources;
        SpecChecks.limits(memoryBytes, cpus, pidsLimit, shmSizeBytes, resources);
        pidMode = NamespaceModes.pid(pidMode);
        ipcMode = NamespaceModes.ipc(ipcMode);
        utsMode = NamespaceModes.uts(utsMode, hostname);
        cgroupnsMode = NamespaceModes.cgroupns(cgroupnsMode);
        usernsMode = NamespaceModes.userns(usernsMode);
        NamespaceModes.checkNetworkContainer(networkMode, hostname, ports, publishAllPorts, exposedPorts, dns, extraHosts);
        links = SpecChecks.links(links, networkMode);
        declaredVolumes = declaredVolumes == null ? List.of() : declaredVolumes.stream().distinct().toList();
        annotations = SpecChecks.annotations(annotations);
        SpecChecks.oomScoreAdj(oomScoreAdj);
    }

    /**
     * The container a namespace mode joins: {@code NAME|ID} of {@code container:NAME|ID} ({@link #pidMode},
     * {@link #ipcMode}, {@link #networkMode}), or {@code null} for any other mode.
     */
    public static String sharedContainer(String mode) {
        return mode != null && mode.startsWith("container:") ? mode.substring("container:".length()) : null;
    }

    /**
     * {@code text} as a dotted IPv4 address, or an {@link IllegalArgumentException} in dockerd's words; for
     * {@link #ipv4Address} and the address of {@link ContainerEngine#connectNetwork(String, String, List, String)}.
     */
    public static String ipv4(String text) {
        String[] parts = text.split("\\.", -1);
        boolean valid = parts.length == 4;
        for (int i = 0; valid && i < 4; i++) {
            valid = parts[i].matches("0|[1-9][0-9]{0,2}") && Integer.parseInt(parts[i]) <= 255;
        }
        if (!valid) {
            throw new IllegalArgumentException("invalid IPv4 address: " + text);
        }
        return text;
    }

    /**
     * The six bytes of a MAC address written as {@code --mac-address} takes it ({@code 02:42:ac:11:00:02}).
     *
     * @throws IllegalArgumentException in the docker CLI's words for anything else, and for a multicast address
     *                                  (no interface can have one)
     */
    public static byte[] macAddress(String text) {
        String[] parts = text.split(":", -1);
        byte[] bytes = new byte[6];
        boolean valid = parts.length == 6;
        for (int i = 0; valid && i < 6; i++) {
            valid = parts[i].matches("[0-9A-Fa-f]{2}");
            bytes[i] = valid ? (byte) Integer.parseInt(parts[i], 16) : 0;
        }
        if (!valid) {
            throw new IllegalArgumentException(text + " is not a valid mac address (six hex pairs: 02:42:ac:11:00:02)");
        }
        if ((bytes[0] & 1) != 0) {
            throw new IllegalArgumentException(text + " is a multicast mac address, which no interface can have;"
                    + " use one whose first byte is even (02:... for a locally administered one)");
        }
        return bytes;
    }

    /** A builder for a container of {@code image}. */
    public static Builder builder(String image) {
        return new Builder(new SpecDraft(image));
    }

    /** A builder holding this spec's values. */
    public Builder toBuilder() {
        return new Builder(SpecDraft.of(this));
    }

    /** Collects a {@link ContainerSpec}; not thread-safe; {@link #build()} validates. */
    public static final class Builder {
        /** Its state, one field per component, kept apart so this file holds the value type and what callers read. */
        private final SpecDraft d;

        private Builder(SpecDraft draft) {
            this.d = draft;
        }

        public Builder name(String value) { d.name = value; return this; }
        public Builder entrypoint(String... value) { d.entrypoint = List.of(value); return this; }
        public Builder entrypoint(List<String> value) { d.entrypoint = value; return this; }
        public Builder cmd(String... value) { d.cmd = List.of(value); return this; }
        public Builder cmd(List<String> value) { d.cmd = value; return this; }
        public Builder env(String key, String value) { d.env.add(key + "=" + value); return this; }
        public Builder env(String keyEqualsValue) { d.env.add(keyEqualsValue); return this; }
        public Builder workingDir(String value) { d.workingDir = value; return this; }
        public Builder user(String value) { d.user = value; return this; }
        public Builder hostname(String value) { d.hostname = value; return this; }
        public Builder label(String key, String value) { d.labels.put(key, value); return this; }
        public Builder labels(Map<String, String> value) { d.labels.putAll(value); return this; }
        public Builder mount(Mount value) { d.mounts.add(value); return this; }
        public Builder readOnlyRootfs(boolean value) { d.readOnlyRootfs = value; return this; }
        public Builder shmSizeBytes(long value) { d.shmSizeBytes = value; return this; }
        public Builder memoryBytes(long value) { d.memoryBytes = value; return this; }
        public Builder cpus(double value) { d.cpus = value; return this; }
        /**
         * The most processes the container may hold, as Docker's {@code --pids-limit}: 0 or -1 for no limit. Without a
         * call the engine's default applies (see {@link ContainerSpec#pidsLimit()}).
         */
        public Builder pidsLimit(long value) { d.pidsLimit = value > 0 ? value : -1; return this; }
        public Builder networkMode(String value) { d.networkMode = value; return this; }
        public Builder networkAlias(String value) { d.networkAliases.add(value); return this; }
        public Builder port(PortBinding value) { d.ports.add(value); return this; }
        public Builder publishAllPorts(boolean value) { d.publishAllPorts = value; return this; }
        public Builder expose(String portAndProtocol) { d.exposedPorts.add(portAndProtocol); return this; }
        public Builder stopSignal(String value) { d.stopSignal = value; return this; }
        public Builder stopTimeout(Duration value) { d.stopTimeout = value; return this; }
        public Builder autoRemove(boolean value) { d.autoRemove = value; return this; }
        public Builder pullPolicy(PullPolicy value) { d.pullPolicy = value; return this; }
        public Builder openStdin(boolean value) { d.openStdin = value; return this; }
        public Builder stdinOnce(boolean value) { d.stdinOnce = value; return this; }
        /** A pseudo-terminal for the first process; see {@link ContainerSpec#tty()}. */
        public Builder tty(boolean value) { d.tty = value; return this; }
        /** Adds one of Docker's security options, e.g. {@code seccomp=unconfined}; see {@link ContainerSpec#securityOpts()}. */
        public Builder securityOpt(String value) { d.securityOpts.add(Objects.requireNonNull(value, "securityOpt")); return this; }

        /** Runs the container without a system-call filter ({@code --security-opt seccomp=unconfined}). */
        public Builder seccompUnconfined() { return securityOpt("seccomp=unconfined"); }

        /** Runs the container under the seccomp profile in {@code file} (Docker's JSON format), read now. */
        public Builder seccompProfile(Path file) {
            try {
                return securityOpt("seccomp=" + Files.readString(file));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the seccomp profile " + file + ": " + e.getMessage(), e);
            }
        }

        /** Adds capabilities to Docker's defaults, as {@code --cap-add}: {@code NET_ADMIN}, {@code CAP_SYS_TIME}, {@code ALL}. */
        public Builder capAdd(String... names) { d.capAdd.addAll(List.of(names)); return this; }

        /** Drops capabilities from Docker's defaults, as {@code --cap-drop}: {@code NET_RAW}, {@code ALL}. */
        public Builder capDrop(String... names) { d.capDrop.addAll(List.of(names)); return this; }

        /** Adds {@code name:address} to its {@code /etc/hosts}, as {@code --add-host}; {@code host-gateway} for the host. */
        public Builder extraHost(String nameColonAddress) { d.extraHosts.add(nameColonAddress); return this; }

        /** A name server for its {@code /etc/resolv.conf}, as {@code --dns}; any replaces the host's. */
        public Builder dns(String address) { d.dns.add(address); return this; }

        /** A search domain, as {@code --dns-search}; any replaces the host's ({@code .} alone: none). */
        public Builder dnsSearch(String domain) { d.dnsSearch.add(domain); return this; }

        /** A resolver option, as {@code --dns-option}: {@code ndots:2}; any replaces the host's. */
        public Builder dnsOption(String option) { d.dnsOptions.add(option); return this; }

        /** A resource limit, as {@code --ulimit}: {@code nofile=1024:2048}; see {@link ContainerSpec#ulimits()}. */
        public Builder ulimit(String nameEqualsSoftColonHard) { d.ulimits.add(nameEqualsSoftColonHard); return this; }

        /** A static address on its network, as {@code --ip}; see {@link ContainerSpec#ipv4Address()}. */
        public Builder ipv4Address(String address) { d.ipv4Address = address; return this; }
        /**
         * Makes servers on the host's loopback ({@code 127.0.0.1:PORT}) reachable from the container as
         * {@code host.stevedore.internal:PORT}; see {@link ContainerSpec#exposedHostPorts()}.
         */
        public Builder exposeHostPorts(int... hostPorts) {
            for (int port : hostPorts) {
                d.exposedHostPorts.add(port);
            }
            return this;
        }
        /** When the engine starts it again after its command ended, as {@code --restart}; see {@link RestartPolicy}. */
        public Builder restartPolicy(RestartPolicy value) { d.restartPolicy = value; return this; }
        /** Another container's volume and bind mounts, as {@code --volumes-from NAME[:ro|rw]}; see {@link ContainerSpec#volumesFrom()}. */
        public Builder volumesFrom(String nameAndMode) { d.volumesFrom.add(nameAndMode); return this; }
        /** Where its output goes, as {@code --log-driver} and {@code --log-opt}; see {@link LogConfig}. */
        public Builder logConfig(LogConfig value) { d.logConfig = value; return this; }
        /** Its process namespace, as {@code --pid}: {@code host} or {@code container:NAME}; see {@link ContainerSpec#pidMode()}. */
        public Builder pidMode(String value) { d.pidMode = value; return this; }
        /** Its IPC namespace, as {@code --ipc}: {@code shareable}, {@code container:NAME}...; see {@link ContainerSpec#ipcMode()}. */
        public Builder ipcMode(String value) { d.ipcMode = value; return this; }
        /** Its UTS namespace, as {@code --uts}: {@code host}; see {@link ContainerSpec#utsMode()}. */
        public Builder utsMode(String value) { d.utsMode = value; return this; }
        /** Its cgroup namespace, as {@code --cgroupns}: {@code private} or {@code host}; see {@link ContainerSpec#cgroupnsMode()}. */
        public Builder cgroupnsMode(String value) { d.cgroupnsMode = value; return this; }
        /** Its user namespace, as {@code --userns}: only {@code host}; see {@link ContainerSpec#usernsMode()}. */
        public Builder usernsMode(String value) { d.usernsMode = value; return this; }
        /** A host device node made visible in it, as {@code --device}; see {@link Device}. */
        public Builder device(Device value) { d.devices.add(Objects.requireNonNull(value, "device")); return this; }
        /** A host device node as {@code --device HOST[:CONTAINER[:PERMS]]} takes it; see {@link Device#parse}. */
        public Builder device(String hostContainerPermissions) { return device(Device.parse(hostContainerPermissions)); }
        /** The MAC address of its interface on its network, as {@code --mac-address}; see {@link ContainerSpec#macAddress()}. */
        public Builder macAddress(String value) { d.macAddress = value; return this; }
        /** A supplementary group by name or number, as {@code --group-add}; see {@link ContainerSpec#groupAdd()}. */
        public Builder groupAdd(String nameOrId) { d.groupAdd.add(Objects.requireNonNull(nameOrId, "groupAdd")); return this; }
        /** The NIS domain name, as {@code --domainname}; see {@link ContainerSpec#domainname()}. */
        public Builder domainname(String value) { d.domainname = value; return this; }
        /** A namespaced kernel parameter, as {@code --sysctl KEY=VALUE}; see {@link ContainerSpec#sysctls()}. */
        public Builder sysctl(String key, String value) { d.sysctls.put(key, value); return this; }
        /** A minimal init as pid 1, as {@code --init}; see {@link ContainerSpec#init()}. */
        public Builder init(boolean value) { d.init = value; return this; }
        /** A legacy link, as {@code --link NAME[:ALIAS]}; see {@link ContainerSpec#links()}. */
        public Builder link(String nameColonAlias) { d.links.add(Objects.requireNonNull(nameColonAlias, "link")); return this; }
        /** A legacy link to container {@code name}, known here as {@code alias}; see {@link ContainerSpec#links()}. */
        public Builder link(String name, String alias) { return link(name + ":" + alias); }
        /** Its health check, replacing the image's; {@link HealthCheck#NONE} for none; see {@link ContainerSpec#healthCheck()}. */
        public Builder healthCheck(HealthCheck value) { d.healthCheck = value; return this; }
        /** A path declared a volume, as {@code Config.Volumes} has it; see {@link ContainerSpec#declaredVolumes()}. */
        public Builder declaredVolume(String path) { d.declaredVolumes.add(Objects.requireNonNull(path, "declaredVolume")); return this; }

        /** Runs it privileged ({@code docker run --privileged}); see {@link ContainerSpec#privileged()}. */
        public Builder privileged(boolean value) { d.privileged = value; return this; }
        /** CPU shares, quota, cpusets, block I/O weight; see {@link Resources}. */
        public Builder resources(Resources value) { d.resources = Objects.requireNonNull(value, "resources"); return this; }

        /** A key-value annotation, as {@code HostConfig.Annotations}; see {@link ContainerSpec#annotations()}. */
        public Builder annotation(String key, String value) { d.annotations.put(key, value); return this; }
        /** Its processes' out-of-memory score adjustment, as {@code --oom-score-adj}; see {@link ContainerSpec#oomScoreAdj()}. */
        public Builder oomScoreAdj(int value) { d.oomScoreAdj = value; return this; }

        public ContainerSpec build() {
            return d.build();
        }
    }
}
