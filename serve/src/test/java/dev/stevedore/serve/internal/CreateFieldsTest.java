package dev.stevedore.serve.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stevedore.docker.wire.ContainerCreate;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The create rule: every field of {@link ContainerCreate} changes what is created or is refused with a 400 that
 * names it (a field no code reads fails {@link #everyFieldTheRecordBindsIsHonouredOrRefused}), and every field
 * outside the record that carries a value is refused by name.
 */
class CreateFieldsTest {
    private static final String BASE = "{'Image':'busybox'}";

    /** Per field of the record: a request without it (or at its default) and one that sets it. */
    private static final Map<String, String[]> SAMPLES = new LinkedHashMap<>();

    static {
        sample("Image", "{'Image':'alpine'}");
        sample("Hostname", "{'Image':'busybox','Hostname':'h'}");
        sample("User", "{'Image':'busybox','User':'nobody'}");
        sample("WorkingDir", "{'Image':'busybox','WorkingDir':'/tmp'}");
        sample("Entrypoint", "{'Image':'busybox','Entrypoint':['sh']}");
        sample("Cmd", "{'Image':'busybox','Cmd':['true']}");
        sample("Env", "{'Image':'busybox','Env':['A=1']}");
        sample("Labels", "{'Image':'busybox','Labels':{'a':'b'}}");
        sample("ExposedPorts", "{'Image':'busybox','ExposedPorts':{'80/tcp':{}}}");
        sample("Volumes", "{'Image':'busybox','Volumes':{'/data':{}}}");
        sample("StopSignal", "{'Image':'busybox','StopSignal':'SIGINT'}");
        sample("StopTimeout", "{'Image':'busybox','StopTimeout':3}");
        sample("Tty", "{'Image':'busybox','Tty':true}");
        sample("OpenStdin", "{'Image':'busybox','OpenStdin':true}");
        for (String attach : List.of("AttachStdin", "AttachStdout", "AttachStderr")) {
            sample(attach, "{'Image':'busybox','" + attach + "':true}");
        }
        sample("StdinOnce", "{'Image':'busybox','OpenStdin':true}", "{'Image':'busybox','OpenStdin':true,'StdinOnce':true}");
        sample("Healthcheck.Test", "{'Image':'busybox','Healthcheck':{'Test':['CMD','true']}}");
        for (String duration : List.of("Interval", "Timeout", "StartPeriod", "StartInterval", "Retries")) {
            sample("Healthcheck." + duration, "{'Image':'busybox','Healthcheck':{'Test':['CMD','true']}}",
                    "{'Image':'busybox','Healthcheck':{'Test':['CMD','true'],'" + duration + "':2000000000}}");
        }
        sample("HostConfig.Binds", host("'Binds':['/tmp:/host']"));
        String volume = "{'Type':'volume','Source':'v','Target':'/v'}";
        sample("HostConfig.Mounts.Type", host("'Mounts':[" + volume + "]"), host("'Mounts':[{'Type':'bind','Source':'/tmp','Target':'/v'}]"));
        sample("HostConfig.Mounts.Source", host("'Mounts':[" + volume + "]"), host("'Mounts':[{'Type':'volume','Source':'w','Target':'/v'}]"));
        sample("HostConfig.Mounts.Target", host("'Mounts':[" + volume + "]"), host("'Mounts':[{'Type':'volume','Source':'v','Target':'/w'}]"));
        sample("HostConfig.Mounts.ReadOnly", host("'Mounts':[" + volume + "]"),
                host("'Mounts':[{'Type':'volume','Source':'v','Target':'/v','ReadOnly':true}]"));
        sample("HostConfig.Mounts.VolumeOptions.Labels", host("'Mounts':[" + volume + "]"),
                host("'Mounts':[{'Type':'volume','Source':'v','Target':'/v','VolumeOptions':{'Labels':{'a':'b'}}}]"));
        for (String option : List.of("SizeBytes", "Mode")) {
            sample("HostConfig.Mounts.TmpfsOptions." + option, host("'Mounts':[{'Type':'tmpfs','Target':'/t'}]"),
                    host("'Mounts':[{'Type':'tmpfs','Target':'/t','TmpfsOptions':{'" + option + "':448}}]"));
        }
        sample("HostConfig.Tmpfs", host("'Tmpfs':{'/t':'size=1m'}"));
        sample("HostConfig.PortBindings.HostIp", host("'PortBindings':{'80/tcp':[{'HostPort':'8080'}]}"),
                host("'PortBindings':{'80/tcp':[{'HostIp':'127.0.0.2','HostPort':'8080'}]}"));
        sample("HostConfig.PortBindings.HostPort", host("'PortBindings':{'80/tcp':[{'HostIp':''}]}"),
                host("'PortBindings':{'80/tcp':[{'HostIp':'','HostPort':'8080'}]}"));
        sample("HostConfig.PublishAllPorts", host("'PublishAllPorts':true"));
        sample("HostConfig.NetworkMode", host("'NetworkMode':'backend'"));
        sample("HostConfig.AutoRemove", host("'AutoRemove':true"));
        sample("HostConfig.ReadonlyRootfs", host("'ReadonlyRootfs':true"));
        sample("HostConfig.ShmSize", host("'ShmSize':1048576"));
        sample("HostConfig.SecurityOpt", host("'SecurityOpt':['seccomp=unconfined']"));
        sample("HostConfig.Memory", host("'Memory':104857600"));
        sample("HostConfig.NanoCpus", host("'NanoCpus':500000000"));
        sample("HostConfig.CpuQuota", host("'CpuQuota':50000"));
        sample("HostConfig.CpuPeriod", host("'CpuQuota':50000"), host("'CpuQuota':50000,'CpuPeriod':200000"));
        sample("HostConfig.CpuShares", host("'CpuShares':512"));
        sample("HostConfig.CpusetCpus", host("'CpusetCpus':'0'"));
        sample("HostConfig.CpusetMems", host("'CpusetMems':'0'"));
        sample("HostConfig.BlkioWeight", host("'BlkioWeight':300"));
        sample("HostConfig.PidsLimit", host("'PidsLimit':100"));
        sample("HostConfig.MemoryReservation", host("'MemoryReservation':67108864"));
        sample("HostConfig.MemorySwappiness", host("'MemorySwappiness':-1"), host("'MemorySwappiness':10"));
        String weight = host("'BlkioWeightDevice':[{'Path':'/dev/sda','Weight':300}]");
        sample("HostConfig.BlkioWeightDevice.Path", weight, host("'BlkioWeightDevice':[{'Path':'/dev/sdb','Weight':300}]"));
        sample("HostConfig.BlkioWeightDevice.Weight", weight, host("'BlkioWeightDevice':[{'Path':'/dev/sda','Weight':200}]"));
        for (String rate : List.of("BlkioDeviceReadBps", "BlkioDeviceWriteBps", "BlkioDeviceReadIOps", "BlkioDeviceWriteIOps")) {
            String one = host("'" + rate + "':[{'Path':'/dev/sda','Rate':1024}]");
            sample("HostConfig." + rate + ".Path", one, host("'" + rate + "':[{'Path':'/dev/sdb','Rate':1024}]"));
            sample("HostConfig." + rate + ".Rate", one, host("'" + rate + "':[{'Path':'/dev/sda','Rate':2048}]"));
        }
        sample("HostConfig.MemorySwap", host("'Memory':67108864"), host("'Memory':67108864,'MemorySwap':134217728"));
        sample("HostConfig.OomKillDisable", host("'OomKillDisable':false"), host("'OomKillDisable':true"));
        sample("HostConfig.KernelMemory", host("'KernelMemory':67108864"));
        sample("HostConfig.KernelMemoryTCP", host("'KernelMemoryTCP':67108864"));
        sample("HostConfig.CpuRealtimePeriod", host("'CpuRealtimePeriod':500000"));
        sample("HostConfig.CpuRealtimeRuntime", host("'CpuRealtimeRuntime':1000"));
        sample("HostConfig.DeviceCgroupRules", host("'DeviceCgroupRules':['c 10:229 rwm']"));
        sample("HostConfig.RestartPolicy.Name", host("'RestartPolicy':{'Name':'always'}"));
        sample("HostConfig.RestartPolicy.MaximumRetryCount", host("'RestartPolicy':{'Name':'on-failure'}"),
                host("'RestartPolicy':{'Name':'on-failure','MaximumRetryCount':3}"));
        sample("HostConfig.LogConfig.Type", host("'LogConfig':{'Type':'local'}"));
        sample("HostConfig.LogConfig.Config", host("'LogConfig':{'Type':'json-file','Config':{'max-size':'1m'}}"));
        sample("HostConfig.ConsoleSize", host("'ConsoleSize':[24,80]"));
        sample("HostConfig.ContainerIDFile", host("'ContainerIDFile':'/tmp/cid'"));
        sample("HostConfig.CapAdd", host("'CapAdd':['NET_ADMIN']"));
        sample("HostConfig.CapDrop", host("'CapDrop':['ALL']"));
        sample("HostConfig.ExtraHosts", host("'ExtraHosts':['db:10.1.2.3']"));
        sample("HostConfig.Dns", host("'Dns':['10.0.0.53']"));
        sample("HostConfig.DnsSearch", host("'DnsSearch':['example.org']"));
        sample("HostConfig.DnsOptions", host("'DnsOptions':['ndots:2']"));
        String nofile = host("'Ulimits':[{'Name':'nofile','Soft':1024,'Hard':2048}]");
        sample("HostConfig.Ulimits.Name", nofile, host("'Ulimits':[{'Name':'nproc','Soft':1024,'Hard':2048}]"));
        sample("HostConfig.Ulimits.Soft", nofile, host("'Ulimits':[{'Name':'nofile','Soft':512,'Hard':2048}]"));
        sample("HostConfig.Ulimits.Hard", nofile, host("'Ulimits':[{'Name':'nofile','Soft':1024,'Hard':4096}]"));
        sample("HostConfig.VolumesFrom", host("'VolumesFrom':['other:ro']"));
        sample("HostConfig.PidMode", host("'PidMode':'host'"));
        sample("HostConfig.IpcMode", host("'IpcMode':'shareable'"));
        sample("HostConfig.UTSMode", host("'UTSMode':'host'"));
        sample("HostConfig.CgroupnsMode", host("'CgroupnsMode':'host'"));
        sample("HostConfig.UsernsMode", host("'UsernsMode':'host'"));
        sample("Domainname", "{'Image':'busybox','Domainname':'example.org'}");
        sample("NetworkDisabled", "{'Image':'busybox','HostConfig':{'NetworkMode':'host'}}",
                "{'Image':'busybox','HostConfig':{'NetworkMode':'host'},'NetworkDisabled':true}");
        sample("HostConfig.GroupAdd", host("'GroupAdd':['audio','1234']"));
        sample("HostConfig.Sysctls", host("'Sysctls':{'net.ipv4.ip_forward':'1'}"));
        sample("HostConfig.Init", host("'Init':true"));
        sample("HostConfig.Annotations", host("'Annotations':{'io.example.owner':'team-a'}"));
        sample("HostConfig.OomScoreAdj", host("'OomScoreAdj':500"));
        sample("HostConfig.Links", host("'Links':['db:db']"));
        sample("HostConfig.Privileged", host("'Privileged':true"));
        String fuse = host("'Devices':[{'PathOnHost':'/dev/fuse','PathInContainer':'/dev/fuse','CgroupPermissions':'rwm'}]");
        sample("HostConfig.Devices.PathOnHost", fuse,
                host("'Devices':[{'PathOnHost':'/dev/full','PathInContainer':'/dev/fuse','CgroupPermissions':'rwm'}]"));
        sample("HostConfig.Devices.PathInContainer", fuse,
                host("'Devices':[{'PathOnHost':'/dev/fuse','PathInContainer':'/dev/f','CgroupPermissions':'rwm'}]"));
        sample("HostConfig.Devices.CgroupPermissions", fuse,
                host("'Devices':[{'PathOnHost':'/dev/fuse','PathInContainer':'/dev/fuse','CgroupPermissions':'r'}]"));
        sample("MacAddress", "{'Image':'busybox','MacAddress':'02:42:ac:11:00:02'}");
        sample("NetworkingConfig.EndpointsConfig.MacAddress", "{'Image':'busybox','HostConfig':{'NetworkMode':'backend'},"
                + "'NetworkingConfig':{'EndpointsConfig':{'backend':{'MacAddress':'02:42:ac:11:00:02'}}}}");
        sample("NetworkingConfig.EndpointsConfig.Links", "{'Image':'busybox','HostConfig':{'NetworkMode':'backend'},"
                + "'NetworkingConfig':{'EndpointsConfig':{'backend':{'Links':['db:dbal']}}}}");
        sample("NetworkingConfig.EndpointsConfig.Aliases", "{'Image':'busybox','HostConfig':{'NetworkMode':'backend'},"
                + "'NetworkingConfig':{'EndpointsConfig':{'backend':{'Aliases':['db']}}}}");
        sample("NetworkingConfig.EndpointsConfig.IPAMConfig.IPv4Address", "{'Image':'busybox','HostConfig':"
                + "{'NetworkMode':'backend'}}", "{'Image':'busybox','HostConfig':{'NetworkMode':'backend'},"
                + "'NetworkingConfig':{'EndpointsConfig':{'backend':{'IPAMConfig':{'IPv4Address':'10.5.0.9'}}}}}");
    }

    private static void sample(String field, String with) {
        sample(field, BASE, with);
    }

    private static void sample(String field, String without, String with) {
        SAMPLES.put(field, new String[] {without, with});
    }

    private static String host(String fields) {
        return "{'Image':'busybox','HostConfig':{" + fields + "}}";
    }

    private static JsonNode json(String text) throws IOException {
        return Json.MAPPER.readTree(text.replace('\'', '"'));
    }

    @Test
    void everyFieldTheRecordBindsHasASample() {
        assertThat(new TreeSet<>(SAMPLES.keySet())).isEqualTo(new TreeSet<>(fields(ContainerCreate.class, "")));
    }

    @Test
    void everyFieldTheRecordBindsIsHonouredOrRefused() throws IOException {
        List<String> honoured = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        for (Map.Entry<String, String[]> sample : SAMPLES.entrySet()) {
            String field = sample.getKey();
            CreateRequest without = CreateRequest.parse(json(sample.getValue()[0]), null, null);
            ApiException refusal = catchThrowableOfType(ApiException.class,
                    () -> honoured(field, without, CreateRequest.parse(json(sample.getValue()[1]), null, null), honoured));
            if (refusal != null) {
                assertThat(refusal.status()).as(field).isEqualTo(400);
                assertThat(refusal.getMessage()).as(field).startsWith(field.substring(0, field.lastIndexOf('.') < 0 ? field.length() : field.indexOf('.')));
                refused.add(field);
            }
        }
        // the figures for the note: fields of the create body honoured, refused by value, and without effect
        System.out.printf("create fields: %d honoured, %d refused by value (%s), %d without effect as on dockerd (%s)%n",
                honoured.size(), refused.size(), refused, CreateFields.NO_EFFECT.size(), CreateFields.NO_EFFECT.keySet());
        assertThat(honoured.size() + refused.size() + CreateFields.NO_EFFECT.size()).isEqualTo(SAMPLES.size());
    }

    private static void honoured(String field, CreateRequest without, CreateRequest with, List<String> honoured) {
        if (CreateFields.NO_EFFECT.containsKey(field)) {
            assertThat(with).as(field + " is listed as without effect").isEqualTo(without);
        } else {
            assertThat(with).as(field + " is accepted, so it must change what is created").isNotEqualTo(without);
            honoured.add(field);
        }
    }

    @Test
    void theFieldsThatWereDroppedAreRefusedByName() {
        Map<String, String> dropped = new LinkedHashMap<>();
        // links on a network the container joins besides its own
        dropped.put("NetworkingConfig.EndpointsConfig.frontend.Links", "{'Image':'busybox','HostConfig':"
                + "{'NetworkMode':'backend'},'NetworkingConfig':{'EndpointsConfig':{'backend':{},"
                + "'frontend':{'Links':['db:db']}}}}");
        // a MAC address on a network the container joins besides its own: the engine sets one on its own network only
        dropped.put("NetworkingConfig.EndpointsConfig.frontend.MacAddress", "{'Image':'busybox','HostConfig':"
                + "{'NetworkMode':'backend'},'NetworkingConfig':{'EndpointsConfig':{'backend':{},"
                + "'frontend':{'MacAddress':'02:42:ac:11:00:02'}}}}");
        dropped.forEach((field, body) -> assertThatThrownBy(() -> CreateRequest.parse(json(body), null, null)).as(field)
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.getMessage()).startsWith(field + " is not supported by stevedore serve: ");
                }));
    }

    @Test
    void aWindowsOnlyFieldIsRefusedSayingSo() {
        assertThatThrownBy(() -> CreateRequest.parse(json(host("'IOMaximumIOps':50")), null, null))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(400))
                .hasMessage("HostConfig.IOMaximumIOps is not supported by stevedore serve: Windows only; dockerd on Linux"
                        + " refuses it too (\"Invalid QoS settings: linux does not support configuration of maximum IOPs\")");
    }

    @Test
    void aBadSwappinessReservationOrDevicePathIsABadRequestInDockerdsWords() {
        assertThatThrownBy(() -> CreateRequest.parse(json(host("'MemorySwappiness':101")), null, null))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(400))
                .hasMessageContaining("Invalid value: 101, valid memory swappiness range is 0-100");
        assertThatThrownBy(() -> CreateRequest.parse(json(host("'MemoryReservation':1000")), null, null))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(400))
                .hasMessageContaining("Minimum memory reservation allowed is 6MB");
        assertThatThrownBy(() -> CreateRequest.parse(json(host("'BlkioDeviceReadBps':[{'Path':'sda','Rate':1}]")), null, null))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(400))
                .hasMessageContaining("bad format for device path: sda");
    }

    @Test
    void aSwapKernelMemoryRealtimeOrDeviceRuleDockerdRefusesIsABadRequestInItsWords() {
        Map<String, String> refusals = new LinkedHashMap<>();
        refusals.put("'MemorySwap':67108864", "You should always set the Memory limit when using Memoryswap limit, see usage");
        refusals.put("'Memory':67108864,'MemorySwap':33554432", "Minimum memoryswap limit should be larger than memory limit,"
                + " see usage");
        refusals.put("'KernelMemory':1000", "Minimum kernel memory limit allowed is 6MB");
        refusals.put("'CpuRealtimePeriod':500000,'CpuRealtimeRuntime':600000", "cpu real-time runtime cannot be higher than"
                + " cpu real-time period");
        refusals.put("'DeviceCgroupRules':['x 1:3 r']", "invalid device cgroup rule format: 'x 1:3 r'");
        refusals.forEach((fields, words) -> assertThatThrownBy(() -> CreateRequest.parse(json(host(fields)), null, null))
                .as(fields).isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(400))
                .hasMessageContaining(words));
    }

    @Test
    void aDeviceWithABadModeIsABadRequestThatNamesIt() {
        assertThatThrownBy(() -> CreateRequest.parse(json(host("'Devices':[{'PathOnHost':'/dev/fuse',"
                + "'PathInContainer':'/dev/fuse','CgroupPermissions':'rwz'}]")), null, null))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(400))
                .hasMessageContaining("bad mode specified: rwz");
    }

    @Test
    void aBadMacAddressIsABadRequestInTheDockerCliWords() {
        assertThatThrownBy(() -> CreateRequest.parse(json("{'Image':'busybox','MacAddress':'zz'}"), null, null))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(400))
                .hasMessageContaining("zz is not a valid mac address");
    }

    @Test
    void aVolumesFromModeOtherThanRoOrRwIsABadRequestThatNamesIt() {
        assertThatThrownBy(() -> CreateRequest.parse(json(host("'VolumesFrom':['other:z']")), null, null))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(400))
                .hasMessageContaining("invalid mode for volumes-from: other:z");
    }

    @Test
    void aNamespaceModeTheEngineDoesNotKnowIsABadRequestInDockerdsWords() {
        assertThatThrownBy(() -> CreateRequest.parse(json(host("'IpcMode':'bogus'")), null, null))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(400))
                .hasMessageContaining("Invalid IPC mode: bogus");
        assertThatThrownBy(() -> CreateRequest.parse(json(host("'NetworkMode':'container:db','PortBindings':"
                + "{'80/tcp':[{'HostPort':'8080'}]}")), null, null))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(400))
                .hasMessageContaining("conflicting options: port publishing and the container type network mode");
    }

    @Test
    void anUnknownCapabilityIsABadRequestThatNamesIt() {
        assertThatThrownBy(() -> CreateRequest.parse(json(host("'CapAdd':['CAP_FLY']")), null, null))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(400))
                .hasMessageContaining("unknown capability: \"CAP_FLY\"");
    }

    @Test
    void aSysctlOutsideTheContainersNamespacesIsABadRequestThatNamesIt() {
        assertThatThrownBy(() -> CreateRequest.parse(json(host("'Sysctls':{'kernel.panic':'1'}")), null, null))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(400))
                .hasMessageContaining("sysctl \"kernel.panic\" is not in a separate kernel namespace");
        assertThatThrownBy(() -> CreateRequest.parse(json(host("'NetworkMode':'host','Sysctls':{'net.ipv4.ip_forward':'1'}")),
                null, null)).hasMessageContaining("sysctl \"net.ipv4.ip_forward\" is not allowed in the hosts network namespace");
    }

    @Test
    void namesAreMatchedCaseInsensitivelyAsDockerdDoes() throws IOException {
        CreateRequest request = CreateRequest.parse(json("{'image':'busybox','CMD':['true'],'hostconfig':{'memory':1048576}}"), null, null);

        assertThat(request.spec().image()).isEqualTo("busybox");
        assertThat(request.spec().cmd()).containsExactly("true");
        assertThat(request.spec().memoryBytes()).isEqualTo(1048576);
        assertThat(CreateRequest.parse(json("{'image':'busybox','hostconfig':{'privileged':true}}"), null, null)
                .spec().privileged()).isTrue();
        assertThatThrownBy(() -> CreateRequest.parse(json("{'image':'busybox','hostconfig':{'runtime':'runsc'}}"),
                null, null)).hasMessageStartingWith("hostconfig.runtime is not supported");
    }

    @Test
    void zeroValuesOfUnknownFieldsAreAcceptedAsTheDockerCliSendsThem() throws IOException {
        ObjectNode body = (ObjectNode) json("{'Image':'busybox','Domainname':'','OnBuild':null,'HostConfig':{'Dns':[],"
                + "'CpuShares':0,'OomKillDisable':false,'Ulimits':null,'LogConfig':{'Type':'','Config':{}},"
                + "'RestartPolicy':{'Name':'no','MaximumRetryCount':0},'BlkioWeightDevice':[],'ConsoleSize':[0,0],"
                + "'MemorySwappiness':-1}}");

        assertThat(CreateRequest.parse(body, null, null).spec().image()).isEqualTo("busybox");
    }

    /** The JSON paths of a record's fields, through nested records, lists and maps of them (map keys left out). */
    private static List<String> fields(Type type, String path) {
        List<String> result = new ArrayList<>();
        if (type instanceof Class<?> c && c.isRecord()) {
            for (RecordComponent component : c.getRecordComponents()) {
                String name = component.getAccessor().getAnnotation(com.fasterxml.jackson.annotation.JsonProperty.class).value();
                String fieldPath = path.isEmpty() ? name : path + "." + name;
                List<String> nested = fields(component.getGenericType(), fieldPath);
                result.addAll(nested.isEmpty() ? List.of(fieldPath) : nested);
            }
        } else if (type instanceof ParameterizedType p) {
            Type[] arguments = p.getActualTypeArguments();
            return fields(arguments[arguments.length - 1], path);
        }
        return result;
    }
}
