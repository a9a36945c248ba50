package dev.stevedore.cli;

import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerNotFoundException;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.Device;
import dev.stevedore.engine.ContainerSpec.PullPolicy;
import dev.stevedore.engine.ContainerStartException;
import dev.stevedore.engine.ImageReference;
import dev.stevedore.engine.Mount;
import dev.stevedore.engine.PortBinding;
import dev.stevedore.engine.LogConfig;
import dev.stevedore.engine.RestartPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code stevedore run}: creates and starts a container, pulling its image first when it is missing.
 * Attached (the default) it streams the container's stdout and stderr to its own as they come and exits
 * with the container's exit code; Ctrl-C stops the container (and removes it with {@code --rm}).
 * Detached ({@code -d}) it prints the container's id. Exit codes as {@code docker run}'s: 125 when the
 * engine failed, 126 when the command could not be executed, 127 when it was not found.
 */
@Command(name = "run", description = "Create and start a container from an image.",
        customSynopsis = "stevedore run [OPTIONS] IMAGE [COMMAND] [ARG...]")
class RunCommand extends EngineCommand {
    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]*");

    @Mixin
    HelpOption.LongHelpOption help;

    @Mixin
    HealthOptions health;

    @Mixin
    CpuOptions cpu;

    @Mixin
    DeviceIoOptions deviceIo;

    @Option(names = "--rm", description = "Remove the container when it exits.")
    boolean remove;

    @Option(names = {"-d", "--detach"}, description = "Run in the background and print the container ID.")
    boolean detach;

    @Option(names = {"-e", "--env"}, paramLabel = "KEY[=VALUE]",
            description = "Set an environment variable (KEY alone: copy this shell's value).")
    List<String> env = new ArrayList<>();

    @Option(names = "--env-file", paramLabel = "FILE", description = "Read environment variables from a file, one KEY=VALUE a line.")
    List<Path> envFiles = new ArrayList<>();

    @Option(names = {"-v", "--volume"}, paramLabel = "SRC:DST[:ro]",
            description = "Bind mount a host path (absolute, or ./relative) or mount a named volume.")
    List<String> volumes = new ArrayList<>();

    @Option(names = "--tmpfs", paramLabel = "DST[:OPTS]", description = "Mount a tmpfs, e.g. /run:size=64m.")
    List<String> tmpfs = new ArrayList<>();

    @Option(names = "--name", paramLabel = "NAME", description = "Name the container.")
    String name;

    @Option(names = {"-w", "--workdir"}, paramLabel = "DIR", description = "Working directory inside the container.")
    String workingDir;

    @Option(names = {"-u", "--user"}, paramLabel = "USER", description = "User to run as: name, uid, name:group or uid:gid.")
    String user;

    @Option(names = "--entrypoint", paramLabel = "CMD", description = "Replace the image's entrypoint (\"\" to clear it).")
    String entrypoint;

    @Option(names = {"-h", "--hostname"}, paramLabel = "NAME", description = "The container's hostname.")
    String hostname;

    @Option(names = {"-l", "--label"}, paramLabel = "KEY[=VALUE]", description = "Set a label.")
    List<String> labels = new ArrayList<>();

    @Option(names = "--read-only", description = "Mount the container's root file system read-only.")
    boolean readOnly;

    @Option(names = "--security-opt", paramLabel = "OPT",
            description = "Security option: seccomp=unconfined (no system-call filter) or seccomp=PROFILE.json (Docker's format).")
    List<String> securityOpts = new ArrayList<>();

    @Option(names = "--cap-add", paramLabel = "CAP",
            description = "Add a Linux capability to Docker's default 14: NET_ADMIN, CAP_SYS_TIME, ALL.")
    List<String> capAdd = new ArrayList<>();

    @Option(names = "--cap-drop", paramLabel = "CAP", description = "Drop a Linux capability: NET_RAW, ALL (all but those added).")
    List<String> capDrop = new ArrayList<>();

    @Option(names = "--add-host", paramLabel = "NAME:IP",
            description = "Add a line to the container's /etc/hosts (IP host-gateway: the host).")
    List<String> addHosts = new ArrayList<>();

    @Option(names = "--dns", paramLabel = "IP", description = "A name server for the container, instead of the host's.")
    List<String> dns = new ArrayList<>();

    @Option(names = "--dns-search", paramLabel = "DOMAIN", description = "A DNS search domain, instead of the host's.")
    List<String> dnsSearch = new ArrayList<>();

    @Option(names = "--dns-option", paramLabel = "OPT", description = "A resolver option (ndots:2), instead of the host's.")
    List<String> dnsOptions = new ArrayList<>();

    @Option(names = "--ulimit", paramLabel = "NAME=SOFT[:HARD]", description = "A resource limit: nofile=1024:2048.")
    List<String> ulimits = new ArrayList<>();

    @Option(names = "--volumes-from", paramLabel = "CONTAINER[:ro|rw]",
            description = "Mount the volumes and bind mounts of a container at their destinations; :ro makes them read-only.")
    List<String> volumesFrom = new ArrayList<>();

    @Option(names = "--link", paramLabel = "NAME[:ALIAS]",
            description = "Link to a running container: its address in /etc/hosts as ALIAS and its ports and environment"
                    + " as ALIAS_* variables (Docker's legacy links).")
    List<String> links = new ArrayList<>();

    @Option(names = "--device", paramLabel = "HOST[:CONTAINER[:PERMS]]",
            description = "Make a host device node visible in the container, usable as PERMS say (r, w, m; default rwm).")
    List<String> devices = new ArrayList<>();

    @Option(names = "--mac-address", paramLabel = "MAC", description = "The container's MAC address on its network (02:42:ac:11:00:02).")
    String macAddress;
    @Option(names = "--group-add", paramLabel = "GROUP",
            description = "An additional group of its processes: a number, or a name in the image's /etc/group.")
    List<String> groupAdd = new ArrayList<>();

    @Option(names = "--domainname", paramLabel = "NAME", description = "The container's NIS domain name.")
    String domainname;

    @Option(names = "--sysctl", paramLabel = "KEY=VALUE",
            description = "A kernel parameter of its own namespaces: net.*, kernel.shm*, kernel.msg*, kernel.sem, fs.mqueue.*.")
    List<String> sysctls = new ArrayList<>();

    @Option(names = "--oom-score-adj", paramLabel = "N",
            description = "Added to its processes' out-of-memory score, -1000 to 1000 (lower than the engine's own needs CAP_SYS_RESOURCE).")
    int oomScoreAdj;

    @Option(names = "--init", description = "Run a minimal init as pid 1 that forwards signals and reaps zombies.")
    boolean init;

    @Option(names = "--privileged", description = "Give the container every capability, the host's devices, no seccomp"
            + " filter and no masked paths (its isolation off, as docker run --privileged).")
    boolean privileged;

    @Option(names = "--restart", paramLabel = "POLICY",
            description = "When to start it again after it ends: no, on-failure[:N], always, unless-stopped.")
    String restart;

    @Option(names = "--log-driver", paramLabel = "DRIVER",
            description = "Where its output goes: json-file (default) or local (both kept as the engine's own log), none.")
    String logDriver;

    @Option(names = "--log-opt", paramLabel = "KEY=VALUE", description = "An option of the log driver.")
    List<String> logOpts = new ArrayList<>();

    @Option(names = "--shm-size", paramLabel = "SIZE", description = "Size of /dev/shm, e.g. 256m (default 64m).")
    String shmSize;

    @Option(names = {"-m", "--memory"}, paramLabel = "SIZE", description = "Memory limit, e.g. 512m or 1g.")
    String memory;

    @Option(names = "--cpus", paramLabel = "N", description = "CPU limit in cores, e.g. 1.5.")
    Double cpus;

    @Option(names = "--pids-limit", paramLabel = "N", description = "Limit the number of processes (0 or -1: no limit).")
    Long pidsLimit;

    @Option(names = "--pid", paramLabel = "MODE",
            description = "Process namespace: host, or container:NAME to see that running container's processes.")
    String pid;

    @Option(names = "--ipc", paramLabel = "MODE",
            description = "IPC namespace: private, shareable, none, host, or container:NAME of a shareable one.")
    String ipc;

    @Option(names = "--uts", paramLabel = "MODE", description = "UTS namespace: host for the host's hostname.")
    String uts;

    @Option(names = "--cgroupns", paramLabel = "MODE", description = "Cgroup namespace: private or host.")
    String cgroupns;

    @Option(names = "--userns", paramLabel = "MODE",
            description = "User namespace: host (what the engine does anyway: no container gets one of its own).")
    String userns;

    @Option(names = "--network", paramLabel = "NAME",
            description = "Network to join: a network's name, none, host, or container:NAME to share its network stack.")
    String network;

    @Option(names = "--network-alias", paramLabel = "ALIAS", description = "Another name for the container on its network.")
    List<String> networkAliases = new ArrayList<>();

    @Option(names = "--ip", paramLabel = "IPV4", description = "A static IPv4 address on its network (one you created).")
    String ip;

    @Option(names = {"-p", "--publish"}, paramLabel = "[IP:][HOST:]PORT[/PROTO]",
            description = "Publish a container port (on 127.0.0.1 and a free port unless given).")
    List<String> publish = new ArrayList<>();

    @Option(names = {"-P", "--publish-all"}, description = "Publish every exposed port on a free loopback port.")
    boolean publishAll;

    @Option(names = "--expose", paramLabel = "PORT[/PROTO]", description = "Expose a port without publishing it.")
    List<String> expose = new ArrayList<>();

    @Option(names = "--pull", paramLabel = "POLICY", description = "Pull the image: missing (default), always or never.")
    String pull = "missing";

    @Option(names = "--platform", paramLabel = "OS/ARCH[/VARIANT]", converter = PlatformConverter.class,
            description = "Platform of the image: pulled for it when the local one is for another.")
    dev.stevedore.engine.Platform platform;

    @Option(names = "--stop-signal", paramLabel = "SIGNAL", description = "Signal that stops the container (default: the image's, else SIGTERM).")
    String stopSignal;

    @Option(names = "--stop-timeout", paramLabel = "SECONDS", description = "Seconds to wait after the stop signal before killing (default 10).")
    Integer stopTimeout;

    @Option(names = {"-i", "--interactive"},
            description = "Feed this command's standard input to the container as it comes; its end is the container's end of"
                    + " file. With -d the container's stdin stays open for 'stevedore attach'.")
    boolean interactive;

    @Option(names = {"-t", "--tty"},
            description = "Give the container a pseudo-terminal; with -i this command's terminal is put in raw mode and"
                    + " typed into it (Ctrl-C reaches the container's foreground program).")
    boolean tty;

    @picocli.CommandLine.Mixin
    DetachKeysOption detachKeys = new DetachKeysOption();

    @Parameters(index = "0", paramLabel = "IMAGE", description = "The image to run, e.g. busybox or postgres:15.")
    String image;

    @Parameters(index = "1..*", paramLabel = "COMMAND", description = "The command and its arguments (default: the image's).")
    List<String> command = new ArrayList<>();

    private ImageReference reference;
    private PullPolicy pullPolicy;
    private ContainerSpec spec;

    @Override
    void validate() {
        reference = Ids.fullImageId(image) ? null : reference(image); // an id is never pulled
        pullPolicy = switch (pull) {
            case "missing" -> PullPolicy.MISSING;
            case "always" -> PullPolicy.ALWAYS;
            case "never" -> PullPolicy.NEVER;
            default -> throw usageError("--pull must be missing, always or never, not '" + pull + "'");
        };
        spec = spec(root().environment());
    }

    /** The container to create, as the options describe it; usage errors for malformed values. */
    private ContainerSpec spec(UnaryOperator<String> environment) {
        ContainerSpec.Builder builder = ContainerSpec.builder(image);
        if (name != null && !NAME.matcher(name).matches()) {
            throw usageError("--name '" + name + "' is not a valid name: use letters, digits and _ . - (not first)");
        }
        builder.name(name).workingDir(workingDir).user(user).hostname(hostname).networkMode(network)
                .stopSignal(stopSignal).readOnlyRootfs(readOnly).publishAllPorts(publishAll);
        if (entrypoint != null) {
            builder.entrypoint(entrypoint.isEmpty() ? List.of() : List.of(entrypoint));
        }
        if (!command.isEmpty()) {
            builder.cmd(command);
        }
        for (Path file : envFiles) {
            EnvEntries.file(file, environment).forEach(builder::env);
        }
        for (String entry : env) {
            try {
                EnvEntries.entry(entry, environment).ifPresent(builder::env);
            } catch (IllegalArgumentException e) {
                throw usageError("-e: " + e.getMessage());
            }
        }
        for (String label : labels) {
            int equals = label.indexOf('=');
            if (equals == 0) {
                throw usageError("--label '" + label + "' has no key: use KEY=VALUE");
            }
            builder.label(equals < 0 ? label : label.substring(0, equals), equals < 0 ? "" : label.substring(equals + 1));
        }
        for (String volume : volumes) {
            builder.mount(usable(() -> HostSideOptions.volume(volume)));
        }
        for (String mount : tmpfs) {
            int colon = mount.indexOf(':');
            builder.mount(parsed("--tmpfs", () -> Mount.tmpfs(colon < 0 ? mount : mount.substring(0, colon),
                    colon < 0 ? "" : mount.substring(colon + 1))));
        }
        for (String port : publish) {
            builder.port(parsed("-p", () -> PortBinding.parse(port)));
        }
        for (String port : expose) {
            if (!port.matches("\\d{1,5}(/(tcp|udp|sctp))?")) {
                throw usageError("--expose '" + port + "' is not PORT[/PROTO]");
            }
            builder.expose(port.contains("/") ? port : port + "/tcp");
        }
        networkAliases.forEach(builder::networkAlias);
        builder.ipv4Address(ip);
        for (String option : securityOpts) {
            builder.securityOpt(usable(() -> HostSideOptions.securityOpt(option)));
        }
        builder.capAdd(capAdd.toArray(String[]::new)).capDrop(capDrop.toArray(String[]::new));
        addHosts.forEach(builder::extraHost);
        dns.forEach(builder::dns);
        dnsSearch.forEach(builder::dnsSearch);
        dnsOptions.forEach(builder::dnsOption);
        ulimits.forEach(builder::ulimit);
        volumesFrom.forEach(builder::volumesFrom);
        links.forEach(builder::link);
        builder.pidMode(pid).ipcMode(ipc).utsMode(uts).cgroupnsMode(cgroupns).usernsMode(userns);
        if (macAddress != null) {
            parsed("--mac-address", () -> ContainerSpec.macAddress(macAddress));
            builder.macAddress(macAddress);
        }
        for (String device : devices) {
            builder.device(parsed("--device", () -> Device.parse(device)));
        }
        groupAdd.forEach(builder::groupAdd);
        builder.domainname(domainname).oomScoreAdj(oomScoreAdj);
        for (String sysctl : sysctls) {
            int equals = sysctl.indexOf('=');
            if (equals <= 0) {
                throw usageError("invalid argument \"" + sysctl + "\" for \"--sysctl\" flag: sysctl '" + sysctl
                        + "' is not whitelisted"); // the docker CLI's words
            }
            builder.sysctl(sysctl.substring(0, equals), sysctl.substring(equals + 1));
        }
        builder.init(init);
        builder.privileged(privileged);
        builder.healthCheck(health.check(this::usageError));
        builder.resources(deviceIo.applyTo(cpu.resources(this::usageError), this::usageError));
        if (restart != null) {
            RestartPolicy policy = parsed("--restart", () -> RestartPolicy.parse(restart));
            if (remove && policy.kind() != RestartPolicy.Kind.NO) {
                throw usageError("Conflicting options: --restart and --rm"); // the docker CLI's words
            }
            builder.restartPolicy(policy);
        }
        if (logDriver != null || !logOpts.isEmpty()) {
            Map<String, String> options = new LinkedHashMap<>();
            for (String opt : logOpts) {
                if (opt.indexOf('=') <= 0) {
                    throw usageError("invalid argument \"" + opt + "\" for \"--log-opt\" flag: expected KEY=VALUE");
                }
                options.put(opt.substring(0, opt.indexOf('=')), opt.substring(opt.indexOf('=') + 1));
            }
            builder.logConfig(parsed("--log-driver", () -> new LogConfig(logDriver == null ? "json-file" : logDriver, options)));
        }
        if (shmSize != null) {
            builder.shmSizeBytes(parsed("--shm-size", () -> Sizes.parseBinary(shmSize)));
        }
        if (memory != null) {
            builder.memoryBytes(parsed("--memory", () -> Sizes.parseBinary(memory)));
        }
        if (cpus != null) {
            if (cpus <= 0 || cpus.isNaN() || cpus.isInfinite()) {
                throw usageError("--cpus must be a positive number of cores, not " + cpus);
            }
            builder.cpus(cpus);
        }
        if (pidsLimit != null) {
            builder.pidsLimit(pidsLimit);
        }
        if (stopTimeout != null) {
            if (stopTimeout < 0) {
                throw usageError("--stop-timeout must be a number of seconds, 0 or more, not " + stopTimeout);
            }
            builder.stopTimeout(Duration.ofSeconds(stopTimeout));
        }
        // Attached, --rm is done here after the output is read: an engine that removed the container on exit
        // could take its logs with it before they were followed.
        builder.autoRemove(remove && detach);
        // run -di: stdin stays open past any one attach (docker's CLI asks StdinOnce false); create -i asks it true
        builder.openStdin(interactive).stdinOnce(interactive && (!detach || createOnly())).tty(tty);
        // The container is the user's, as with docker: it outlives this command's JVM (which ends right away
        // with -d, or may be killed while attached) instead of going with it as a test's container does.
        builder.label(ContainerSpec.KEEP_LABEL, "true");
        // This command pulls (showing progress) before creating; the engine is only asked not to pull when told so.
        builder.pullPolicy(pullPolicy == PullPolicy.NEVER ? PullPolicy.NEVER : PullPolicy.MISSING);
        try {
            return builder.build();
        } catch (IllegalArgumentException e) {
            throw usageError(e.getMessage());
        }
    }

    /** {@code parse}'s value, or a usage error with its message (which names the option). */
    private <T> T usable(java.util.function.Supplier<T> parse) {
        try {
            return parse.get();
        } catch (IllegalArgumentException e) {
            throw usageError(e.getMessage());
        }
    }

    private <T> T parsed(String option, java.util.function.Supplier<T> parse) {
        try {
            return parse.get();
        } catch (IllegalArgumentException e) {
            throw usageError(option + ": " + e.getMessage());
        }
    }

    @Override
    int run(ContainerEngine engine) {
        ensureImage(engine);
        Timing.mark("image resolved");
        ContainerInfo created;
        try {
            created = engine.createContainer(spec);
        } catch (IllegalArgumentException e) {
            throw usageError(e.getMessage()); // what this engine cannot honour (a log driver), said as a usage error
        }
        Timing.mark("container created");
        // the docker CLI prints the create's warnings (a setting the host cannot apply, its IPv4 forwarding) first
        created.warnings().forEach(w -> err().println("WARNING: " + w));
        if (createOnly()) {
            out().println(created.id());
            return 0;
        }
        if (detach) {
            try {
                engine.startContainer(created.id());
            } catch (ContainerStartException e) {
                return startFailed(engine, created, e, remove);
            }
            out().println(created.id());
            return 0;
        }
        AttachedRun attached = new AttachedRun(engine, created.id(), outBytes(), errBytes(), err(), remove, interactive ? root().stdin() : null,
                tty ? detachKeys.keys : null);
        // -it: the user's keys go to the container's terminal as they are typed, Ctrl-C included
        try (RawTerminal raw = tty && interactive ? RawTerminal.enter(root().shutdownHooks()).orElse(null) : null) {
            return attached.run(root().shutdownHooks());
        } catch (ContainerStartException e) {
            // AttachedRun has removed it already when asked to.
            return startFailed(engine, created, e, false);
        }
    }

    /** Whether the container is only created ({@code stevedore create}), not started. */
    boolean createOnly() {
        return false;
    }

    private int startFailed(ContainerEngine engine, ContainerInfo created, ContainerStartException failure, boolean removeIt) {
        Main.report(failure, root().debug(), err());
        if (removeIt) {
            try {
                engine.removeContainer(created.id(), true);
            } catch (ContainerNotFoundException gone) {
                // The engine removed it on its own (auto-remove).
            } catch (ContainerEngineException e) {
                Main.report(e, root().debug(), err());
            }
        }
        return Containers.startFailureExitCode(failure);
    }

    /** Pulls the image as --pull and --platform say, with the pull report on stderr so stdout is the container's. */
    private void ensureImage(ContainerEngine engine) {
        RunImages.ensure(engine, reference, image, pullPolicy, platform, err(), root().terminal());
    }

    @Override
    int failureExitCode() {
        return Containers.ENGINE_FAILED;
    }
}
