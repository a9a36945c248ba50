package dev.stevedore.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What to create a container from: the image and everything the request overrides or adds. Fields the
 * request leaves {@code null} take the image's value (entrypoint, cmd, working directory, user, stop
 * signal), as {@code docker run} does.
 *
 * <p>Immutable; build one with {@link #builder(String)}.
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
 *
 * <p>Past 500 lines with one job: every setting a container is created with, each documented once where a caller
 * reads it, and the {@link Builder} that is the only way to make one; the settings' parsers live in their own types
 * ({@link Device}, {@link RestartPolicy}, {@link LogConfig}, ...).
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
        Resources resources) {

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
        securityOpts = securityOpts == null ? List.of() : List.copyOf(securityOpts); // absent in older config.json
        capAdd = capAdd == null ? List.of() : List.copyOf(capAdd); // absent in older config.json too
        capDrop = capDrop == null ? List.of() : List.copyOf(capDrop);
        capAdd.forEach(Capability::normalize); // refuses an unknown name now, not at start
        capDrop.forEach(Capability::normalize);
        extraHosts = extraHosts == null ? List.of() : List.copyOf(extraHosts);
        dns = dns == null ? List.of() : List.copyOf(dns);
        dnsSearch = dnsSearch == null ? List.of() : List.copyOf(dnsSearch);
        dnsOptions = dnsOptions == null ? List.of() : List.copyOf(dnsOptions);
        extraHosts.forEach(ExtraHost::parse);
        dns.forEach(ExtraHost::address);
        // checked, and kept as name=soft:hard whatever the form given
        ulimits = ulimits == null ? List.of() : ulimits.stream().map(u -> Ulimit.parse(u).toString()).toList();
        if (ipv4Address != null) {
            ipv4Address = ipv4(ipv4Address);
        }
        exposedHostPorts = exposedHostPorts == null ? List.of() : List.copyOf(exposedHostPorts); // absent in older config.json
        for (int port : exposedHostPorts) {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("host port " + port + " to expose to the container is not between 1 and 65535");
            }
        }
        if (Set.copyOf(exposedHostPorts).size() != exposedHostPorts.size()) {
            throw new IllegalArgumentException("host ports to expose to the container name one twice: " + exposedHostPorts);
        }
        restartPolicy = restartPolicy == null ? RestartPolicy.NO : restartPolicy; // absent in older config.json
        volumesFrom = volumesFrom == null ? List.of() : List.copyOf(volumesFrom); // absent in older config.json
        for (String from : volumesFrom) {
            volumesFromMode(from);
        }
        logConfig = logConfig == null ? LogConfig.DEFAULT : logConfig; // absent in older config.json too
        devices = devices == null ? List.of() : List.copyOf(devices); // absent in older config.json too
        if (macAddress != null) {
            macAddress(macAddress);
        }
        groupAdd = groupAdd == null ? List.of() : List.copyOf(groupAdd); // absent in older config.json
        for (String group : groupAdd) {
            if (group.isEmpty() || group.indexOf(':') >= 0 || group.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("group \"" + group + "\" to add is not a group name or number");
            }
        }
        if (domainname != null && (domainname.length() > 64 || !domainname.matches("[A-Za-z0-9_.-]*"))) {
            throw new IllegalArgumentException("domain name \"" + domainname + "\" is not up to 64 letters, digits, '.', '-', '_'");
        }
        sysctls = sysctls == null ? Map.of() : Map.copyOf(sysctls); // absent in older config.json
        sysctls.keySet().forEach(key -> Sysctls.check(key, networkMode));
        if (autoRemove && restartPolicy.kind() != RestartPolicy.Kind.NO) {
            // as dockerd: a container that goes at its end cannot also be started again
            throw new IllegalArgumentException("restart policy " + restartPolicy + " conflicts with auto-remove (--rm):"
                    + " leave one out");
        }
        for (String e : env) {
            if (e.indexOf('=') <= 0) {
                throw new IllegalArgumentException("environment entry \"" + e + "\" is not KEY=value");
            }
        }
        if (memoryBytes < 0 || cpus < 0 || pidsLimit < -1 || shmSizeBytes < 0) {
            throw new IllegalArgumentException("limits cannot be negative (but a pids limit of -1 for none)");
        }
        resources = resources == null ? Resources.NONE : resources; // absent in older config.json
        if (cpus > 0 && (resources.cpuPeriod() != 0 || resources.cpuQuota() != 0)) {
            throw new IllegalArgumentException("Conflicting options: Nano CPUs and CPU " + (resources.cpuPeriod() != 0
                    ? "Period" : "Quota") + " cannot both be set"); // dockerd's words
        }
        pidMode = NamespaceModes.pid(pidMode);
        ipcMode = NamespaceModes.ipc(ipcMode);
        utsMode = NamespaceModes.uts(utsMode, hostname);
        cgroupnsMode = NamespaceModes.cgroupns(cgroupnsMode);
        usernsMode = NamespaceModes.userns(usernsMode);
        NamespaceModes.checkNetworkContainer(networkMode, hostname, ports, publishAllPorts, exposedPorts, dns, extraHosts);
        // once each: the docker CLI sends a user network's links both in HostConfig and in its endpoint
        links = links == null ? List.of() : links.stream().map(ContainerSpec::link).distinct().toList(); // absent in older config.json
        declaredVolumes = declaredVolumes == null ? List.of() : declaredVolumes.stream().distinct().toList(); // older config.json
        if (!links.isEmpty() && ("host".equals(networkMode) || sharedContainer(networkMode) != null)) {
            // dockerd's words
            throw new IllegalArgumentException("conflicting options: " + ("host".equals(networkMode) ? "host"
                    : "container") + " type networking can't be used with links. This would result in undefined behavior");
        }
    }

    /**
     * A {@link #links} entry as {@code NAME:ALIAS}, from {@code NAME}, {@code NAME:ALIAS} or dockerd's inspect form
     * {@code /NAME:/PARENT/ALIAS}.
     *
     * @throws IllegalArgumentException for an empty name or alias
     */
    public static String link(String entry) {
        int colon = entry.indexOf(':');
        String name = strip(colon < 0 ? entry : entry.substring(0, colon));
        String alias = colon < 0 ? name : entry.substring(colon + 1);
        alias = alias.substring(alias.lastIndexOf('/') + 1);
        if (name.isEmpty() || alias.isEmpty() || name.contains("/") || entry.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("invalid link \"" + entry + "\": give NAME or NAME:ALIAS");
        }
        return name + ":" + alias;
    }

    private static String strip(String name) {
        return name.startsWith("/") ? name.substring(1) : name;
    }

    /** The linked container's name or id in a {@link #links} entry. */
    public static String linkContainer(String entry) {
        String link = link(entry);
        return link.substring(0, link.indexOf(':'));
    }

    /** The alias of a {@link #links} entry, the name this container knows the linked one by. */
    public static String linkAlias(String entry) {
        String link = link(entry);
        return link.substring(link.indexOf(':') + 1);
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

    /**
     * The container named by a {@link #volumesFrom} entry ({@code NAME[:ro|rw]}).
     *
     * @throws IllegalArgumentException for an empty name or a mode other than {@code ro} and {@code rw}
     */
    public static String volumesFromContainer(String entry) {
        volumesFromMode(entry);
        int colon = entry.indexOf(':');
        return colon < 0 ? entry : entry.substring(0, colon);
    }

    /**
     * The mode of a {@link #volumesFrom} entry: {@code ro}, {@code rw}, or {@code ""} to keep each mount's own.
     *
     * @throws IllegalArgumentException for an empty name or a mode other than {@code ro} and {@code rw}
     */
    public static String volumesFromMode(String entry) {
        int colon = entry.indexOf(':');
        String mode = colon < 0 ? "" : entry.substring(colon + 1);
        if (colon == 0 || entry.isEmpty() || !(mode.isEmpty() || mode.equals("ro") || mode.equals("rw"))) {
            // dockerd's words for a bad mode
            throw new IllegalArgumentException("invalid mode for volumes-from: " + entry + " (NAME, NAME:ro or NAME:rw)");
        }
        return mode;
    }

    /** A builder for a container of {@code image}. */
    public static Builder builder(String image) {
        return new Builder(image);
    }

    /** A builder holding this spec's values. */
    public Builder toBuilder() {
        Builder b = new Builder(image);
        b.name = name;
        b.entrypoint = entrypoint;
        b.cmd = cmd;
        b.env.addAll(env);
        b.workingDir = workingDir;
        b.user = user;
        b.hostname = hostname;
        b.labels.putAll(labels);
        b.mounts.addAll(mounts);
        b.readOnlyRootfs = readOnlyRootfs;
        b.shmSizeBytes = shmSizeBytes;
        b.memoryBytes = memoryBytes;
        b.cpus = cpus;
        b.pidsLimit = pidsLimit;
        b.networkMode = networkMode;
        b.networkAliases.addAll(networkAliases);
        b.ports.addAll(ports);
        b.publishAllPorts = publishAllPorts;
        b.exposedPorts.addAll(exposedPorts);
        b.stopSignal = stopSignal;
        b.stopTimeout = stopTimeout;
        b.autoRemove = autoRemove;
        b.pullPolicy = pullPolicy;
        b.openStdin = openStdin;
        b.stdinOnce = stdinOnce;
        b.tty = tty;
        b.securityOpts.addAll(securityOpts);
        b.capAdd.addAll(capAdd);
        b.capDrop.addAll(capDrop);
        b.extraHosts.addAll(extraHosts);
        b.dns.addAll(dns);
        b.dnsSearch.addAll(dnsSearch);
        b.dnsOptions.addAll(dnsOptions);
        b.ulimits.addAll(ulimits);
        b.ipv4Address = ipv4Address;
        b.exposedHostPorts.addAll(exposedHostPorts);
        b.restartPolicy = restartPolicy;
        b.volumesFrom.addAll(volumesFrom);
        b.logConfig = logConfig;
        b.pidMode = pidMode;
        b.ipcMode = ipcMode;
        b.utsMode = utsMode;
        b.cgroupnsMode = cgroupnsMode;
        b.usernsMode = usernsMode;
        b.devices.addAll(devices);
        b.macAddress = macAddress;
        b.groupAdd.addAll(groupAdd);
        b.domainname = domainname;
        b.sysctls.putAll(sysctls);
        b.init = init;
        b.links.addAll(links);
        b.healthCheck = healthCheck;
        b.privileged = privileged;
        b.declaredVolumes.addAll(declaredVolumes);
        b.resources = resources;
        return b;
    }

    /** Collects a {@link ContainerSpec}; not thread-safe; {@link #build()} validates. */
    public static final class Builder {
        private final String image;
        private String name;
        private List<String> entrypoint;
        private List<String> cmd;
        private final List<String> env = new ArrayList<>();
        private String workingDir;
        private String user;
        private String hostname;
        private final Map<String, String> labels = new LinkedHashMap<>();
        private final List<Mount> mounts = new ArrayList<>();
        private boolean readOnlyRootfs;
        private long shmSizeBytes;
        private long memoryBytes;
        private double cpus;
        private long pidsLimit;
        private String networkMode;
        private final List<String> networkAliases = new ArrayList<>();
        private final List<PortBinding> ports = new ArrayList<>();
        private boolean publishAllPorts;
        private final List<String> exposedPorts = new ArrayList<>();
        private String stopSignal;
        private Duration stopTimeout;
        private boolean autoRemove;
        private PullPolicy pullPolicy = PullPolicy.MISSING;
        private boolean openStdin;
        private boolean stdinOnce;
        private boolean tty;
        private final List<String> securityOpts = new ArrayList<>();
        private final List<String> capAdd = new ArrayList<>();
        private final List<String> capDrop = new ArrayList<>();
        private final List<String> extraHosts = new ArrayList<>();
        private final List<String> dns = new ArrayList<>();
        private final List<String> dnsSearch = new ArrayList<>();
        private final List<String> dnsOptions = new ArrayList<>();
        private final List<String> ulimits = new ArrayList<>();
        private String ipv4Address;
        private final List<Integer> exposedHostPorts = new ArrayList<>();
        private RestartPolicy restartPolicy = RestartPolicy.NO;
        private final List<String> volumesFrom = new ArrayList<>();
        private LogConfig logConfig = LogConfig.DEFAULT;
        private String pidMode;
        private String ipcMode;
        private String utsMode;
        private String cgroupnsMode;
        private String usernsMode;
        private final List<Device> devices = new ArrayList<>();
        private String macAddress;
        private final List<String> groupAdd = new ArrayList<>();
        private String domainname;
        private final Map<String, String> sysctls = new LinkedHashMap<>();
        private boolean init;
        private final List<String> links = new ArrayList<>();
        private HealthCheck healthCheck;
        private boolean privileged;
        private final List<String> declaredVolumes = new ArrayList<>();
        private Resources resources = Resources.NONE;

        private Builder(String image) {
            this.image = Objects.requireNonNull(image, "image");
        }

        public Builder name(String value) { this.name = value; return this; }
        public Builder entrypoint(String... value) { this.entrypoint = List.of(value); return this; }
        public Builder entrypoint(List<String> value) { this.entrypoint = value; return this; }
        public Builder cmd(String... value) { this.cmd = List.of(value); return this; }
        public Builder cmd(List<String> value) { this.cmd = value; return this; }
        public Builder env(String key, String value) { this.env.add(key + "=" + value); return this; }
        public Builder env(String keyEqualsValue) { this.env.add(keyEqualsValue); return this; }
        public Builder workingDir(String value) { this.workingDir = value; return this; }
        public Builder user(String value) { this.user = value; return this; }
        public Builder hostname(String value) { this.hostname = value; return this; }
        public Builder label(String key, String value) { this.labels.put(key, value); return this; }
        public Builder labels(Map<String, String> value) { this.labels.putAll(value); return this; }
        public Builder mount(Mount value) { this.mounts.add(value); return this; }
        public Builder readOnlyRootfs(boolean value) { this.readOnlyRootfs = value; return this; }
        public Builder shmSizeBytes(long value) { this.shmSizeBytes = value; return this; }
        public Builder memoryBytes(long value) { this.memoryBytes = value; return this; }
        public Builder cpus(double value) { this.cpus = value; return this; }
        /**
         * The most processes the container may hold, as Docker's {@code --pids-limit}: 0 or -1 for no limit. Without a
         * call the engine's default applies (see {@link ContainerSpec#pidsLimit()}).
         */
        public Builder pidsLimit(long value) { this.pidsLimit = value > 0 ? value : -1; return this; }
        public Builder networkMode(String value) { this.networkMode = value; return this; }
        public Builder networkAlias(String value) { this.networkAliases.add(value); return this; }
        public Builder port(PortBinding value) { this.ports.add(value); return this; }
        public Builder publishAllPorts(boolean value) { this.publishAllPorts = value; return this; }
        public Builder expose(String portAndProtocol) { this.exposedPorts.add(portAndProtocol); return this; }
        public Builder stopSignal(String value) { this.stopSignal = value; return this; }
        public Builder stopTimeout(Duration value) { this.stopTimeout = value; return this; }
        public Builder autoRemove(boolean value) { this.autoRemove = value; return this; }
        public Builder pullPolicy(PullPolicy value) { this.pullPolicy = value; return this; }
        public Builder openStdin(boolean value) { this.openStdin = value; return this; }
        public Builder stdinOnce(boolean value) { this.stdinOnce = value; return this; }
        /** A pseudo-terminal for the first process; see {@link ContainerSpec#tty()}. */
        public Builder tty(boolean value) { this.tty = value; return this; }
        /** Adds one of Docker's security options, e.g. {@code seccomp=unconfined}; see {@link ContainerSpec#securityOpts()}. */
        public Builder securityOpt(String value) { this.securityOpts.add(Objects.requireNonNull(value, "securityOpt")); return this; }

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
        public Builder capAdd(String... names) { this.capAdd.addAll(List.of(names)); return this; }

        /** Drops capabilities from Docker's defaults, as {@code --cap-drop}: {@code NET_RAW}, {@code ALL}. */
        public Builder capDrop(String... names) { this.capDrop.addAll(List.of(names)); return this; }

        /** Adds {@code name:address} to its {@code /etc/hosts}, as {@code --add-host}; {@code host-gateway} for the host. */
        public Builder extraHost(String nameColonAddress) { this.extraHosts.add(nameColonAddress); return this; }

        /** A name server for its {@code /etc/resolv.conf}, as {@code --dns}; any replaces the host's. */
        public Builder dns(String address) { this.dns.add(address); return this; }

        /** A search domain, as {@code --dns-search}; any replaces the host's ({@code .} alone: none). */
        public Builder dnsSearch(String domain) { this.dnsSearch.add(domain); return this; }

        /** A resolver option, as {@code --dns-option}: {@code ndots:2}; any replaces the host's. */
        public Builder dnsOption(String option) { this.dnsOptions.add(option); return this; }

        /** A resource limit, as {@code --ulimit}: {@code nofile=1024:2048}; see {@link ContainerSpec#ulimits()}. */
        public Builder ulimit(String nameEqualsSoftColonHard) { this.ulimits.add(nameEqualsSoftColonHard); return this; }

        /** A static address on its network, as {@code --ip}; see {@link ContainerSpec#ipv4Address()}. */
        public Builder ipv4Address(String address) { this.ipv4Address = address; return this; }
        /**
         * Makes servers on the host's loopback ({@code 127.0.0.1:PORT}) reachable from the container as
         * {@code host.stevedore.internal:PORT}; see {@link ContainerSpec#exposedHostPorts()}.
         */
        public Builder exposeHostPorts(int... hostPorts) {
            for (int port : hostPorts) {
                this.exposedHostPorts.add(port);
            }
            return this;
        }
        /** When the engine starts it again after its command ended, as {@code --restart}; see {@link RestartPolicy}. */
        public Builder restartPolicy(RestartPolicy value) { this.restartPolicy = value; return this; }
        /** Another container's volume and bind mounts, as {@code --volumes-from NAME[:ro|rw]}; see {@link ContainerSpec#volumesFrom()}. */
        public Builder volumesFrom(String nameAndMode) { this.volumesFrom.add(nameAndMode); return this; }
        /** Where its output goes, as {@code --log-driver} and {@code --log-opt}; see {@link LogConfig}. */
        public Builder logConfig(LogConfig value) { this.logConfig = value; return this; }
        /** Its process namespace, as {@code --pid}: {@code host} or {@code container:NAME}; see {@link ContainerSpec#pidMode()}. */
        public Builder pidMode(String value) { this.pidMode = value; return this; }
        /** Its IPC namespace, as {@code --ipc}: {@code shareable}, {@code container:NAME}...; see {@link ContainerSpec#ipcMode()}. */
        public Builder ipcMode(String value) { this.ipcMode = value; return this; }
        /** Its UTS namespace, as {@code --uts}: {@code host}; see {@link ContainerSpec#utsMode()}. */
        public Builder utsMode(String value) { this.utsMode = value; return this; }
        /** Its cgroup namespace, as {@code --cgroupns}: {@code private} or {@code host}; see {@link ContainerSpec#cgroupnsMode()}. */
        public Builder cgroupnsMode(String value) { this.cgroupnsMode = value; return this; }
        /** Its user namespace, as {@code --userns}: only {@code host}; see {@link ContainerSpec#usernsMode()}. */
        public Builder usernsMode(String value) { this.usernsMode = value; return this; }
        /** A host device node made visible in it, as {@code --device}; see {@link Device}. */
        public Builder device(Device value) { this.devices.add(Objects.requireNonNull(value, "device")); return this; }
        /** A host device node as {@code --device HOST[:CONTAINER[:PERMS]]} takes it; see {@link Device#parse}. */
        public Builder device(String hostContainerPermissions) { return device(Device.parse(hostContainerPermissions)); }
        /** The MAC address of its interface on its network, as {@code --mac-address}; see {@link ContainerSpec#macAddress()}. */
        public Builder macAddress(String value) { this.macAddress = value; return this; }
        /** A supplementary group by name or number, as {@code --group-add}; see {@link ContainerSpec#groupAdd()}. */
        public Builder groupAdd(String nameOrId) { this.groupAdd.add(Objects.requireNonNull(nameOrId, "groupAdd")); return this; }
        /** The NIS domain name, as {@code --domainname}; see {@link ContainerSpec#domainname()}. */
        public Builder domainname(String value) { this.domainname = value; return this; }
        /** A namespaced kernel parameter, as {@code --sysctl KEY=VALUE}; see {@link ContainerSpec#sysctls()}. */
        public Builder sysctl(String key, String value) { this.sysctls.put(key, value); return this; }
        /** A minimal init as pid 1, as {@code --init}; see {@link ContainerSpec#init()}. */
        public Builder init(boolean value) { this.init = value; return this; }
        /** A legacy link, as {@code --link NAME[:ALIAS]}; see {@link ContainerSpec#links()}. */
        public Builder link(String nameColonAlias) { this.links.add(Objects.requireNonNull(nameColonAlias, "link")); return this; }
        /** A legacy link to container {@code name}, known here as {@code alias}; see {@link ContainerSpec#links()}. */
        public Builder link(String name, String alias) { return link(name + ":" + alias); }
        /** Its health check, replacing the image's; {@link HealthCheck#NONE} for none; see {@link ContainerSpec#healthCheck()}. */
        public Builder healthCheck(HealthCheck value) { this.healthCheck = value; return this; }
        /** A path declared a volume, as {@code Config.Volumes} has it; see {@link ContainerSpec#declaredVolumes()}. */
        public Builder declaredVolume(String path) { this.declaredVolumes.add(Objects.requireNonNull(path, "declaredVolume")); return this; }

        /** Runs it privileged ({@code docker run --privileged}); see {@link ContainerSpec#privileged()}. */
        public Builder privileged(boolean value) { this.privileged = value; return this; }
        /** CPU shares, quota, cpusets, block I/O weight; see {@link Resources}. */
        public Builder resources(Resources value) { this.resources = Objects.requireNonNull(value, "resources"); return this; }

        public ContainerSpec build() {
            return new ContainerSpec(image, name, entrypoint, cmd, env, workingDir, user, hostname, labels, mounts,
                    readOnlyRootfs, shmSizeBytes, memoryBytes, cpus, pidsLimit, networkMode, networkAliases, ports,
                    publishAllPorts, exposedPorts, stopSignal, stopTimeout, autoRemove, pullPolicy, openStdin, stdinOnce,
                    tty, securityOpts, capAdd, capDrop, extraHosts, dns, dnsSearch, dnsOptions, ulimits, ipv4Address,
                    exposedHostPorts, restartPolicy, volumesFrom, logConfig, pidMode, ipcMode, utsMode, cgroupnsMode,
                    usernsMode, devices, macAddress, groupAdd, domainname, sysctls, init, links, healthCheck,
                    privileged, declaredVolumes, resources);
        }
    }
}
