package dev.stevedore.dsl;

import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.Link;
import dev.stevedore.engine.LogLine;
import dev.stevedore.engine.Mount;
import dev.stevedore.engine.RestartPolicy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The mutable spec of a container, handed to a {@link Configurer} lambda: required things (the image) were
 * given positionally, everything optional is set here. Valid only inside the lambda; it is then validated
 * and frozen into a {@link ContainerDefinition}, and mistakes are reported with the container's name:
 * {@code container "db": port 5432 exposed twice}.
 *
 * <p>Defaults: published ports on a free loopback port; ready when every published port accepts connections
 * (inside the container and from the host), or as soon as it runs when it publishes none; 60 seconds to get
 * ready; killed and removed at stop.
 *
 * <p>The one place a user looks for a container's options: a setter per option, each with its Javadoc. Its
 * sections are package-private classes: the files copied in ({@link FileCopies}), the options handed straight to the
 * engine's spec ({@link SpecCustomizers}), the checks at freezing ({@link DefinitionChecks}, {@link ContainerNames});
 * the work behind each option is in the engine's {@code ContainerSpec}.
 */
public final class ContainerConfig {
    /** How long a container may take to become ready unless told otherwise. */
    public static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(60);

    private String name;
    private String image;
    private List<String> entrypoint;
    private List<String> command;
    private final Map<String, String> env = new LinkedHashMap<>();
    private final List<ContainerDefinition.Port> ports = new ArrayList<>();
    private String workingDir;
    private String user;
    private final Map<String, String> labels = new LinkedHashMap<>();
    private final List<ContainerDefinition.NetworkAttachment> networks = new ArrayList<>();
    private final List<Mount> mounts = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();
    private final FileCopies files = new FileCopies(problems);
    private WaitStrategy waitStrategy;
    private Duration startupTimeout = DEFAULT_STARTUP_TIMEOUT;
    private Duration stopTimeout;
    private final List<ContainerHandle> dependsOn = new ArrayList<>();
    private ContainerSpec.PullPolicy pullPolicy = ContainerSpec.PullPolicy.MISSING;
    private long memoryBytes;
    private double cpus;
    private final List<Consumer<LogLine>> logListeners = new ArrayList<>();
    private final SpecCustomizers specCustomizers = new SpecCustomizers(problems);

    ContainerConfig(String image, String name) {
        this.image = image;
        this.name = name;
    }

    /** The container's name: its alias on its networks and the start of its engine name. Defaults to the image's. */
    public ContainerConfig name(String value) {
        this.name = value;
        return this;
    }

    /** Replaces the image given positionally. */
    public ContainerConfig image(String value) {
        this.image = value;
        return this;
    }

    /** Sets an environment variable (a later call for the same name wins). */
    public ContainerConfig env(String variable, String value) {
        env.put(variable, Objects.requireNonNull(value, () -> "value of environment variable " + variable));
        return this;
    }

    /** Sets several environment variables. */
    public ContainerConfig env(Map<String, String> variables) {
        variables.forEach(this::env);
        return this;
    }

    /** Publishes container TCP ports on free ports of the host's loopback ({@link ContainerHandle#port(int)} tells which). */
    public ContainerConfig expose(int... containerPorts) {
        for (int port : containerPorts) {
            ports.add(new ContainerDefinition.Port(port, 0));
        }
        return this;
    }

    /** Publishes a container TCP port on a fixed host port of the loopback; prefer {@link #expose}, which never clashes. */
    public ContainerConfig publish(int containerPort, int hostPort) {
        ports.add(new ContainerDefinition.Port(containerPort, hostPort));
        return this;
    }

    /** Replaces the image's CMD. */
    public ContainerConfig command(String... commandAndArguments) {
        this.command = List.of(commandAndArguments);
        return this;
    }

    /** Replaces the image's ENTRYPOINT (and, as in Docker, drops its CMD unless {@link #command} is set too). */
    public ContainerConfig entrypoint(String... entrypointAndArguments) {
        this.entrypoint = List.of(entrypointAndArguments);
        return this;
    }

