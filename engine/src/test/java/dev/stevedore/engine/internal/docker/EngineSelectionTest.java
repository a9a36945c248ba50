package dev.stevedore.engine.internal.docker;

import dev.stevedore.engine.ContainerEngineException;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EngineSelectionTest {
    private static final DockerEndpoint SOCKET = DockerEndpoint.unix(Path.of("/var/run/docker.sock"), "default socket");

    /** A machine described by hand; by default a root Linux host that can run the embedded engine, without Docker. */
    private static final class Machine implements EngineSelection.Facts {
        final Map<String, String> variables = new HashMap<>();
        String context;
        String os = "Linux";
        long uid = 0;
        boolean overlay = true;
        boolean capSysAdmin = true;
        String rootless = "user namespaces are disabled (user.max_user_namespaces is 0)";
        DockerConnector.Probe probe = new DockerConnector.Probe(Optional.empty(),
                List.of("unix:///var/run/docker.sock (default socket): no such socket file"));
        int probes;

        Machine set(String name, String value) {
            variables.put(name, value);
            return this;
        }

        @Override
        public String variable(String name) {
            return variables.get(name);
        }

        @Override
        public String configuredDockerContext() {
            return context;
        }

        @Override
        public String osName() {
            return os;
        }

        @Override
        public long effectiveUid() {
            return uid;
        }

        @Override
        public boolean overlayAvailable() {
            return overlay;
        }

        @Override
        public boolean canCreateNamespaces() {
            return capSysAdmin;
        }

        @Override
        public String rootlessProblem() {
            return rootless;
        }

        @Override
        public DockerConnector.Probe probeDockerSockets() {
            probes++;
            return probe;
        }
    }

    private static Machine withDockerAnswering(Machine machine) {
        machine.probe = new DockerConnector.Probe(Optional.of(SOCKET), List.of());
        return machine;
    }

    @Test
    void embeddedIsTheDefaultOnLinuxAsRootWithoutProbingDocker() {
        Machine machine = withDockerAnswering(new Machine());

        EngineSelection.Decision decision = EngineSelection.decide(machine);

        assertThat(decision.kind()).isEqualTo(EngineSelection.Kind.EMBEDDED);
        assertThat(machine.probes).isZero();
    }

    @Test
    void stevedoreEngineWinsOverEverythingElse() {
        Machine docker = new Machine().set("STEVEDORE_ENGINE", "Docker");
        Machine embedded = withDockerAnswering(new Machine()).set("STEVEDORE_ENGINE", "embedded").set("DOCKER_HOST", "tcp://h:2375");
        embedded.uid = 1000;

        assertThat(EngineSelection.decide(docker).kind()).isEqualTo(EngineSelection.Kind.DOCKER);
        assertThat(EngineSelection.decide(docker).reason()).isEqualTo("STEVEDORE_ENGINE=Docker");
        assertThat(EngineSelection.decide(embedded).kind()).isEqualTo(EngineSelection.Kind.EMBEDDED);
    }

    @Test
    void stevedoreEngineNamingNoEngineIsAnError() {
        assertThatThrownBy(() -> EngineSelection.decide(new Machine().set("STEVEDORE_ENGINE", "podman")))
                .isInstanceOf(ContainerEngineException.class)
                .hasMessageContaining("\"podman\"").hasMessageContaining("embedded or docker");
    }

    @Test
    void dockerHostOrASelectedContextMeansDockerEvenWhereEmbeddedCouldRun() {
        Machine host = new Machine().set("DOCKER_HOST", "unix:///run/user/1000/docker.sock");
        Machine contextByEnv = new Machine().set("DOCKER_CONTEXT", "colima");
        Machine contextByConfig = new Machine();
        contextByConfig.context = "remote";
        Machine defaultContext = new Machine();
        defaultContext.context = "default";

        assertThat(EngineSelection.decide(host)).satisfies(d -> {
            assertThat(d.kind()).isEqualTo(EngineSelection.Kind.DOCKER);
            assertThat(d.reason()).contains("DOCKER_HOST");
            assertThat(d.endpoint()).isEmpty();
        });
        assertThat(EngineSelection.decide(contextByEnv).reason()).contains("colima").contains("DOCKER_CONTEXT");
        assertThat(EngineSelection.decide(contextByConfig).reason()).contains("remote").contains("config.json");
        assertThat(EngineSelection.decide(defaultContext).kind()).isEqualTo(EngineSelection.Kind.EMBEDDED);
    }

    @Test
    void anAnsweringSocketIsUsedWhereEmbeddedCannotRun() {
        Machine mac = withDockerAnswering(new Machine());
        mac.os = "Mac OS X";
        Machine user = withDockerAnswering(new Machine());
        user.uid = 1000;
        Machine unprivilegedContainer = withDockerAnswering(new Machine());
        unprivilegedContainer.capSysAdmin = false;

        for (Machine machine : List.of(mac, user, unprivilegedContainer)) {
            EngineSelection.Decision decision = EngineSelection.decide(machine);
            assertThat(decision.kind()).isEqualTo(EngineSelection.Kind.DOCKER);
            assertThat(decision.endpoint()).contains(SOCKET);
        }
        assertThat(EngineSelection.decide(user).reason()).contains("not root (effective uid 1000)");
    }

    @Test
    void anOrdinaryUserWithUserNamespacesGetsTheRootlessEmbeddedEngineWithoutProbingDocker() {
        Machine user = withDockerAnswering(new Machine());
        user.uid = 1000;
        user.capSysAdmin = false;
        user.rootless = null;

        EngineSelection.Decision decision = EngineSelection.decide(user);

        assertThat(decision.kind()).isEqualTo(EngineSelection.Kind.EMBEDDED);
        assertThat(decision.reason()).contains("rootless as uid 1000");
        assertThat(user.probes).isZero();
    }

    @Test
    void aUserWithoutRootlessSupportIsToldWhyAndTheFix() {
        Machine user = new Machine();
        user.uid = 1000;
        user.rootless = "newuidmap/newgidmap are not installed: install Debian's uidmap ('sudo apt-get install uidmap')";

        assertThatThrownBy(() -> EngineSelection.decide(user))
                .isInstanceOf(ContainerEngineException.class)
                .hasMessageContaining("rootless containers are unavailable: newuidmap/newgidmap are not installed")
                .hasMessageContaining("sudo apt-get install uidmap");
    }

    @Test
    void noUsableEngineListsWhatWasTriedAtEachStep() {
        Machine machine = new Machine();
        machine.uid = 1000;
        machine.overlay = false;
        machine.capSysAdmin = false;

        assertThatThrownBy(() -> EngineSelection.decide(machine))
                .isInstanceOf(ContainerEngineException.class)
                .hasMessageContaining("STEVEDORE_ENGINE: not set")
                .hasMessageContaining("DOCKER_HOST: not set")
                .hasMessageContaining("not root (effective uid 1000)")
                .hasMessageContaining("no overlay file system")
                .hasMessageContaining("user.max_user_namespaces is 0")
                .hasMessageContaining("unix:///var/run/docker.sock (default socket): no such socket file");
    }

    @Test
    void capabilityMasksAreReadAsHex() {
        assertThat(EngineSelection.hasCapability("000001ffffffffff", 21)).isTrue();
        assertThat(EngineSelection.hasCapability("00000000a80425fb", 21)).isFalse();
        assertThat(EngineSelection.hasCapability("garbage", 21)).isFalse();
    }

    @Test
    void overridesWinOverTheEnvironmentAndAnEmptyOneUnsets() {
        var variables = EngineSelection.variables(Map.of("DOCKER_HOST", "unix:///run/given.sock", "STEVEDORE_ENGINE", "",
                "PATH", "/given"));

        assertThat(variables.apply("DOCKER_HOST")).isEqualTo("unix:///run/given.sock");
        assertThat(variables.apply("STEVEDORE_ENGINE")).isNull();
        assertThat(variables.apply("PATH")).isEqualTo("/given");
        assertThat(variables.apply("HOME")).as("the rest from the environment").isEqualTo(System.getenv("HOME"));
    }
}
