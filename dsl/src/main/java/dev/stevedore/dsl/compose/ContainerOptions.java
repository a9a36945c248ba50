package dev.stevedore.dsl.compose;

import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.LogConfig;
import dev.stevedore.engine.Ulimit;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * A service's container settings that Compose passes to the engine as they are ({@code hostname}, {@code extra_hosts},
 * {@code cap_add}, {@code ulimits}, ...), read with Compose's short and long syntaxes. Immutable; {@link #NONE} when the
 * file sets none. {@link #applyTo} puts them on an engine spec, so the DSL and the CLI give a container the same.
 *
 * @param containerName   {@code container_name}: the container's engine name instead of {@code <project>-<service>-1},
 *                        or {@code null}
 * @param hostname        {@code hostname}, or {@code null} for the service's name
 * @param domainname      {@code domainname}, or {@code null}
 * @param extraHosts      {@code extra_hosts} as {@code NAME:ADDRESS} lines for {@code /etc/hosts}
 * @param dns             {@code dns}: name servers
 * @param dnsSearch       {@code dns_search}: search domains
 * @param dnsOptions      {@code dns_opt}: resolver options
 * @param capAdd          {@code cap_add}: capabilities added
 * @param capDrop         {@code cap_drop}: capabilities dropped
 * @param init            {@code init: true}: an init process runs the command and reaps zombies
 * @param stopGracePeriod {@code stop_grace_period}: how long a stop waits before it kills, or {@code null} for 10 s
 * @param stopSignal      {@code stop_signal}, or {@code null} for the image's
 * @param shmSize         {@code shm_size} in bytes, 0 for the engine's 64 MiB
 * @param ulimits         {@code ulimits}
 * @param sysctls         {@code sysctls}
 * @param expose          {@code expose}: ports exposed without publishing, {@code PORT/PROTOCOL}
 * @param readOnly        {@code read_only}: the root file system is read-only
 * @param securityOpt     {@code security_opt}
 * @param devices         {@code devices}: {@code HOST[:CONTAINER[:PERMISSIONS]]}
 * @param memLimit        {@code mem_limit} in bytes, 0 for none
 * @param cpus            {@code cpus}, 0 for no limit
 * @param pidsLimit       {@code pids_limit}, 0 for none
 * @param tty             {@code tty}
 * @param stdinOpen       {@code stdin_open}
 * @param ipc             {@code ipc}, or {@code null}
 * @param pid             {@code pid}, or {@code null}
 * @param macAddress      {@code mac_address}, or {@code null}
 * @param groupAdd        {@code group_add}
 * @param pullPolicy      {@code pull_policy}, or {@code null} for the engine's (pull when missing)
 * @param logging         {@code logging}, or {@code null} for the engine's
 */
public record ContainerOptions(@Nullable String containerName, @Nullable String hostname, @Nullable String domainname,
                               List<String> extraHosts, List<String> dns, List<String> dnsSearch, List<String> dnsOptions,
                               List<String> capAdd, List<String> capDrop, boolean init, @Nullable Duration stopGracePeriod,
                               @Nullable String stopSignal, long shmSize, List<Ulimit> ulimits, Map<String, String> sysctls,
                               List<String> expose, boolean readOnly, List<String> securityOpt, List<String> devices,
                               long memLimit, double cpus, long pidsLimit, boolean tty, boolean stdinOpen,
                               @Nullable String ipc, @Nullable String pid, @Nullable String macAddress,
                               List<String> groupAdd, ContainerSpec.@Nullable PullPolicy pullPolicy,
                               @Nullable LogConfig logging) {

    /** A service that sets none of these. */
    public static final ContainerOptions NONE = new ContainerOptions(null, null, null, List.of(), List.of(), List.of(),
            List.of(), List.of(), List.of(), false, null, null, 0, List.of(), Map.of(), List.of(), false, List.of(),
            List.of(), 0, 0, 0, false, false, null, null, null, List.of(), null, null);

    public ContainerOptions {
        extraHosts = List.copyOf(extraHosts);
        dns = List.copyOf(dns);
        dnsSearch = List.copyOf(dnsSearch);
        dnsOptions = List.copyOf(dnsOptions);
        capAdd = List.copyOf(capAdd);
        capDrop = List.copyOf(capDrop);
        ulimits = List.copyOf(ulimits);
        sysctls = Collections.unmodifiableMap(new TreeMap<>(sysctls));
        expose = List.copyOf(expose);
        securityOpt = List.copyOf(securityOpt);
        devices = List.copyOf(devices);
        groupAdd = List.copyOf(groupAdd);
    }

    /**
     * Puts these settings on {@code spec}, over what it has; the container's name ({@link #containerName}) is left to
     * the caller, who names the container.
     *
     * @throws IllegalArgumentException when the engine refuses a value (a device, a ulimit)
     */
    public void applyTo(ContainerSpec.Builder spec) {
        if (hostname != null) {
            spec.hostname(hostname);
        }
        if (domainname != null) {
            spec.domainname(domainname);
        }
        extraHosts.forEach(spec::extraHost);
        dns.forEach(spec::dns);
        dnsSearch.forEach(spec::dnsSearch);
        dnsOptions.forEach(spec::dnsOption);
        spec.capAdd(capAdd.toArray(String[]::new)).capDrop(capDrop.toArray(String[]::new));
        if (init) {
            spec.init(true);
        }
        if (stopGracePeriod != null) {
            spec.stopTimeout(stopGracePeriod);
        }
        if (stopSignal != null) {
            spec.stopSignal(stopSignal);
        }
        if (shmSize > 0) {
            spec.shmSizeBytes(shmSize);
        }
        ulimits.forEach(u -> spec.ulimit(u.name() + "=" + u.soft() + ":" + u.hard()));
        sysctls.forEach(spec::sysctl);
        expose.forEach(spec::expose);
        if (readOnly) {
            spec.readOnlyRootfs(true);
        }
        securityOpt.forEach(spec::securityOpt);
        devices.forEach(spec::device);
        if (memLimit > 0) {
            spec.memoryBytes(memLimit);
        }
        if (cpus > 0) {
            spec.cpus(cpus);
        }
        if (pidsLimit > 0) {
            spec.pidsLimit(pidsLimit);
        }
        if (tty) {
            spec.tty(true);
        }
        if (stdinOpen) {
            spec.openStdin(true);
        }
        if (ipc != null) {
            spec.ipcMode(ipc);
        }
        if (pid != null) {
            spec.pidMode(pid);
        }
        if (macAddress != null) {
            spec.macAddress(macAddress);
        }
        groupAdd.forEach(spec::groupAdd);
        if (pullPolicy != null) {
            spec.pullPolicy(pullPolicy);
        }
        if (logging != null) {
            spec.logConfig(logging);
        }
    }
}