    public ContainerConfig workingDir(String value) {
        this.workingDir = value;
        return this;
    }

    /** Runs as {@code name}, {@code uid}, {@code name:group} or {@code uid:gid}. */
    public ContainerConfig user(String value) {
        this.user = value;
        return this;
    }

    public ContainerConfig label(String key, String value) {
        labels.put(key, value);
        return this;
    }

    /**
     * Joins {@code network}, where the container answers to its {@link #name} and to {@code aliases}. The first
     * network joined is its primary one.
     */
    public ContainerConfig network(NetworkHandle network, String... aliases) {
        networks.add(new ContainerDefinition.NetworkAttachment(
                Objects.requireNonNull(network, () -> "network of container " + name), List.of(aliases)));
        return this;
    }

    /** Mounts a host file or directory, writable. */
    public ContainerConfig bind(Path hostPath, String containerPath) {
        return mount(() -> Mount.bind(hostPath.toAbsolutePath().toString(), containerPath, false));
    }

    /** Mounts a host file or directory, read-only. */
    public ContainerConfig bindReadOnly(Path hostPath, String containerPath) {
        return mount(() -> Mount.bind(hostPath.toAbsolutePath().toString(), containerPath, true));
    }

    /** Mounts the named volume (created if missing). */
    public ContainerConfig volume(String volumeName, String containerPath) {
        return mount(() -> Mount.volume(volumeName, containerPath, false));
    }

    /** Mounts an empty tmpfs. */
    public ContainerConfig tmpfs(String containerPath) {
        return mount(() -> Mount.tmpfs(containerPath, ""));
    }

    /**
     * Copies a host file to {@code containerPath} (the file's full path in the container), or a host directory's
     * content below {@code containerPath}, before the container starts.
     */
    public ContainerConfig copy(Path hostPath, String containerPath) {
        files.copy(hostPath, containerPath);
        return this;
    }

    /** Copies a classpath resource (read now) to {@code containerPath} before the container starts. */
    public ContainerConfig copyResource(String resource, String containerPath) {
        files.copyResource(resource, containerPath);
        return this;
    }

    /** Writes {@code content} (UTF-8) to {@code containerPath} with mode 0644 before the container starts. */
    public ContainerConfig file(String containerPath, String content) {
        return file(containerPath, content.getBytes(StandardCharsets.UTF_8), 0644);
    }

    /** Writes {@code content} to {@code containerPath} with {@code mode} (e.g. {@code 0755}) before the container starts. */
    public ContainerConfig file(String containerPath, byte[] content, int mode) {
        files.file(containerPath, content, mode);
        return this;
    }

    /** What makes the container ready; see {@link Wait}. */
    public ContainerConfig waitFor(WaitStrategy strategy) {
        this.waitStrategy = Objects.requireNonNull(strategy, "strategy");
        return this;
    }

    /** How long it may take to become ready (default 60 s); wait strategies with their own timeout keep it. */
    public ContainerConfig startupTimeout(Duration timeout) {
        this.startupTimeout = timeout;
        return this;
    }

    /** Stops it gracefully (stop signal, then {@code grace}) instead of killing it at once. */
    public ContainerConfig stopTimeout(Duration grace) {
        this.stopTimeout = grace;
        return this;
    }

    /** Containers that must be ready before this one starts. */
    public ContainerConfig dependsOn(ContainerHandle... containers) {
        for (ContainerHandle container : containers) {
            if (!dependsOn.contains(Objects.requireNonNull(container, () -> "dependency of container " + name))) {
                dependsOn.add(container); // once, however often it is named (a link names it too)
            }
        }
        return this;
    }

