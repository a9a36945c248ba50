package dev.stevedore.serve.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.Device;
import dev.stevedore.engine.RestartPolicy;
import dev.stevedore.engine.Mount;
import dev.stevedore.engine.PortBinding;
import dev.stevedore.engine.Resources;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CreateRequestTest {

    private static JsonNode json(String text) throws IOException {
        return Json.MAPPER.readTree(text.replace('\'', '"'));
    }

    @Test
    void dockerJavasNullsAreAbsentAndAnEmptyCmdKeepsTheImages() throws IOException {
        CreateRequest request = CreateRequest.parse(json("{'Hostname':null,'User':null,'Tty':null,'Env':['POSTGRES_DB=test'],"
                + "'Cmd':[],'Entrypoint':null,'Image':'postgres:15','WorkingDir':null,'ExposedPorts':{'5432/tcp':{}},"
                + "'HostConfig':{'Binds':[],'PortBindings':{'5432/tcp':[{'HostIp':'','HostPort':''}]},'NetworkMode':null,"
                + "'PublishAllPorts':null,'Tmpfs':null,'AutoRemove':null,'Memory':null},"
                + "'Labels':{'org.testcontainers':'true'},'NetworkingConfig':null}"), null, null);

        ContainerSpec spec = request.spec();
        assertThat(spec.image()).isEqualTo("postgres:15");
        assertThat(spec.cmd()).isNull();
        assertThat(spec.entrypoint()).isNull();
        assertThat(spec.user()).isNull();
        assertThat(spec.env()).containsExactly("POSTGRES_DB=test");
        assertThat(spec.exposedPorts()).containsExactly("5432/tcp");
        assertThat(spec.ports()).containsExactly(new PortBinding(5432, "tcp", "127.0.0.1", 0));
        assertThat(spec.labels()).containsEntry("org.testcontainers", "true");
        assertThat(spec.networkMode()).isNull();
        assertThat(spec.pullPolicy()).isEqualTo(ContainerSpec.PullPolicy.NEVER);
        assertThat(request.autoRemove()).isFalse();
    }

    @Test
    void securityOptionsAreTakenAsTheDockerCliSendsThem() throws IOException {
        CreateRequest request = CreateRequest.parse(json("{'Image':'busybox','HostConfig':{'SecurityOpt':["
                + "'seccomp={\\'defaultAction\\':\\'SCMP_ACT_ALLOW\\'}','no-new-privileges']}}"), null, null);
        CreateRequest none = CreateRequest.parse(json("{'Image':'busybox','HostConfig':{'SecurityOpt':null}}"), null, null);

        assertThat(request.spec().securityOpts()).containsExactly("seccomp={'defaultAction':'SCMP_ACT_ALLOW'}".replace('\'', '"'),
                "no-new-privileges");
        assertThat(none.spec().securityOpts()).isEmpty();
    }

    @Test
    void theCliFieldsOfDockerRun() throws IOException {
        CreateRequest request = CreateRequest.parse(json("{'Image':'busybox','Cmd':['sh','-c','exit 3'],'Entrypoint':['']," 
                + "'HostConfig':{'AutoRemove':true,'NetworkMode':'default','PortBindings':{'80/tcp':[{'HostIp':'127.0.0.1','HostPort':'8080'}]},"
                + "'Binds':['/srv:/data:ro,Z','cache:/cache'],'Tmpfs':{'/run':'size=64m'},'Mounts':[{'Type':'tmpfs','Target':'/scratch',"
                + "'TmpfsOptions':{'SizeBytes':1048576}}],'NanoCpus':1500000000,'Memory':67108864,'PidsLimit':100,"
                + "'CpuShares':512,'CpusetCpus':'0-1','CpusetMems':'0','BlkioWeight':300},"
                + "'NetworkingConfig':{'EndpointsConfig':{'default':{}}}}"), "/named", null);

        ContainerSpec spec = request.spec();
        assertThat(spec.name()).isEqualTo("named");
        assertThat(spec.entrypoint()).isEmpty();
        assertThat(spec.cmd()).containsExactly("sh", "-c", "exit 3");
        assertThat(request.autoRemove()).isTrue();
        assertThat(spec.networkMode()).isNull();
        assertThat(spec.ports()).containsExactly(new PortBinding(80, "tcp", "127.0.0.1", 8080));
        assertThat(spec.mounts()).containsExactly(new Mount(Mount.Type.BIND, "/srv", "/data", true, "ro,Z"),
                Mount.volume("cache", "/cache", false),
                Mount.tmpfs("/scratch", "size=1048576"), Mount.tmpfs("/run", "size=64m"));
        assertThat(spec.cpus()).isEqualTo(1.5);
        assertThat(spec.memoryBytes()).isEqualTo(64L << 20);
        assertThat(spec.pidsLimit()).isEqualTo(100);
        assertThat(spec.resources()).isEqualTo(new Resources(512, 0, 0, "0-1", "0", 300));
        assertThat(request.networks()).isEmpty();
    }

    @Test
    void pidsLimitIsDockersNullForTheDefaultAndZeroOrMinusOneForNone() throws IOException {
        assertThat(CreateRequest.parse(json("{'Image':'x'}"), null, null).spec().pidsLimit()).as("the engine's default").isZero();
        assertThat(CreateRequest.parse(json("{'Image':'x','HostConfig':{'PidsLimit':null}}"), null, null).spec().pidsLimit()).isZero();
        assertThat(CreateRequest.parse(json("{'Image':'x','HostConfig':{'PidsLimit':0}}"), null, null).spec().pidsLimit()).isEqualTo(-1);
        assertThat(CreateRequest.parse(json("{'Image':'x','HostConfig':{'PidsLimit':-1}}"), null, null).spec().pidsLimit()).isEqualTo(-1);
    }

    @Test
    void aPortWithoutAnAddressBindsWhereTheServerSays() throws IOException {
        JsonNode body = json("{'Image':'x','HostConfig':{'PortBindings':{'80/tcp':[{'HostIp':'','HostPort':''}],'81/tcp':null}}}");

        assertThat(CreateRequest.parse(body, null, "0.0.0.0").spec().ports())
                .containsExactly(new PortBinding(80, "tcp", "0.0.0.0", 0), new PortBinding(81, "tcp", "0.0.0.0", 0));
        assertThat(CreateRequest.parse(body, null, null).spec().ports()).extracting(PortBinding::hostIp).containsOnly("127.0.0.1");
    }

    @Test
    void aliasesAndAddressesOnTheNetworkModesNetworkGoToTheSpecAndOtherNetworksAreConnectedAfter() throws IOException {
        CreateRequest request = CreateRequest.parse(json("{'Image':'busybox','HostConfig':{'NetworkMode':'backend'},"
                + "'NetworkingConfig':{'EndpointsConfig':{'backend':{'Aliases':['db','tc-1234'],'IPAMConfig':{'IPv4Address':"
                + "'10.5.0.9'}},'frontend':{'Aliases':['api'],'IPAMConfig':{'IPv4Address':'10.6.0.9'}}}}}"), null, null);

        assertThat(request.spec().networkMode()).isEqualTo("backend");
        assertThat(request.spec().networkAliases()).containsExactly("db", "tc-1234");
        assertThat(request.spec().ipv4Address()).isEqualTo("10.5.0.9");
        assertThat(request.networks()).isEqualTo(Map.of("frontend", new CreateRequest.Endpoint(List.of("api"), "10.6.0.9")));
    }

    @Test
    void anAddressThatIsNoIpv4AddressIsABadRequestInDockerdsWords() {
        assertThatThrownBy(() -> CreateRequest.parse(json("{'Image':'busybox','HostConfig':{'NetworkMode':'backend'},"
                + "'NetworkingConfig':{'EndpointsConfig':{'backend':{'IPAMConfig':{'IPv4Address':'bogus'}}}}}"), null, null))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(400))
                .hasMessageContaining("invalid IPv4 address: bogus");
    }

    @Test
    void aTtyReachesTheSpec() throws java.io.IOException {
        assertThat(CreateRequest.parse(json("{'Image':'busybox','Tty':true}"), null, null).spec().tty()).isTrue();
        assertThat(CreateRequest.parse(json("{'Image':'busybox','Tty':false}"), null, null).spec().tty()).isFalse();
    }

    @Test
    void devicesReachTheSpecWithDockersDefaults() throws IOException {
        CreateRequest request = CreateRequest.parse(json("{'Image':'busybox','HostConfig':{'Devices':["
                + "{'PathOnHost':'/dev/fuse'},{'PathOnHost':'/dev/full','PathInContainer':'/dev/f','CgroupPermissions':'r'}]}}"),
                null, null);

        assertThat(request.spec().devices()).containsExactly(new Device("/dev/fuse", "/dev/fuse", "rwm"),
                new Device("/dev/full", "/dev/f", "r"));
    }

    @Test
    void settingsTheEngineCannotApplyAreRefusedNotDropped() {
        for (String hostConfig : List.of("{'Runtime':'runsc'}", "{'Isolation':'hyperv'}")) {
            assertThatThrownBy(() -> CreateRequest.parse(json("{'Image':'busybox','HostConfig':" + hostConfig + "}"), null, null))
                    .as(hostConfig).isInstanceOfSatisfying(ApiException.class, e -> {
                        assertThat(e.status()).isEqualTo(400);
                        assertThat(e.getMessage()).contains("not supported by stevedore serve");
                    });
        }
    }

    @Test
    void aRestartPolicyReachesTheSpecAndConflictsWithAutoRemove() throws IOException {
        assertThat(CreateRequest.parse(json("{'Image':'busybox','HostConfig':{'RestartPolicy':{'Name':'on-failure',"
                + "'MaximumRetryCount':2}}}"), null, null).spec().restartPolicy())
                .isEqualTo(new RestartPolicy(RestartPolicy.Kind.ON_FAILURE, 2));
        assertThat(CreateRequest.parse(json("{'Image':'busybox','HostConfig':{'RestartPolicy':{'Name':'',"
                + "'MaximumRetryCount':0}}}"), null, null).spec().restartPolicy()).isEqualTo(RestartPolicy.NO);
        for (String refused : List.of("{'RestartPolicy':{'Name':'always'},'AutoRemove':true}",
                "{'RestartPolicy':{'Name':'always','MaximumRetryCount':3}}", "{'RestartPolicy':{'Name':'sometimes'}}")) {
            assertThatThrownBy(() -> CreateRequest.parse(json("{'Image':'busybox','HostConfig':" + refused + "}"), null, null))
                    .as(refused).isInstanceOfSatisfying(ApiException.class, e -> {
                        assertThat(e.status()).isEqualTo(400);
                        assertThat(e.getMessage()).containsIgnoringCase("restart");
                    });
        }
    }

    @Test
    void capabilitiesAddedAndDroppedReachTheSpecAsGiven() throws IOException {
        ContainerSpec spec = CreateRequest.parse(json("{'Image':'busybox','HostConfig':{'CapAdd':['NET_ADMIN','cap_sys_time'],"
                + "'CapDrop':['ALL']}}"), null, null).spec();

        assertThat(spec.capAdd()).containsExactly("NET_ADMIN", "cap_sys_time");
        assertThat(spec.capDrop()).containsExactly("ALL");
    }

    @Test
    void extraHostsAndResolverSettingsReachTheSpecAndABadAddressIsABadRequest() throws IOException {
        ContainerSpec spec = CreateRequest.parse(json("{'Image':'busybox','HostConfig':{'ExtraHosts':['db:10.1.2.3','gw:host-gateway'],"
                + "'Dns':['10.0.0.53'],'DnsSearch':['example.org'],'DnsOptions':['ndots:2']}}"), null, null).spec();

        assertThat(spec.extraHosts()).containsExactly("db:10.1.2.3", "gw:host-gateway");
        assertThat(spec.dns()).containsExactly("10.0.0.53");
        assertThat(spec.dnsSearch()).containsExactly("example.org");
        assertThat(spec.dnsOptions()).containsExactly("ndots:2");
        assertThatThrownBy(() -> CreateRequest.parse(json("{'Image':'busybox','HostConfig':{'ExtraHosts':['db:example.org']}}"),
                null, null)).isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(400))
                .hasMessageContaining("invalid IP address \"example.org\"");
    }

    @Test
    void ulimitsReachTheSpecAndAnUnknownOneIsABadRequest() throws IOException {
        ContainerSpec spec = CreateRequest.parse(json("{'Image':'busybox','HostConfig':{'Ulimits':[{'Name':'nofile','Soft':1024,"
                + "'Hard':2048}]}}"), null, null).spec();

        assertThat(spec.ulimits()).containsExactly("nofile=1024:2048");
        assertThatThrownBy(() -> CreateRequest.parse(json("{'Image':'busybox','HostConfig':{'Ulimits':[{'Name':'files','Soft':1,"
                + "'Hard':1}]}}"), null, null)).isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(400))
                .hasMessageContaining("invalid ulimit type: files");
    }

    @Test
    void whatTheCliSendsByDefaultIsAccepted() throws IOException {
        CreateRequest request = CreateRequest.parse(json("{'Image':'busybox','HostConfig':{'Privileged':false,'CapAdd':null,"
                + "'CapDrop':null,'ExtraHosts':[],'Init':null,'RestartPolicy':{'Name':'no','MaximumRetryCount':0},'Devices':[]}}"),
                null, null);

        assertThat(request.spec().image()).isEqualTo("busybox");
    }

    @Test
    void openStdinAndStdinOnceReachTheSpec() throws Exception {
        ContainerSpec runI = CreateRequest.parse(json("{'Image':'busybox','OpenStdin':true,'StdinOnce':true,'AttachStdin':true}"),
                null, null).spec();
        ContainerSpec openOnly = CreateRequest.parse(json("{'Image':'busybox','OpenStdin':true}"), null, null).spec();
        ContainerSpec none = CreateRequest.parse(json("{'Image':'busybox'}"), null, null).spec();

        assertThat(runI.openStdin()).isTrue();
        assertThat(runI.stdinOnce()).isTrue();
        assertThat(openOnly.openStdin()).isTrue();
        assertThat(openOnly.stdinOnce()).isFalse();
        assertThat(none.openStdin()).isFalse();
    }

    @Test
    void aMissingImageOrAMalformedPortIsABadRequest() {
        assertThatThrownBy(() -> CreateRequest.parse(json("{'Cmd':['true']}"), null, null))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(400));
        assertThatThrownBy(() -> CreateRequest.parse(json("{'Image':'x','HostConfig':{'PortBindings':{'http/tcp':[]}}}"), null, null))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(400));
        assertThatThrownBy(() -> CreateRequest.bind("relative"))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(400));
    }

    @Test
    void bareEnvironmentNamesAreDropped() throws IOException {
        assertThat(CreateRequest.parse(json("{'Image':'x','Env':['A=1','UNSET','B=']}"), null, null).spec().env()).containsExactly("A=1", "B=");
    }
}
