package dev.stevedore.serve.internal;

import dev.stevedore.engine.internal.docker.DockerCli;
import dev.stevedore.engine.testbed.Testbed;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Static addresses on a user network ({@code docker run --network n --ip}, {@code docker network connect --ip}) with the
 * docker CLI, on serve and on the test bed's dockerd in the same run: the same addresses, the same inspect echo
 * ({@code IPAMConfig.IPv4Address}), and the same refusals with the same words and statuses. Each daemon gets a subnet of
 * its own (both put their bridges on this host); outputs are compared with the subnet's prefix written {@code P.}.
 */
class ServeStaticAddressIT extends ServeWithDockerCli {
    private final Path dockerd = Testbed.get().dockerSocket().orElseThrow(() -> new AssertionError(
            "the test bed's dockerd is not up: run `testbed/dockerd up`"));

    @Test
    void aStaticAddressIsGivenEchoedAndRefusedLikeDockerd() throws IOException {
        DockerCli.run(dockerd, "pull", "-q", busybox);
        Map<Path, List<String>> seen = new LinkedHashMap<>();
        for (Path server : List.of(dockerd, socket)) {
            String network = "ip-" + UUID.randomUUID().toString().substring(0, 8);
            String prefix = createNetworkWithSubnet(server, network);
            List<String> containers = new ArrayList<>();
            try {
                seen.put(server, exercise(server, network, prefix, containers).stream()
                        .map(line -> line.replace(prefix, "P.")).toList());
            } finally {
                containers.forEach(id -> DockerCli.run(server, "rm", "-f", id));
                DockerCli.run(server, "network", "rm", network);
            }
        }

        assertThat(seen.get(socket)).isEqualTo(seen.get(dockerd)).containsExactly(
                "{\"IPv4Address\":\"P.77\"} P.77",
                "P.77/24",
                "Address already in use",
                "Address already in use",
                "does not belong to any of this network's subnets",
                "{\"IPv4Address\":\"P.78\"} P.78",
                "connect P.77: 403",
                "connect 192.0.2.9: 500 does not belong to any of this network's subnets");
    }

    /** What one daemon does with static addresses on {@code network}, line by line. */
    private List<String> exercise(Path server, String network, String prefix, List<String> containers) throws IOException {
        List<String> lines = new ArrayList<>();
        String first = created(server, containers, "run", "-d", "--network", network, "--ip", prefix + "77", busybox,
                "sleep", "600");
        lines.add(String.join(" ", echo(server, first, network)));
        lines.add(DockerCli.run(server, "exec", first, "sh", "-c", "ip -4 -o addr show eth0 | awk '{print $4}'").get(0));
        for (String taken : List.of(prefix + "77", prefix + "1")) { // another container's, the gateway
            lines.add(refusal(server, containers, "Address already in use", "run", "-d", "--network", network, "--ip", taken,
                    busybox, "sleep", "600"));
        }
        lines.add(refusal(server, containers, "does not belong to any of this network's subnets", "run", "-d", "--network",
                network, "--ip", "192.0.2.9", busybox, "sleep", "600"));
        String second = created(server, containers, "run", "-d", busybox, "sleep", "600");
        DockerCli.run(server, "network", "connect", "--ip", prefix + "78", network, second);
        lines.add(String.join(" ", echo(server, second, network)));
        String third = created(server, containers, "run", "-d", busybox, "sleep", "600");
        for (String address : List.of(prefix + "77", "192.0.2.9")) {
            UnixHttp.Answer answer = UnixHttp.json(server, "POST", "/networks/" + network + "/connect", "{'Container':'" + third
                    + "','EndpointConfig':{'IPAMConfig':{'IPv4Address':'" + address + "'}}}");
            // the words both daemons share are what is compared; the second connect shows the first left nothing behind
            lines.add("connect " + address + ": " + answer.status()
                    + (answer.body().contains("does not belong") ? " does not belong to any of this network's subnets" : ""));
        }
        return lines;
    }

    /** {@code docker ARGUMENTS} that prints a container's id, which is kept for removal. */
    private static String created(Path server, List<String> containers, String... arguments) {
        List<String> out = DockerCli.run(server, arguments).stream().filter(l -> !l.startsWith("WARNING: ")).toList();
        containers.add(out.get(out.size() - 1));
        return out.get(out.size() - 1);
    }

    /** The part of a refusal both daemons share; a container a refused {@code run} left behind is removed after. */
    private String refusal(Path server, List<String> containers, String expected, String... arguments) {
        String name = "ip-refused-" + UUID.randomUUID().toString().substring(0, 8);
        List<String> named = new ArrayList<>(List.of(arguments));
        named.addAll(2, List.of("--name", name));
        assertThatThrownBy(() -> DockerCli.run(server, named.toArray(String[]::new))).as(server + " " + named)
                .hasMessageContaining(expected);
        if (!DockerCli.run(server, "ps", "-aq", "--filter", "name=" + name).isEmpty()) {
            containers.add(name); // dockerd refuses at start: the container exists
        }
        return expected;
    }

    private static List<String> echo(Path server, String container, String network) {
        return DockerCli.run(server, "inspect", "-f", "{{with index .NetworkSettings.Networks \"" + network + "\"}}"
                + "{{json .IPAMConfig}} {{.IPAddress}}{{end}}", container);
    }

    /** Creates {@code network} with a free /24 of 10.224.0.0/11 and answers its prefix, {@code 10.x.y.}. */
    private static String createNetworkWithSubnet(Path server, String network) {
        AssertionError last = null;
        for (int attempt = 0; attempt < 10; attempt++) {
            String prefix = "10." + (224 + ThreadLocalRandom.current().nextInt(32)) + "." + ThreadLocalRandom.current().nextInt(256) + ".";
            try {
                DockerCli.run(server, "network", "create", "--subnet", prefix + "0/24", network);
                return prefix;
            } catch (AssertionError e) {
                last = e; // taken by a network or route of this host: another one
            }
        }
        throw last;
    }
}
