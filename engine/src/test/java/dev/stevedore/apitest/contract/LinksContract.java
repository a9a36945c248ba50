package dev.stevedore.apitest.contract;

import dev.stevedore.engine.ContainerEngineException;
import dev.stevedore.engine.ContainerInfo;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.ExecSpec;
import dev.stevedore.engine.NetworkSpec;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Docker's legacy links ({@code docker run --link NAME:ALIAS}, {@link ContainerSpec#links()}), the same on every
 * engine: on the default bridge the linked container is in {@code /etc/hosts} under the alias, its hostname and its
 * name, and its address, exposed ports and environment are in {@code ALIAS_*} variables as dockerd writes them; a
 * linked container that does not run fails the start in dockerd's words, a missing one the create; on a network a
 * user made the alias is one more name of the linked container and nothing else. The Docker run shows that this is
 * what dockerd does.
 *
 * <p>{@code DockerLinksContractIT}, {@code EmbeddedLinksContractIT}, {@code RootlessLinksContractIT}.
 */
public abstract class LinksContract extends EngineContract {

    @Test
    void aLinkOnTheDefaultBridgeWritesHostsAndEnvironmentAsDockerDoes() {
        String dbName = uniqueName("db");
        String webName = uniqueName("web");
        ContainerInfo db = started(busybox("sleep 3600").name(dbName).env("FOO", "bar").env("HOME", "/srv")
                .expose("5432/tcp").expose("7000/tcp").expose("7001/tcp").expose("7002/tcp")
                .expose("53/udp"));
        String address = address(db);

        ContainerInfo web = started(busybox("cat /etc/hosts; env | grep ^MY_DB_ | sort").name(webName).link(dbName, "my-db"));
        exited(web.id());

        String hostname = db.id().substring(0, 12);
        String tcp = "tcp://" + address + ":";
        List<String> lines = logTexts(web.id());
        assertThat(lines).contains(address + "\tmy-db " + hostname + " " + dbName);
        assertThat(lines.stream().filter(l -> l.startsWith("MY_DB_"))).containsExactlyInAnyOrder(
                "MY_DB_NAME=/" + webName + "/my-db",
                "MY_DB_ENV_FOO=bar",
                "MY_DB_PORT=udp://" + address + ":53",
                "MY_DB_PORT_53_UDP=udp://" + address + ":53", "MY_DB_PORT_53_UDP_ADDR=" + address,
                "MY_DB_PORT_53_UDP_PORT=53", "MY_DB_PORT_53_UDP_PROTO=udp",
                "MY_DB_PORT_5432_TCP=" + tcp + "5432", "MY_DB_PORT_5432_TCP_ADDR=" + address,
                "MY_DB_PORT_5432_TCP_PORT=5432", "MY_DB_PORT_5432_TCP_PROTO=tcp",
                "MY_DB_PORT_7000_TCP=" + tcp + "7000", "MY_DB_PORT_7000_TCP_ADDR=" + address,
                "MY_DB_PORT_7000_TCP_PORT=7000", "MY_DB_PORT_7000_TCP_PROTO=tcp",
                "MY_DB_PORT_7000_TCP_START=" + tcp + "7000", "MY_DB_PORT_7000_TCP_PORT_START=7000",
                "MY_DB_PORT_7000_TCP_END=" + tcp + "7002", "MY_DB_PORT_7000_TCP_PORT_END=7002",
                "MY_DB_PORT_7001_TCP=" + tcp + "7001", "MY_DB_PORT_7001_TCP_ADDR=" + address,
                "MY_DB_PORT_7001_TCP_PORT=7001", "MY_DB_PORT_7001_TCP_PROTO=tcp",
                "MY_DB_PORT_7002_TCP=" + tcp + "7002", "MY_DB_PORT_7002_TCP_ADDR=" + address,
                "MY_DB_PORT_7002_TCP_PORT=7002", "MY_DB_PORT_7002_TCP_PROTO=tcp");
        assertThat(engine.inspectContainer(web.id()).spec().links()).containsExactly(dbName + ":my-db");
        engine.removeContainer(web.id(), true);
        engine.removeContainer(db.id(), true);
    }