    /**
     * Links {@code container} under {@code alias}, as {@code docker run --link NAME:ALIAS}: it is ready before this one
     * starts (as {@link #dependsOn}), and this one finds it by {@code alias} (on the default bridge also in
     * {@code ALIAS_PORT_...} and {@code ALIAS_ENV_...} variables); see {@code ContainerSpec.links()}. On a shared
     * network the container's name already resolves: a link only adds the alias.
     */
    public ContainerConfig link(ContainerHandle container, String alias) {
        Objects.requireNonNull(container, () -> "linked container of container " + name);
        try {
            Link.parse("linked:" + Objects.requireNonNull(alias, "alias"));
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        dependsOn(container);
        // the linked container's engine name exists once it started, which dependsOn makes it before this one is made
        specCustomizers.add(spec -> spec.link(container.engineName(), alias));
        return this;
    }

    public ContainerConfig pullPolicy(ContainerSpec.PullPolicy policy) {
        this.pullPolicy = Objects.requireNonNull(policy, "policy");
        return this;
    }

    public ContainerConfig memory(long bytes) {
        this.memoryBytes = bytes;
        return this;
    }

    public ContainerConfig cpus(double cores) {
        this.cpus = cores;
        return this;
    }

    /**
     * Runs the container without a system-call filter ({@code docker run --security-opt seccomp=unconfined}); by
     * default it runs under Docker's seccomp profile.
     */
    public ContainerConfig seccompUnconfined() {
        return securityOpt("seccomp=unconfined");
    }

    /** Runs the container under the seccomp profile in {@code file} (Docker's JSON format), read now. */
    public ContainerConfig seccompProfile(Path file) {
        try {
            return securityOpt("seccomp=" + Files.readString(file));
        } catch (IOException e) {
            problems.add("cannot read the seccomp profile " + file + ": " + e.getMessage());
            return this;
        }
    }

    /**
     * Shares namespaces instead of giving the container its own ({@code docker run --pid/--ipc/--uts/--cgroupns}):
     * {@code kind} is {@code pid}, {@code ipc}, {@code uts} or {@code cgroupns}; {@code mode} as
     * {@link ContainerSpec#pidMode()} and its siblings say, e.g. {@code namespace("pid", "container:" + db.id())} to
     * see the processes of the running container {@code db}. A kind or mode the engine does not know fails the definition.
     */
    public ContainerConfig namespace(String kind, String mode) {
        Objects.requireNonNull(mode, "mode");
        switch (Objects.requireNonNull(kind, "kind")) {
            case "pid" -> specCustomizers.checked(spec -> spec.pidMode(mode));
            case "ipc" -> specCustomizers.checked(spec -> spec.ipcMode(mode));
            case "uts" -> specCustomizers.checked(spec -> spec.utsMode(mode));
            case "cgroupns" -> specCustomizers.checked(spec -> spec.cgroupnsMode(mode));
            default -> problems.add("namespace kind \"" + kind + "\" is none of pid, ipc, uts and cgroupns");
        }
        return this;
    }

    /** One of Docker's security options ({@code seccomp=unconfined}, {@code seccomp=<profile JSON>}), as given. */
    public ContainerConfig securityOpt(String option) {
        Objects.requireNonNull(option, "option");
        specCustomizers.add(spec -> spec.securityOpt(option));
        return this;
    }

    /**
     * Adds Linux capabilities to Docker's default 14 ({@code docker run --cap-add}): {@code "NET_ADMIN"},
     * {@code "CAP_SYS_TIME"}, or {@code "ALL"}. An unknown name fails the definition.
     */
    public ContainerConfig capAdd(String... capabilities) {
        String[] names = List.of(capabilities).toArray(String[]::new);
        specCustomizers.checked(spec -> spec.capAdd(names));
        return this;
    }

    /** Drops Linux capabilities from the defaults ({@code docker run --cap-drop}): {@code "NET_RAW"}, or {@code "ALL"}. */
    public ContainerConfig capDrop(String... capabilities) {
        String[] names = List.of(capabilities).toArray(String[]::new);
        specCustomizers.checked(spec -> spec.capDrop(names));
        return this;
    }

    /**
     * Runs the container privileged ({@code docker run --privileged}, Testcontainers' {@code withPrivilegedMode(true)}):
     * every capability, the host's devices, no seccomp filter, no masked paths. For what needs it (Docker in Docker,
     * FUSE, iptables or {@code mount} inside); it turns the container's isolation from the host off.
     */
    public ContainerConfig privileged() {
        specCustomizers.add(spec -> spec.privileged(true));
        return this;
    }

    /**
     * Runs a minimal init as pid 1 ({@code docker run --init}): it runs the command as its child, forwards it the
     * stop signal, reaps orphaned processes and ends with the command's exit status.
     */
    public ContainerConfig init() {
        specCustomizers.add(spec -> spec.init(true));
        return this;
    }

    /**
     * Adds supplementary groups to the container's processes ({@code docker run --group-add}): numbers, or names the
     * image's {@code /etc/group} knows (an unknown name fails the start).
     */
    public ContainerConfig groupAdd(String... groups) {
        List<String> names = List.of(groups);
        specCustomizers.checked(spec -> names.forEach(spec::groupAdd));
        return this;
    }

    /**
     * Sets a kernel parameter in the container's own namespaces ({@code docker run --sysctl}): {@code net.*},
     * {@code kernel.shm*}, {@code kernel.msg*}, {@code kernel.sem}, {@code fs.mqueue.*}; any other fails the definition.
     * The domain name ({@code --domainname}) is set with {@code engineSpec(s -> s.domainname("example.org"))}.
     */
    public ContainerConfig sysctl(String key, String value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        specCustomizers.checked(spec -> spec.sysctl(key, value));
        return this;
    }

    /**
     * Adds {@code address name} to the container's {@code /etc/hosts} ({@code docker run --add-host name:address});
     * the address {@code "host-gateway"} is where the container reaches the host.
     */
    public ContainerConfig extraHost(String name, String address) {
        String entry = Objects.requireNonNull(name, "name") + ":" + Objects.requireNonNull(address, "address");
        specCustomizers.checked(spec -> spec.extraHost(entry));
        return this;
    }

    /**
     * Makes servers the test runs on the host's loopback ({@code 127.0.0.1:PORT}: a stub HTTP server, WireMock) reachable
     * from the container as {@code host.stevedore.internal:PORT}, these ports only, with no sidecar and nothing opened on
     * the host. The embedded engine relays them; the Docker backend refuses, saying why.
     */
    public ContainerConfig exposeHostPorts(int... ports) {
        int[] copy = ports.clone();
        specCustomizers.checked(spec -> spec.exposeHostPorts(copy));
        return this;
    }

    /** Name servers for the container's {@code /etc/resolv.conf}, instead of the host's ({@code --dns}). */
    public ContainerConfig dns(String... servers) {
        for (String server : servers) {
            specCustomizers.checked(spec -> spec.dns(server));
        }
        return this;
    }

    /** DNS search domains instead of the host's ({@code --dns-search}). */
    public ContainerConfig dnsSearch(String... domains) {
        List<String> names = List.of(domains);
        specCustomizers.add(spec -> names.forEach(spec::dnsSearch));
        return this;
    }

    /** Resolver options instead of the host's ({@code --dns-option}): {@code "ndots:2"}. */
    public ContainerConfig dnsOption(String... options) {
        List<String> values = List.of(options);
        specCustomizers.add(spec -> values.forEach(spec::dnsOption));
        return this;
    }

    /**
     * A resource limit of the container's processes ({@code docker run --ulimit nofile=1024:2048}), -1 for unlimited;
     * raising a hard limit above the host's works only where the engine may.
     */
    public ContainerConfig ulimit(String name, long soft, long hard) {
        String value = Objects.requireNonNull(name, "name") + "=" + soft + ":" + hard;
        specCustomizers.checked(spec -> spec.ulimit(value));
        return this;
    }

    /**
     * Makes a host device node visible in the container ({@code docker run --device HOST[:CONTAINER[:PERMS]]}):
     * {@code "/dev/fuse"}, {@code "/dev/ttyUSB0:/dev/modem:rw"}; a malformed value fails the definition, a host path
     * that is no device node fails the start.
     */
    public ContainerConfig device(String hostContainerPermissions) {
        Objects.requireNonNull(hostContainerPermissions, "device");
        specCustomizers.checked(spec -> spec.device(hostContainerPermissions));
        return this;
    }

    /** The container's MAC address on its network ({@code docker run --mac-address 02:42:ac:11:00:02}). */
    public ContainerConfig macAddress(String mac) {
        Objects.requireNonNull(mac, "mac");
        specCustomizers.checked(spec -> spec.macAddress(mac));
        return this;
    }

    /**
     * When the engine starts the container again after its command ended ({@code docker run --restart}): {@code "no"},
     * {@code "on-failure"}, {@code "on-failure:3"}, {@code "always"} or {@code "unless-stopped"}; a stop by the test
     * is never undone. An unknown policy fails the definition.
     */
    public ContainerConfig restart(String policy) {
        Objects.requireNonNull(policy, "policy");
        specCustomizers.checked(spec -> spec.restartPolicy(RestartPolicy.parse(policy)));
        return this;
    }

    /** Receives every line the container logs, from its start on, on a thread of its own. */
    public ContainerConfig onLog(Consumer<LogLine> listener) {
        logListeners.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    /** Last changes to the engine's spec, for what the DSL does not offer (applied after everything else). */
    public ContainerConfig engineSpec(Configurer<ContainerSpec.Builder> customizer) {
        specCustomizers.add(Objects.requireNonNull(customizer, "customizer"));
        return this;
    }

    String name() {
        return name;
    }

    /** Validates and freezes; {@code where} prefixes the path in messages ({@code environment: }). */
    ContainerDefinition build(String where) {
        String path = where + "container \"" + name + "\"";
        if (!ContainerNames.valid(name)) {
            throw new InvalidDefinitionException(where + "container \"" + name + "\"",
                    "a name must be 1 to 63 of letters, digits, '_', '.', '-' and start with a letter or digit");
        }
        if (!problems.isEmpty()) {
            throw new InvalidDefinitionException(path, String.join("; ", problems));
        }
        DefinitionChecks.image(path, image);
        DefinitionChecks.ports(path, ports);
        DefinitionChecks.envNames(path, env.keySet());
        List<ContainerDefinition.FileCopy> copies = files.checked(path);
        DefinitionChecks.networks(path, networks);
        if (startupTimeout == null || startupTimeout.isNegative() || startupTimeout.isZero()) {
            throw new InvalidDefinitionException(path, "startup timeout " + startupTimeout + " must be positive");
        }
        if (stopTimeout != null && stopTimeout.isNegative()) {
            throw new InvalidDefinitionException(path, "stop timeout " + stopTimeout + " cannot be negative");
        }
        if (memoryBytes < 0 || cpus < 0) {
            throw new InvalidDefinitionException(path, "memory and CPU limits cannot be negative");
        }
        if (command != null && command.isEmpty() && entrypoint == null) {
            throw new InvalidDefinitionException(path, "an empty command; leave command() out to keep the image's");
        }
        WaitStrategy wait = waitStrategy != null ? waitStrategy : defaultWait();
        return new ContainerDefinition(name, image, entrypoint, command, env, ports, workingDir, user, labels, networks,
                mounts, copies, wait, startupTimeout, stopTimeout, dependsOn, pullPolicy, memoryBytes, cpus, logListeners,
                specCustomizers.all());
    }

    private WaitStrategy defaultWait() {
        if (ports.isEmpty()) {
            return Wait.running();
        }
        int[] all = ports.stream().mapToInt(ContainerDefinition.Port::containerPort).toArray();
        return Wait.port(all);
    }

    private ContainerConfig mount(Supplier<Mount> mount) {
        try {
            mounts.add(mount.get());
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        return this;
    }
}
