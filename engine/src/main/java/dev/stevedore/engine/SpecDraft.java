package dev.stevedore.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The mutable state of a {@link ContainerSpec.Builder}: one field per record component, so the builder's file holds
 * only the setters a caller reads, and copying a spec into a builder and back lives here.
 */
final class SpecDraft {
    final String image;
    String name;
    List<String> entrypoint;
    List<String> cmd;
    final List<String> env = new ArrayList<>();
    String workingDir;
    String user;
    String hostname;
    final Map<String, String> labels = new LinkedHashMap<>();
    final List<Mount> mounts = new ArrayList<>();
    boolean readOnlyRootfs;
    long shmSizeBytes;
    long memoryBytes;
    double cpus;
    long pidsLimit;
    String networkMode;
    final List<String> networkAliases = new ArrayList<>();
    final List<PortBinding> ports = new ArrayList<>();
    boolean publishAllPorts;
    final List<String> exposedPorts = new ArrayList<>();
    String stopSignal;
    Duration stopTimeout;
    boolean autoRemove;
    ContainerSpec.PullPolicy pullPolicy = ContainerSpec.PullPolicy.MISSING;
    boolean openStdin;
    boolean stdinOnce;
    boolean tty;
    final List<String> securityOpts = new ArrayList<>();
    final List<String> capAdd = new ArrayList<>();
    final List<String> capDrop = new ArrayList<>();
    final List<String> extraHosts = new ArrayList<>();
    final List<String> dns = new ArrayList<>();
    final List<String> dnsSearch = new ArrayList<>();
    final List<String> dnsOptions = new ArrayList<>();
    final List<String> ulimits = new ArrayList<>();
    String ipv4Address;
    final List<Integer> exposedHostPorts = new ArrayList<>();
    RestartPolicy restartPolicy = RestartPolicy.NO;
    final List<String> volumesFrom = new ArrayList<>();
    LogConfig logConfig = LogConfig.DEFAULT;
    String pidMode;
    String ipcMode;
    String utsMode;
    String cgroupnsMode;
    String usernsMode;
    final List<Device> devices = new ArrayList<>();
    String macAddress;
    final List<String> groupAdd = new ArrayList<>();
    String domainname;
    final Map<String, String> sysctls = new LinkedHashMap<>();
    boolean init;
    final List<String> links = new ArrayList<>();
    HealthCheck healthCheck;
    boolean privileged;
    final List<String> declaredVolumes = new ArrayList<>();
    Resources resources = Resources.NONE;
    final Map<String, String> annotations = new LinkedHashMap<>();
    int oomScoreAdj;

    SpecDraft(String image) {
        this.image = Objects.requireNonNull(image, "image");
    }

    /** A draft holding {@code spec}'s values. */
    static SpecDraft of(ContainerSpec spec) {
        SpecDraft d = new SpecDraft(spec.image());
        d.name = spec.name();
        d.entrypoint = spec.entrypoint();
        d.cmd = spec.cmd();
        d.env.addAll(spec.env());
        d.workingDir = spec.workingDir();
        d.user = spec.user();
        d.hostname = spec.hostname();
        d.labels.putAll(spec.labels());
        d.mounts.addAll(spec.mounts());
        d.readOnlyRootfs = spec.readOnlyRootfs();
        d.shmSizeBytes = spec.shmSizeBytes();
        d.memoryBytes = spec.memoryBytes();
        d.cpus = spec.cpus();
        d.pidsLimit = spec.pidsLimit();
        d.networkMode = spec.networkMode();
        d.networkAliases.addAll(spec.networkAliases());
        d.ports.addAll(spec.ports());
        d.publishAllPorts = spec.publishAllPorts();
        d.exposedPorts.addAll(spec.exposedPorts());
        d.stopSignal = spec.stopSignal();
        d.stopTimeout = spec.stopTimeout();
        d.autoRemove = spec.autoRemove();
        d.pullPolicy = spec.pullPolicy();
        d.openStdin = spec.openStdin();
        d.stdinOnce = spec.stdinOnce();
        d.tty = spec.tty();
        d.securityOpts.addAll(spec.securityOpts());
        d.capAdd.addAll(spec.capAdd());
        d.capDrop.addAll(spec.capDrop());
        d.extraHosts.addAll(spec.extraHosts());
        d.dns.addAll(spec.dns());
        d.dnsSearch.addAll(spec.dnsSearch());
        d.dnsOptions.addAll(spec.dnsOptions());
        d.ulimits.addAll(spec.ulimits());
        d.ipv4Address = spec.ipv4Address();
        d.exposedHostPorts.addAll(spec.exposedHostPorts());
        d.restartPolicy = spec.restartPolicy();
        d.volumesFrom.addAll(spec.volumesFrom());
        d.logConfig = spec.logConfig();
        d.pidMode = spec.pidMode();
        d.ipcMode = spec.ipcMode();
        d.utsMode = spec.utsMode();
        d.cgroupnsMode = spec.cgroupnsMode();
        d.usernsMode = spec.usernsMode();
        d.devices.addAll(spec.devices());
        d.macAddress = spec.macAddress();
        d.groupAdd.addAll(spec.groupAdd());
        d.domainname = spec.domainname();
        d.sysctls.putAll(spec.sysctls());
        d.init = spec.init();
        d.links.addAll(spec.links());
        d.healthCheck = spec.healthCheck();
        d.privileged = spec.privileged();
        d.declaredVolumes.addAll(spec.declaredVolumes());
        d.resources = spec.resources();
        d.annotations.putAll(spec.annotations());
        d.oomScoreAdj = spec.oomScoreAdj();
        return d;
    }

    ContainerSpec build() {
        return new ContainerSpec(image, name, entrypoint, cmd, env, workingDir, user, hostname, labels, mounts,
                readOnlyRootfs, shmSizeBytes, memoryBytes, cpus, pidsLimit, networkMode, networkAliases, ports,
                publishAllPorts, exposedPorts, stopSignal, stopTimeout, autoRemove, pullPolicy, openStdin, stdinOnce,
                tty, securityOpts, capAdd, capDrop, extraHosts, dns, dnsSearch, dnsOptions, ulimits, ipv4Address,
                exposedHostPorts, restartPolicy, volumesFrom, logConfig, pidMode, ipcMode, utsMode, cgroupnsMode,
                usernsMode, devices, macAddress, groupAdd, domainname, sysctls, init, links, healthCheck, privileged,
                declaredVolumes, resources, annotations, oomScoreAdj);
    }
}