    @Test
    void aLinkWithoutAliasIsKnownByTheLinkedContainersName() {
        String dbName = uniqueName("db");
        ContainerInfo db = started(busybox("sleep 3600").name(dbName));
        String address = address(db);

        ContainerInfo web = started(busybox("cat /etc/hosts; env | grep _NAME=; echo end; sleep 3600").link(dbName));
        await().atMost(PATIENCE).until(() -> logTexts(web.id()).contains("end"));

        String prefix = dbName.toUpperCase().replace('-', '_');
        String fullName = prefix + "_NAME=/" + engine.inspectContainer(web.id()).name() + "/" + dbName;
        assertThat(logTexts(web.id())).contains(address + "\t" + dbName + " " + db.id().substring(0, 12)).contains(fullName);
        // an exec has them too, as dockerd's
        assertThat(engine.exec(web.id(), ExecSpec.of("sh", "-c", "env | grep _NAME=")).stdout().strip()).isEqualTo(fullName);
        assertThat(engine.inspectContainer(web.id()).spec().links()).containsExactly(dbName + ":" + dbName);
        engine.removeContainer(web.id(), true);
        engine.removeContainer(db.id(), true);
    }

    @Test
    void aLinkToAContainerThatDoesNotRunFailsTheStartInDockersWords() {
        String dbName = uniqueName("db");
        String webName = uniqueName("web");
        ContainerInfo db = engine.createContainer(busybox("sleep 3600").name(dbName).build());
        ContainerInfo web = engine.createContainer(busybox("true").name(webName).link(dbName, "db").build());

        assertThatThrownBy(() -> engine.startContainer(web.id())).isInstanceOf(ContainerEngineException.class)
                .hasMessageContaining("Cannot link to a non running container: /" + dbName + " AS /" + webName + "/db");
        engine.removeContainer(web.id(), true);
        engine.removeContainer(db.id(), true);
    }

    @Test
    void aLinkToAMissingContainerFailsTheCreate() {
        String missing = uniqueName("nosuch");

        assertThatThrownBy(() -> engine.createContainer(busybox("true").link(missing, "db").build()))
                .isInstanceOf(ContainerEngineException.class).hasMessageContaining(missing);
    }

    @Test
    void onAUserNetworkALinkIsOneMoreNameOfTheLinkedContainer() {
        String network = uniqueName("links-net");
        engine.createNetwork(new NetworkSpec(network, null, Map.of(RUN_LABEL, run), false));
        String dbName = uniqueName("db");
        ContainerInfo db = started(busybox("sleep 3600").name(dbName).networkMode(network).env("FOO", "bar"));
        String address = engine.inspectContainer(db.id()).networks().get(network);

        // ping names the address it resolved before it sends anything
        ContainerInfo web = started(busybox("ping -c 1 -W 1 dbal 2>&1 | head -1; env | grep -c ^DBAL_")
                .networkMode(network).link(dbName, "dbal"));
        exited(web.id());

        assertThat(logTexts(web.id())).containsExactly("PING dbal (" + address + "): 56 data bytes", "0");
        assertThat(engine.inspectContainer(web.id()).spec().links()).containsExactly(dbName + ":dbal");
        engine.removeContainer(web.id(), true);
        engine.removeContainer(db.id(), true);
        engine.removeNetwork(network);
    }

    @Test
    void linksConflictWithTheHostsNetworkInDockersWords() {
        assertThatThrownBy(() -> busybox("true").networkMode("host").link("db", "db").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("conflicting options: host type networking can't be used with links. This would result in"
                        + " undefined behavior");
    }

    /** The container's address on the default bridge, once it has one. */
    private String address(ContainerInfo container) {
        await().atMost(PATIENCE).until(() -> engine.inspectContainer(container.id()).networks().values().stream()
                .anyMatch(a -> !a.isEmpty()));
        return engine.inspectContainer(container.id()).networks().values().stream().filter(a -> !a.isEmpty())
                .findFirst().orElseThrow();
    }
}
