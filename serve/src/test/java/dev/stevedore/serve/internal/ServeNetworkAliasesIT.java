package dev.stevedore.serve.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stevedore.engine.internal.docker.DockerCli;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Inspect's {@code NetworkSettings.Networks.<net>.Aliases} after {@code docker network connect}, on serve and on the
 * test bed's dockerd in the same run: dockerd 20.10 lists the container's short id there, on a network connected to a
 * running container and to one never started, while the network it was created on gets it at the first start. Each
 * side's networks and containers have names of their own; outputs are compared with the names written {@code N},
 * {@code M}, {@code X}, {@code Y} and the short ids {@code <id>}.
 */
class ServeNetworkAliasesIT extends ServeWithDockerCli {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aConnectedNetworkListsTheShortIdAmongTheAliasesAsOnDockerd() throws IOException {
        Map<Path, List<String>> seen = new LinkedHashMap<>();
        for (Path server : dockerdThenServe()) {
            String p = "al" + UUID.randomUUID().toString().substring(0, 8) + "-";
            List<String> networks = new ArrayList<>();
            try {
                seen.put(server, exercise(server, p, networks));
            } finally {
                for (String network : networks) {
                    DockerCli.run(server, "network", "rm", network);
                }
            }
        }

        assertThat(seen.get(socket)).as("serve, then dockerd above").isEqualTo(seen.get(dockerd()));
        assertThat(seen.get(dockerd())).as("what dockerd 20.10 lists").containsExactly(
                "running X: M=[<id>] N=[one, <id>]",
                "created Y: M=[<id>] N=null",
                "started Y: M=[<id>] N=[<id>]",
                "stopped X: M=[<id>] N=[one, <id>]",
                "reconnected X: M=[two, <id>] N=[one, <id>]");
    }

    /** What one daemon's inspect lists, line by line; the containers are removed before it returns. */
    private List<String> exercise(Path server, String p, List<String> networks) throws IOException {
        DockerCli.run(server, "network", "create", p + "n");
        networks.add(p + "n");
        DockerCli.run(server, "network", "create", p + "m");
        networks.add(p + "m");
        Map<String, String> names = Map.of(p + "n", "N", p + "m", "M");
        String x = made(server, last(DockerCli.run(server, "run", "-d", "--name", p + "x", "--network", p + "n",
                "--network-alias", "one", busybox, "sleep", "600")));
        String y = made(server, last(DockerCli.run(server, "create", "--name", p + "y", "--network", p + "n", busybox,
                "sleep", "600")));
        List<String> lines = new ArrayList<>();
        try {
            DockerCli.run(server, "network", "connect", p + "m", x);
            lines.add("running X: " + aliases(server, x, names));
            DockerCli.run(server, "network", "connect", p + "m", y);
            lines.add("created Y: " + aliases(server, y, names));
            DockerCli.run(server, "start", y);
            lines.add("started Y: " + aliases(server, y, names));
            DockerCli.run(server, "stop", "-t", "0", x);
            lines.add("stopped X: " + aliases(server, x, names));
            DockerCli.run(server, "network", "disconnect", p + "m", x);
            DockerCli.run(server, "network", "connect", "--alias", "two", p + "m", x);
            lines.add("reconnected X: " + aliases(server, x, names));
        } finally {
            DockerCli.run(server, "rm", "-f", x, y);
        }
        return lines;
    }

    /** Each network's Aliases as inspect gives them, the short id written {@code <id>}, networks by their letter. */
    private static String aliases(Path server, String id, Map<String, String> names) throws IOException {
        JsonNode networks = JSON.readTree(String.join("\n",
                DockerCli.run(server, "inspect", "-f", "{{json .NetworkSettings.Networks}}", id)));
        Map<String, String> byLetter = new TreeMap<>();
        networks.properties().forEach(e -> {
            JsonNode aliases = e.getValue().path("Aliases");
            List<String> listed = new ArrayList<>();
            aliases.forEach(alias -> listed.add(alias.asText().equals(id.substring(0, 12)) ? "<id>" : alias.asText()));
            byLetter.put(names.getOrDefault(e.getKey(), e.getKey()), aliases.isNull() ? "null" : listed.toString());
        });
        StringBuilder text = new StringBuilder();
        byLetter.forEach((network, listed) -> text.append(text.isEmpty() ? "" : " ").append(network).append('=').append(listed));
        return text.toString();
    }
}
