package dev.stevedore.engine.internal.embedded;

import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.ImageConfig;
import dev.stevedore.engine.Mount;
import dev.stevedore.engine.PortBinding;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ContainerConfigsTest {
    private static final ImageConfig POSTGRES = new ImageConfig(List.of("docker-entrypoint.sh"), List.of("postgres"),
            List.of("PATH=/usr/bin:/bin", "PGDATA=/var/lib/postgresql/data", "LANG=C"), "/var/lib/postgresql", "postgres",
            Set.of("5432/tcp"), Set.of("/var/lib/postgresql/data"), Map.of("maintainer", "x", "tier", "image"), "SIGINT", null);

    private static ContainerSpec.Builder spec() {
        return ContainerSpec.builder("postgres:15");
    }

    @Test
    void theImagesEntrypointAndCmdRunWhenTheRequestNamesNeither() {
        ContainerConfigs.Command command = ContainerConfigs.command(spec().build(), POSTGRES);

        assertThat(command.args()).containsExactly("docker-entrypoint.sh", "postgres");
    }

    @Test
    void aRequestedCmdReplacesOnlyTheImagesCmd() {
        assertThat(ContainerConfigs.command(spec().cmd("postgres", "-c", "fsync=off").build(), POSTGRES).args())
                .containsExactly("docker-entrypoint.sh", "postgres", "-c", "fsync=off");
    }

    @Test
    void aRequestedEntrypointDropsTheImagesCmdUnlessACmdIsRequestedToo() {
        assertThat(ContainerConfigs.command(spec().entrypoint("sh").build(), POSTGRES).args()).containsExactly("sh");
        assertThat(ContainerConfigs.command(spec().entrypoint("sh").cmd("-c", "true").build(), POSTGRES).args())
                .containsExactly("sh", "-c", "true");
    }

    @Test
    void anEmptyRequestedEntrypointClearsTheImagesAndKeepsItsCmd() {
        assertThat(ContainerConfigs.command(spec().entrypoint("").build(), POSTGRES).args()).containsExactly("postgres");
    }

    @Test
    void noCommandAtAllIsAnError() {
        ImageConfig empty = ImageConfig.empty();

        assertThatThrownBy(() -> ContainerConfigs.command(spec().build(), empty))
                .isInstanceOf(ContainerEngineException.class).hasMessageContaining("has no command");
    }

    @Test
    void requestedVariablesReplaceTheImagesInPlaceAndNewOnesFollow() {
        List<String> env = ContainerConfigs.env(spec().env("LANG", "en_US.UTF-8").env("EXTRA=1").build(), POSTGRES);

        assertThat(env).containsExactly("PATH=/usr/bin:/bin", "PGDATA=/var/lib/postgresql/data", "LANG=en_US.UTF-8", "EXTRA=1");
    }

    @Test
    void dockersPathIsAddedWhenNeitherSetsOne() {
        assertThat(ContainerConfigs.env(spec().env("A", "b").build(), ImageConfig.empty()))
                .containsExactly(ContainerConfigs.DEFAULT_PATH, "A=b");
    }

    @Test
    void processesGetDockersPathHostnameAndTermFirstEachReplacedInItsPlace() {
        assertThat(ContainerConfigs.processEnv("abc", false, List.of(), List.of("PATH=/bin")))
                .containsExactly("PATH=/bin", "HOSTNAME=abc");
        assertThat(ContainerConfigs.processEnv("abc", true, List.of("DB_PORT=tcp://db:5432"), List.of("HOSTNAME=mine", "A=b")))
                .containsExactly(ContainerConfigs.DEFAULT_PATH, "HOSTNAME=mine", "TERM=xterm", "DB_PORT=tcp://db:5432", "A=b");
        assertThat(ContainerConfigs.processEnv("abc", true, List.of(), List.of("TERM=dumb")))
                .containsExactly(ContainerConfigs.DEFAULT_PATH, "HOSTNAME=abc", "TERM=dumb");
    }

    @Test
    void workingDirectoryUserLabelsAndStopSettingsFallBackToTheImage() {
        ContainerSpec plain = spec().label("tier", "request").build();

        assertThat(ContainerConfigs.workingDir(plain, POSTGRES)).isEqualTo("/var/lib/postgresql");
        assertThat(ContainerConfigs.workingDir(spec().workingDir("/a/./b/../c/").build(), POSTGRES)).isEqualTo("/a/c");
        assertThat(ContainerConfigs.workingDir(plain, ImageConfig.empty())).isEqualTo("/");
        assertThat(ContainerConfigs.user(plain, POSTGRES)).isEqualTo("postgres");
        assertThat(ContainerConfigs.user(spec().user("0").build(), POSTGRES)).isEqualTo("0");
        assertThat(ContainerConfigs.labels(plain, POSTGRES)).containsExactlyInAnyOrderEntriesOf(
                Map.of("maintainer", "x", "tier", "request"));
        assertThat(ContainerConfigs.stopSignal(plain, POSTGRES)).isEqualTo("SIGINT");
        assertThat(ContainerConfigs.stopSignal(spec().stopSignal("9").build(), POSTGRES)).isEqualTo("SIGKILL");
        assertThat(ContainerConfigs.stopSignal(plain, ImageConfig.empty())).isEqualTo("SIGTERM");
        assertThat(ContainerConfigs.stopTimeout(plain)).isEqualTo(Duration.ofSeconds(10));
        assertThatThrownBy(() -> ContainerConfigs.workingDir(spec().workingDir("relative").build(), POSTGRES))
                .hasMessageContaining("needs to be an absolute path");
    }

    @Test
    void theHostnameIsTheShortIdUnlessAskedOrOnTheHostNetwork() {
        String id = "0123456789abcdef".repeat(4);

        assertThat(ContainerConfigs.hostname(spec().build(), id, false, "host")).isEqualTo("0123456789ab");
        assertThat(ContainerConfigs.hostname(spec().build(), id, true, "host")).isEqualTo("host");
        assertThat(ContainerConfigs.hostname(spec().hostname("db").build(), id, true, "host")).isEqualTo("db");
    }

    @Test
    void imageVolumesBecomeAnonymousVolumesUnlessTheRequestMountsThere() {
        ImageConfig volumes = new ImageConfig(List.of(), List.of("sh"), List.of(), "", "", Set.of(),
                Set.of("/data", "/cache/"), Map.of(), "", null);

        List<Mount> mounts = ContainerConfigs.mounts(spec().mount(Mount.volume("named", "/data/", false)).build(), volumes);

        assertThat(mounts).containsExactly(Mount.volume("named", "/data", false), Mount.volume("", "/cache", false));
        assertThatThrownBy(() -> ContainerConfigs.mounts(spec().mount(Mount.tmpfs("/x", "")).mount(Mount.tmpfs("/x/", ""))
                .build(), volumes)).hasMessageContaining("duplicate mount point /x");
    }

    @Test
    void theDefaultNetworkIsTheBridgeAndNoneCannotPublish() {
        assertThat(ContainerConfigs.networkMode(spec().build(), POSTGRES)).isEqualTo("bridge");
        assertThat(ContainerConfigs.networkMode(spec().networkMode("default").build(), POSTGRES)).isEqualTo("bridge");
        assertThat(ContainerConfigs.networkMode(spec().networkMode("host").build(), POSTGRES)).isEqualTo("host");
        assertThat(ContainerConfigs.networkMode(spec().networkMode("backend").networkAlias("db").build(), POSTGRES))
                .isEqualTo("backend");
        assertThat(ContainerConfigs.networkMode(spec().networkMode("none").publishAllPorts(true).build(), ImageConfig.empty()))
                .isEqualTo("none");
        assertThatThrownBy(() -> ContainerConfigs.networkMode(spec().networkMode("none").port(PortBinding.loopback(5432)).build(),
                POSTGRES)).hasMessageContaining("with network mode none cannot publish ports");
        assertThatThrownBy(() -> ContainerConfigs.networkMode(spec().networkMode("none").publishAllPorts(true).build(), POSTGRES))
                .hasMessageContaining("cannot publish ports");
    }

    @Test
    void exposedPortsAreTheImagesAndTheRequestsWithTcpByDefault() {
        assertThat(ContainerConfigs.exposedPorts(spec().expose("8080").expose("53/udp").build(), POSTGRES))
                .containsExactly("53/udp", "5432/tcp", "8080/tcp");
        assertThat(ContainerConfigs.nanoCpus(1.5)).isEqualTo(1_500_000_000L);
    }
}
