package dev.stevedore.serve.internal;

import dev.stevedore.engine.internal.docker.DockerCli;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code docker run --link} with the docker CLI against serve and the test bed's dockerd in the same run: the same
 * {@code /etc/hosts} line and {@code ALIAS_*} variables on the default bridge (addresses, ids and names replaced by
 * placeholders), the same inspect echo ({@code HostConfig.Links} as {@code /db:/web/db}), the same name on a user
 * network, the same refusal of a link to a container that does not run.
 */
class ServeLinksIT extends ServeWithDockerCli {
    private final Path dockerd = dockerd();
    private List<Path> servers() {
        return dockerdThenServe();
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** {@code docker run -d --name NAME OPTIONS busybox sleep 300}: its id. */
    private String linked(Path server, String name, String... options) {
        List<String> args = new ArrayList<>(List.of("run", "-d", "--name", name));
        args.addAll(List.of(options));
        args.addAll(List.of(busybox, "sleep", "300"));
        return made(server, last(DockerCli.run(server, args.toArray(String[]::new))));
    }

    @Test
    void aLinkOnTheDefaultBridgeGivesTheHostsLineAndVariablesDockerdGives() {
        Map<Path, List<String>> outcomes = new LinkedHashMap<>();
        for (Path server : servers()) {
            String db = unique("lk-db");
            String web = unique("lk-web");
            String id = linked(server, db, "-e", "FOO=bar", "-e", "HOME=/srv", "--expose", "5432", "--expose", "7000-7002",
                    "--expose", "53/udp");
            String address = last(DockerCli.run(server, "inspect", "-f", "{{.NetworkSettings.IPAddress}}", id));
            List<String> out = runToEnd(server, "{{json .HostConfig.Links}}",
                    // the link's line only: serve's hosts file also lists the bridge's other containers
                    "grep -w dblink /etc/hosts; env | grep ^DBLINK_ | sort", "--name", web, "--link", db + ":dblink");
            outcomes.put(server, out.stream().map(l -> l.replace(address, "ADDR").replace(id.substring(0, 12), "DBHOST")
                    .replace(db, "DB").replace(web, "WEB")).toList());
        }

        assertThat(outcomes.get(socket)).isEqualTo(outcomes.get(dockerd))
                .startsWith("ADDR\tdblink DBHOST DB", "DBLINK_ENV_FOO=bar", "DBLINK_NAME=/WEB/dblink",
                        "DBLINK_PORT=udp://ADDR:53")
                .contains("DBLINK_PORT_7000_TCP_START=tcp://ADDR:7000", "DBLINK_PORT_5432_TCP_ADDR=ADDR")
                .endsWith("[\"/DB:/WEB/dblink\"]");
    }

    @Test
    void onAUserNetworkALinkIsANameAsOnDockerd() {
        Map<Path, List<String>> outcomes = new LinkedHashMap<>();
        for (Path server : servers()) {
            String network = unique("lk-net");
            DockerCli.run(server, "network", "create", network);
            List<String> ids = new ArrayList<>();
            String web = unique("lk-web");
            try {
                String db = unique("lk-db");
                String id = linked(server, db, "--network", network, "-e", "FOO=bar");
                ids.add(id);
                String address = last(DockerCli.run(server, "inspect", "-f",
                        "{{(index .NetworkSettings.Networks \"" + network + "\").IPAddress}}", id));
                List<String> out = runToEnd(server,
                        "{{json .HostConfig.Links}} {{json (index .NetworkSettings.Networks \"" + network + "\").Links}}",
                        "ping -c 1 -W 1 dbal 2>&1 | head -1; env | grep -c ^DBAL_", "--name", web, "--network", network,
                        "--link", db + ":dbal");
                ids.add(web);
                outcomes.put(server, out.stream().map(l -> l.replace(address, "ADDR").replace(db, "DB")).toList());
            } finally {
                // the network goes with its containers, now: dockerd keeps a network that has endpoints
                ids.forEach(id -> DockerCli.run(server, "rm", "-f", id));
                DockerCli.run(server, "network", "rm", network); // fails the test when something kept it
            }
        }

        assertThat(outcomes.get(socket)).isEqualTo(outcomes.get(dockerd))
                .containsExactly("PING dbal (ADDR): 56 data bytes", "0", "null [\"DB:dbal\"]");
    }

    @Test
    void aLinkToAStoppedContainerIsRefusedAtStartAsOnDockerd() {
        for (Path server : servers()) {
            String db = unique("lk-db");
            String web = unique("lk-web");
            made(server, last(DockerCli.run(server, "create", "--name", db, busybox, "true")));
            made(server, last(DockerCli.run(server, "create", "--name", web, "--link", db + ":db", busybox, "true")));

            assertThatThrownBy(() -> DockerCli.run(server, "start", web)).as(server.toString())
                    .hasMessageContaining("Cannot link to a non running container: /" + db + " AS /" + web + "/db");
            assertThatThrownBy(() -> DockerCli.run(server, "create", "--link", unique("nosuch") + ":db", busybox, "true"))
                    .as(server.toString()).satisfies(e -> assertThat(e.getMessage()).containsIgnoringCase("no such container"));
        }
    }
}
