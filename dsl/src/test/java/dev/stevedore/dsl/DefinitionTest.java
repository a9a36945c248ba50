package dev.stevedore.dsl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class DefinitionTest {

    @Test
    void portExposedTwiceIsNamedWithTheContainer() {
        assertThatThrownBy(() -> Stevedore.container("postgres:15", c -> c.name("db").expose(5432).expose(5432)))
                .isInstanceOf(InvalidDefinitionException.class)
                .hasMessage("container \"db\": port 5432 exposed twice")
                .extracting(e -> ((InvalidDefinitionException) e).path()).isEqualTo("container \"db\"");
    }

    @Test
    void seccompOptionsReachTheEngineSpecAndAnUnreadableProfileIsADefinitionProblem(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        Path profile = java.nio.file.Files.writeString(dir.resolve("p.json"), "{\"defaultAction\": \"SCMP_ACT_ALLOW\"}");
        ContainerDefinition definition = Stevedore.container("redis:7", c -> c.seccompProfile(profile).seccompUnconfined())
                .definition();
        dev.stevedore.engine.ContainerSpec.Builder spec = dev.stevedore.engine.ContainerSpec.builder("redis:7");
        definition.specCustomizers().forEach(customizer -> customizer.configure(spec));

        assertThat(spec.build().securityOpts()).containsExactly("seccomp={\"defaultAction\": \"SCMP_ACT_ALLOW\"}",
                "seccomp=unconfined");
        assertThatThrownBy(() -> Stevedore.container("redis:7", c -> c.seccompProfile(dir.resolve("absent.json"))))
                .isInstanceOf(InvalidDefinitionException.class)
                .hasMessageContaining("cannot read the seccomp profile").hasMessageContaining("absent.json");
    }

    @Test
    void capabilitiesReachTheEngineSpecAndAnUnknownOneIsADefinitionProblem() {
        ContainerDefinition definition = Stevedore.container("redis:7", c -> c.capAdd("NET_ADMIN", "sys_time").capDrop("ALL"))
                .definition();
        dev.stevedore.engine.ContainerSpec.Builder spec = dev.stevedore.engine.ContainerSpec.builder("redis:7");
        definition.specCustomizers().forEach(customizer -> customizer.configure(spec));

        assertThat(spec.build().capAdd()).containsExactly("NET_ADMIN", "sys_time");
        assertThat(spec.build().capDrop()).containsExactly("ALL");
        assertThatThrownBy(() -> Stevedore.container("redis:7", c -> c.capAdd("CAP_FLY")))
                .isInstanceOf(InvalidDefinitionException.class)
                .hasMessageContaining("unknown capability: \"CAP_FLY\"");
    }

    @Test
    void namespaceModesReachTheEngineSpecAndAnUnknownOneIsADefinitionProblem() {
        ContainerDefinition definition = Stevedore.container("redis:7", c -> c.namespace("pid", "container:db")
                .namespace("ipc", "shareable").namespace("uts", "host").namespace("cgroupns", "private")).definition();
        dev.stevedore.engine.ContainerSpec.Builder spec = dev.stevedore.engine.ContainerSpec.builder("redis:7");
        definition.specCustomizers().forEach(customizer -> customizer.configure(spec));

        assertThat(spec.build().pidMode()).isEqualTo("container:db");
        assertThat(spec.build().ipcMode()).isEqualTo("shareable");
        assertThat(spec.build().utsMode()).isEqualTo("host");
        assertThat(spec.build().cgroupnsMode()).isEqualTo("private");
        assertThatThrownBy(() -> Stevedore.container("redis:7", c -> c.namespace("ipc", "bogus")))
                .isInstanceOf(InvalidDefinitionException.class).hasMessageContaining("Invalid IPC mode: bogus");
        assertThatThrownBy(() -> Stevedore.container("redis:7", c -> c.namespace("mnt", "host")))
                .isInstanceOf(InvalidDefinitionException.class).hasMessageContaining("namespace kind \"mnt\"");
    }

    @Test
    void extraHostsAndResolverSettingsReachTheEngineSpecAndABadAddressIsADefinitionProblem() {
        ContainerDefinition definition = Stevedore.container("redis:7", c -> c.extraHost("db", "10.1.2.3")
                .extraHost("gw", "host-gateway").dns("10.0.0.53").dnsSearch("example.org").dnsOption("ndots:2")).definition();
        dev.stevedore.engine.ContainerSpec.Builder spec = dev.stevedore.engine.ContainerSpec.builder("redis:7");
        definition.specCustomizers().forEach(customizer -> customizer.configure(spec));

        assertThat(spec.build().extraHosts()).containsExactly("db:10.1.2.3", "gw:host-gateway");
        assertThat(spec.build().dns()).containsExactly("10.0.0.53");
        assertThat(spec.build().dnsSearch()).containsExactly("example.org");
        assertThat(spec.build().dnsOptions()).containsExactly("ndots:2");
        assertThatThrownBy(() -> Stevedore.container("redis:7", c -> c.dns("ns.example.org")))
                .isInstanceOf(InvalidDefinitionException.class)
                .hasMessageContaining("invalid IP address \"ns.example.org\"");
    }

    @Test
    void aLinkMakesTheLinkedContainerADependencyAndABadAliasIsADefinitionProblem() {
        ContainerHandle db = Stevedore.container("postgres:15");

        ContainerDefinition definition = Stevedore.container("redis:7", c -> c.link(db, "database").dependsOn(db))
                .definition();

        assertThat(definition.dependsOn()).containsExactly(db);
        assertThat(definition.specCustomizers()).hasSize(1);
        assertThatThrownBy(() -> Stevedore.container("redis:7", c -> c.link(db, "")))
                .isInstanceOf(InvalidDefinitionException.class).hasMessageContaining("invalid link");
    }

    @Test
    void ulimitsReachTheEngineSpecAndABadOneIsADefinitionProblem() {
        ContainerDefinition definition = Stevedore.container("redis:7", c -> c.ulimit("nofile", 1024, 2048)).definition();
        dev.stevedore.engine.ContainerSpec.Builder spec = dev.stevedore.engine.ContainerSpec.builder("redis:7");
        definition.specCustomizers().forEach(customizer -> customizer.configure(spec));

        assertThat(spec.build().ulimits()).containsExactly("nofile=1024:2048");
        assertThatThrownBy(() -> Stevedore.container("redis:7", c -> c.ulimit("files", 1, 1)))
                .isInstanceOf(InvalidDefinitionException.class).hasMessageContaining("invalid ulimit type: files");
    }

    @Test
    void devicesReachTheEngineSpecAndABadModeIsADefinitionProblem() {
        ContainerDefinition definition = Stevedore.container("redis:7", c -> c.device("/dev/fuse:/dev/f:r")).definition();
        dev.stevedore.engine.ContainerSpec.Builder spec = dev.stevedore.engine.ContainerSpec.builder("redis:7");
        definition.specCustomizers().forEach(customizer -> customizer.configure(spec));

        assertThat(spec.build().devices()).containsExactly(new dev.stevedore.engine.Device("/dev/fuse", "/dev/f", "r"));
        assertThatThrownBy(() -> Stevedore.container("redis:7", c -> c.device("/dev/fuse:/dev/f:rx")))
                .isInstanceOf(InvalidDefinitionException.class).hasMessageContaining("bad mode specified: rx");
    }

    @Test
    void aMacAddressReachesTheEngineSpecAndABadOneIsADefinitionProblem() {
        ContainerDefinition definition = Stevedore.container("redis:7", c -> c.macAddress("02:42:ac:11:00:99")).definition();
        dev.stevedore.engine.ContainerSpec.Builder spec = dev.stevedore.engine.ContainerSpec.builder("redis:7");
        definition.specCustomizers().forEach(customizer -> customizer.configure(spec));

        assertThat(spec.build().macAddress()).isEqualTo("02:42:ac:11:00:99");
        assertThatThrownBy(() -> Stevedore.container("redis:7", c -> c.macAddress("02:42")))
                .isInstanceOf(InvalidDefinitionException.class).hasMessageContaining("02:42 is not a valid mac address");
    }

    @Test
    void exposedHostPortsReachTheEngineSpecAndARepeatedOneIsADefinitionProblem() {
        ContainerDefinition definition = Stevedore.container("redis:7", c -> c.exposeHostPorts(8089, 9090)).definition();
        dev.stevedore.engine.ContainerSpec.Builder spec = dev.stevedore.engine.ContainerSpec.builder("redis:7");
        definition.specCustomizers().forEach(customizer -> customizer.configure(spec));

        assertThat(spec.build().exposedHostPorts()).containsExactly(8089, 9090);
        assertThatThrownBy(() -> Stevedore.container("redis:7", c -> c.exposeHostPorts(8089, 8089)))
                .isInstanceOf(InvalidDefinitionException.class).hasMessageContaining("name one twice: [8089, 8089]");
        assertThatThrownBy(() -> Stevedore.container("redis:7", c -> c.exposeHostPorts(0)))
                .isInstanceOf(InvalidDefinitionException.class).hasMessageContaining("host port 0 to expose");
    }

    @Test
    void aRestartPolicyReachesTheEngineSpecAndABadOneIsADefinitionProblem() {
        ContainerDefinition definition = Stevedore.container("redis:7", c -> c.restart("on-failure:3")).definition();
        dev.stevedore.engine.ContainerSpec.Builder spec = dev.stevedore.engine.ContainerSpec.builder("redis:7");
        definition.specCustomizers().forEach(customizer -> customizer.configure(spec));

        assertThat(spec.build().restartPolicy()).hasToString("on-failure:3");
        assertThatThrownBy(() -> Stevedore.container("redis:7", c -> c.restart("sometimes")))
                .isInstanceOf(InvalidDefinitionException.class).hasMessageContaining("restart policy \"sometimes\"");
    }

    @Test
    void portOutOfRangeIsRefused() {
        assertThatThrownBy(() -> Stevedore.container("redis:7", c -> c.expose(70000)))
                .hasMessage("container \"redis\": port 70000 is not between 1 and 65535");
    }

    @Test
    void sameFixedHostPortTwiceIsRefused() {
        assertThatThrownBy(() -> Stevedore.container("redis:7", c -> c.publish(6379, 16379).publish(6380, 16379)))
                .hasMessage("container \"redis\": host port 16379 published twice");
    }

    @Test
    void invalidImageNamesSayWhatIsWrong() {
        assertThatThrownBy(() -> Stevedore.container("Postgres:15"))
                .isInstanceOf(InvalidDefinitionException.class)
                .hasMessageStartingWith("container \"Postgres\": ")
                .hasMessageContaining("lowercase");
    }

    @Test
    void environmentVariableNamesMayNotHoldEquals() {
        assertThatThrownBy(() -> Stevedore.container("busybox", c -> c.env("A=B", "x")))
                .hasMessage("container \"busybox\": environment variable name \"A=B\" is empty or holds '='");
    }

    @Test
    void copyTargetsMustBeAbsolute() {
        assertThatThrownBy(() -> Stevedore.container("busybox", c -> c.file("etc/motd", "hello")))
                .hasMessage("container \"busybox\": copy target \"etc/motd\" (from content of etc/motd) must be an absolute path below /");
    }

    @Test
    void missingClasspathResourceIsReportedWhenDefined() {
        assertThatThrownBy(() -> Stevedore.container("busybox", c -> c.copyResource("classpath:/no/such.sql", "/x.sql")))
                .hasMessage("container \"busybox\": classpath resource no/such.sql was not found");
    }

    @Test
    void missingHostFileIsReportedWhenDefined() {
        Path missing = Path.of("/no/such/file.sql");
        assertThatThrownBy(() -> Stevedore.container("busybox", c -> c.copy(missing, "/x.sql")))
                .hasMessage("container \"busybox\": copy source /no/such/file.sql does not exist");
    }

    @Test
    void classpathResourcesAreReadWhenDefined() {
        ContainerHandle handle = Stevedore.container("busybox", c -> c.copyResource("fixtures/hello.txt", "/srv/hello.txt"));
        ContainerDefinition.FileCopy file = handle.definition().files().get(0);
        assertThat(new String(file.content(), StandardCharsets.UTF_8)).isEqualTo("hello from the classpath\n");
        assertThat(file.mode()).isEqualTo(0644);
        assertThat(file.origin()).isEqualTo("classpath:fixtures/hello.txt");
    }

    @Test
    void badNamesAreRefused() {
        assertThatThrownBy(() -> Stevedore.container("busybox", c -> c.name("-db")))
                .hasMessage("container \"-db\": a name must be 1 to 63 of letters, digits, '_', '.', '-' and start with a letter or digit");
    }

    @Test
    void startupTimeoutMustBePositive() {
        assertThatThrownBy(() -> Stevedore.container("busybox", c -> c.startupTimeout(Duration.ZERO)))
                .hasMessage("container \"busybox\": startup timeout PT0S must be positive");
    }

    @Test
    void theNameDefaultsToTheImagesLastPathComponent() {
        assertThat(Stevedore.container("postgres:15").name()).isEqualTo("postgres");
        assertThat(Stevedore.container("127.0.0.1:5000/team/api:1.4").name()).isEqualTo("api");
        assertThat(Stevedore.container("busybox@sha256:" + "a".repeat(64)).name()).isEqualTo("busybox");
    }

    @Test
    void withoutPortsAContainerIsReadyWhenItRunsAndWithPortsWhenTheyListen() {
        assertThat(Stevedore.container("busybox").definition().waitStrategy().description()).isEqualTo("the container to run");
        assertThat(Stevedore.container("redis:7", c -> c.expose(6379, 6380)).definition().waitStrategy().description())
                .isEqualTo("ports 6379, 6380 to listen");
    }

    @Test
    void definitionsAreFrozen() {
        ContainerDefinition definition = Stevedore.container("redis:7", c -> c.env("B", "2").env("A", "1").expose(6379))
                .definition();
        assertThat(definition.env()).containsExactly(java.util.Map.entry("B", "2"), java.util.Map.entry("A", "1"));
        assertThatThrownBy(() -> definition.env().put("C", "3")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> definition.ports().clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void joiningANetworkTwiceIsRefused() {
        NetworkHandle net = Stevedore.network("backend");
        assertThatThrownBy(() -> Stevedore.container("busybox", c -> c.network(net).network(net, "x")))
                .hasMessage("container \"busybox\": joins network \"backend\" twice");
    }

    @Test
    void networkNamesFollowTheEnginesRules() {
        assertThatThrownBy(() -> Stevedore.network("back end"))
                .isInstanceOf(InvalidDefinitionException.class)
                .hasMessageStartingWith("network \"back end\": network name \"back end\" must be");
    }

    @Test
    void environmentNamesMustBeUnique() {
        assertThatThrownBy(() -> Stevedore.environment(e -> {
            e.container("db", "postgres:15");
            e.container("db", "redis:7");
        })).hasMessage("environment: container \"db\": declared twice");
    }

    @Test
    void environmentPathsPrefixContainerProblems() {
        assertThatThrownBy(() -> Stevedore.environment(e -> e.container("api", "api:1", c -> c.expose(8080, 8080))))
                .hasMessage("environment: container \"api\": port 8080 exposed twice");
    }

    @Test
    void environmentDependenciesMustBelongToIt() {
        ContainerHandle outside = Stevedore.container("redis:7", c -> c.name("cache"));
        assertThatThrownBy(() -> Stevedore.environment(e -> e.container("api", "api:1", c -> c.dependsOn(outside))))
                .hasMessage("environment: container \"api\": depends on container \"cache\" (redis:7), which is not part of "
                        + "this environment; declare it here or add(...) it");
    }

    @Test
    void handlesSayTheyAreNotStartedNamingTheContainer() {
        ContainerHandle handle = Stevedore.container("redis:7", c -> c.name("cache").expose(6379));
        assertThatThrownBy(() -> handle.port(6379))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("container \"cache\" (redis:7) is not started");
        assertThat(handle.isRunning()).isFalse();
        assertThat(handle.lastLogLines(10)).isEmpty();
    }

    @Test
    void waitStrategiesCheckTheirArgumentsWhenMade() {
        assertThatThrownBy(() -> Wait.logMessage("(")).hasMessageStartingWith("wait for log message /(/: not a regular expression");
        assertThatThrownBy(() -> Wait.logMessage("x").times(0)).hasMessage("wait for log message /x/: times must be at least 1, not 0");
        assertThatThrownBy(() -> Wait.http("health")).hasMessage("wait for HTTP health: the path must start with /");
        assertThatThrownBy(() -> Wait.command()).hasMessage("wait for a command: name the command to run");
        assertThatThrownBy(() -> Wait.port()).hasMessage("wait for ports: name at least one port");
    }

    @Test
    void initGroupsAndSysctlsReachTheEngineSpecAndASysctlOutsideTheNamespacesIsADefinitionProblem() {
        ContainerDefinition definition = Stevedore.container("redis:7", c -> c.init().groupAdd("audio", "1234")
                .sysctl("net.core.somaxconn", "1024")).definition();
        dev.stevedore.engine.ContainerSpec.Builder spec = dev.stevedore.engine.ContainerSpec.builder("redis:7");
        definition.specCustomizers().forEach(customizer -> customizer.configure(spec));

        assertThat(spec.build().init()).isTrue();
        assertThat(spec.build().groupAdd()).containsExactly("audio", "1234");
        assertThat(spec.build().sysctls()).containsExactly(java.util.Map.entry("net.core.somaxconn", "1024"));
        assertThatThrownBy(() -> Stevedore.container("redis:7", c -> c.sysctl("kernel.panic", "1")))
                .isInstanceOf(InvalidDefinitionException.class)
                .hasMessageContaining("sysctl \"kernel.panic\" is not in a separate kernel namespace");
    }

    @Test
    void privilegedReachesTheEngineSpecAndIsOffUnlessAsked() {
        dev.stevedore.engine.ContainerSpec.Builder privileged = dev.stevedore.engine.ContainerSpec.builder("docker:dind");
        Stevedore.container("docker:dind", c -> c.privileged()).definition().specCustomizers()
                .forEach(customizer -> customizer.configure(privileged));
        dev.stevedore.engine.ContainerSpec.Builder plain = dev.stevedore.engine.ContainerSpec.builder("redis:7");
        Stevedore.container("redis:7", c -> { }).definition().specCustomizers().forEach(customizer -> customizer.configure(plain));

        assertThat(privileged.build().privileged()).isTrue();
        assertThat(plain.build().privileged()).isFalse();
    }
}
