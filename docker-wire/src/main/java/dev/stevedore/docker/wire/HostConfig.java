package dev.stevedore.docker.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;
import java.util.Map;

/**
 * A container's {@code HostConfig}, as far as Stevedore reads or writes it. Every component may be {@code null}.
 *
 * @param binds        {@code /host:/ctr[:opts]} or {@code volume:/ctr[:opts]}
 * @param tmpfs        target → mount options
 * @param portBindings {@code "80/tcp"} → its bindings
 * @param nanoCpus     CPUs × 10⁹
 * @param consoleSize  height and width of a TTY
 * @param containerIdFile the docker CLI's {@code --cidfile}, which the CLI itself writes
 * @param capAdd       {@code --cap-add}: capability names with or without {@code CAP_}, or {@code ALL}
 * @param capDrop      {@code --cap-drop}, named as {@code capAdd}
 * @param extraHosts   {@code --add-host}: {@code name:address}, the address may be {@code host-gateway}
 * @param dns          {@code --dns}: name servers
 * @param annotations  free-form key-value metadata (API 1.43; dockerd before it ignores the field)
 * @param oomScoreAdj  {@code --oom-score-adj}: -1000 to 1000
 * @param dnsSearch    {@code --dns-search}: search domains
 * @param dnsOptions   {@code --dns-option}: resolver options
 * @param ulimits      {@code --ulimit}: resource limits
 * @param volumesFrom  {@code --volumes-from}: {@code NAME[:ro|rw]}, containers whose volume and bind mounts it gets
 * @param pidMode      {@code --pid}: {@code ""}, {@code host} or {@code container:NAME|ID}
 * @param ipcMode      {@code --ipc}: {@code private}, {@code shareable}, {@code none}, {@code host} or {@code container:NAME|ID}
 * @param utsMode      {@code --uts}: {@code ""} or {@code host}
 * @param cgroupnsMode {@code --cgroupns}: {@code private} or {@code host}
 * @param usernsMode   {@code --userns}: {@code ""} or {@code host}
 * @param devices      {@code --device}: host device nodes made visible in it
 * @param groupAdd     {@code --group-add}: supplementary groups by name or number
 * @param sysctls      {@code --sysctl}: namespaced kernel parameters by dotted name
 * @param init         {@code --init}: a minimal init as pid 1
 * @param links        {@code --link} on the default bridge: {@code NAME[:ALIAS]} (inspect: {@code /NAME:/PARENT/ALIAS})
 * @param privileged   {@code --privileged}: the container's isolation turned off
 * @param cpuShares    {@code --cpu-shares}: relative CPU weight
 * @param cpusetCpus   {@code --cpuset-cpus}: the CPUs it may run on, {@code 0-3} or {@code 0,1}
 * @param cpusetMems   {@code --cpuset-mems}: the memory nodes it may allocate on
 * @param blkioWeight  {@code --blkio-weight}: relative block I/O weight, 10 to 1000
 * @param memoryReservation {@code --memory-reservation}: the soft memory limit in bytes
 * @param memorySwappiness  {@code --memory-swappiness}: 0 to 100; the docker CLI sends -1 for unset
 * @param blkioWeightDevice {@code --blkio-weight-device}: a weight per block device
 * @param blkioDeviceReadBps  {@code --device-read-bps}: bytes per second per block device
 * @param blkioDeviceWriteBps {@code --device-write-bps}
 * @param blkioDeviceReadIOps {@code --device-read-iops}: operations per second per block device
 * @param blkioDeviceWriteIOps {@code --device-write-iops}
 * @param memorySwap   {@code --memory-swap}: memory plus swap in bytes, -1 for unlimited swap
 * @param oomKillDisable {@code --oom-kill-disable}
 * @param kernelMemory {@code --kernel-memory}: deprecated by dockerd, ignored by kernels since 5.4
 * @param kernelMemoryTcp {@code --kernel-memory-tcp}: the kernel TCP buffer limit in bytes
 * @param cpuRealtimePeriod  {@code --cpu-rt-period}: microseconds
 * @param cpuRealtimeRuntime {@code --cpu-rt-runtime}: microseconds per period
 * @param deviceCgroupRules  {@code --device-cgroup-rule}: rules such as {@code c 1:3 mr}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HostConfig(
        @JsonProperty("Binds") List<String> binds,
        @JsonProperty("Mounts") List<Mount> mounts,
        @JsonProperty("Tmpfs") Map<String, String> tmpfs,
        @JsonProperty("PortBindings") Map<String, List<PortBinding>> portBindings,
        @JsonProperty("PublishAllPorts") Boolean publishAllPorts,
        @JsonProperty("NetworkMode") String networkMode,
        @JsonProperty("AutoRemove") Boolean autoRemove,
        @JsonProperty("ReadonlyRootfs") Boolean readonlyRootfs,
        @JsonProperty("ShmSize") Long shmSize,
        @JsonProperty("SecurityOpt") List<String> securityOpt,
        @JsonProperty("Memory") Long memory,
        @JsonProperty("NanoCpus") Long nanoCpus,
        @JsonProperty("CpuQuota") Long cpuQuota,
        @JsonProperty("CpuPeriod") Long cpuPeriod,
        @JsonProperty("PidsLimit") Long pidsLimit,
        @JsonProperty("RestartPolicy") RestartPolicy restartPolicy,
        @JsonProperty("LogConfig") LogConfig logConfig,
        @JsonProperty("ConsoleSize") List<Integer> consoleSize,
        @JsonProperty("ContainerIDFile") String containerIdFile,
        @JsonProperty("CapAdd") List<String> capAdd,
        @JsonProperty("CapDrop") List<String> capDrop,
        @JsonProperty("ExtraHosts") List<String> extraHosts,
        @JsonProperty("Dns") List<String> dns,
        @JsonProperty("DnsSearch") List<String> dnsSearch,
        @JsonProperty("DnsOptions") List<String> dnsOptions,
        @JsonProperty("Ulimits") List<Ulimit> ulimits,
        @JsonProperty("VolumesFrom") List<String> volumesFrom,
        @JsonProperty("PidMode") String pidMode,
        @JsonProperty("IpcMode") String ipcMode,
        @JsonProperty("UTSMode") String utsMode,
        @JsonProperty("CgroupnsMode") String cgroupnsMode,
        @JsonProperty("UsernsMode") String usernsMode,
        @JsonProperty("Devices") List<DeviceMapping> devices,
        @JsonProperty("GroupAdd") List<String> groupAdd,
        @JsonProperty("Sysctls") Map<String, String> sysctls,
        @JsonProperty("Init") Boolean init,
        @JsonProperty("Links") List<String> links,
        @JsonProperty("Privileged") Boolean privileged,
        @JsonProperty("CpuShares") Long cpuShares,
        @JsonProperty("CpusetCpus") String cpusetCpus,
        @JsonProperty("CpusetMems") String cpusetMems,
        @JsonProperty("BlkioWeight") Integer blkioWeight,
        @JsonProperty("MemoryReservation") Long memoryReservation,
        @JsonProperty("MemorySwappiness") Long memorySwappiness,
        @JsonProperty("BlkioWeightDevice") List<WeightDevice> blkioWeightDevice,
        @JsonProperty("BlkioDeviceReadBps") List<ThrottleDevice> blkioDeviceReadBps,
        @JsonProperty("BlkioDeviceWriteBps") List<ThrottleDevice> blkioDeviceWriteBps,
        @JsonProperty("BlkioDeviceReadIOps") List<ThrottleDevice> blkioDeviceReadIOps,
        @JsonProperty("BlkioDeviceWriteIOps") List<ThrottleDevice> blkioDeviceWriteIOps,
        @JsonProperty("MemorySwap") Long memorySwap,
        @JsonProperty("OomKillDisable") Boolean oomKillDisable,
        @JsonProperty("KernelMemory") Long kernelMemory,
        @JsonProperty("KernelMemoryTCP") Long kernelMemoryTcp,
        @JsonProperty("CpuRealtimePeriod") Long cpuRealtimePeriod,
        @JsonProperty("CpuRealtimeRuntime") Long cpuRealtimeRuntime,
        @JsonProperty("DeviceCgroupRules") List<String> deviceCgroupRules,
        @JsonProperty("Annotations") Map<String, String> annotations,
        @JsonProperty("OomScoreAdj") Integer oomScoreAdj) {

    /** One {@code --blkio-weight-device}: a block device's path on the host and its weight. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record WeightDevice(@JsonProperty("Path") String path, @JsonProperty("Weight") Integer weight) {
    }

    /** One {@code --device-read-bps} (or write, or IOPS): a block device's path on the host and its rate. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ThrottleDevice(@JsonProperty("Path") String path, @JsonProperty("Rate") Long rate) {
    }

    /** One {@code --device}: the host's node, its path in the container, and {@code r}, {@code w}, {@code m} allowed. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record DeviceMapping(@JsonProperty("PathOnHost") String pathOnHost,
                                @JsonProperty("PathInContainer") String pathInContainer,
                                @JsonProperty("CgroupPermissions") String cgroupPermissions) {
    }

    /** One binding of a container port: {@code HostPort} {@code ""} asks for a free port. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record PortBinding(@JsonProperty("HostIp") String hostIp, @JsonProperty("HostPort") String hostPort) {
    }

    /**
     * An entry of {@code HostConfig.Mounts}.
     *
     * @param type {@code bind}, {@code volume} or {@code tmpfs}
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Mount(
            @JsonProperty("Type") String type,
            @JsonProperty("Source") String source,
            @JsonProperty("Target") String target,
            @JsonProperty("ReadOnly") Boolean readOnly,
            @JsonProperty("VolumeOptions") VolumeOptions volumeOptions,
            @JsonProperty("TmpfsOptions") TmpfsOptions tmpfsOptions) {
    }

    /** A volume mount's options: the labels of a volume the mount creates. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record VolumeOptions(@JsonProperty("Labels") Map<String, String> labels) {
    }

    /** A tmpfs mount's size in bytes and mode (permission bits). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TmpfsOptions(@JsonProperty("SizeBytes") Long sizeBytes, @JsonProperty("Mode") Long mode) {
    }

    /** {@code --restart}: {@code no}, {@code on-failure}, {@code always} or {@code unless-stopped}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RestartPolicy(@JsonProperty("Name") String name, @JsonProperty("MaximumRetryCount") Integer maximumRetryCount) {
    }

    /** One {@code --ulimit}: a resource by Docker's name ({@code nofile}) and its soft and hard limits, -1 for none. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Ulimit(@JsonProperty("Name") String name, @JsonProperty("Soft") Long soft, @JsonProperty("Hard") Long hard) {
    }

    /** {@code --log-driver} and its {@code --log-opt}s. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record LogConfig(@JsonProperty("Type") String type, @JsonProperty("Config") Map<String, String> config) {
    }
}
