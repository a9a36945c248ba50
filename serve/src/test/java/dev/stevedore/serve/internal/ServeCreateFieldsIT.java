package dev.stevedore.serve.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stevedore.engine.internal.docker.DockerCli;
import dev.stevedore.engine.testbed.Testbed;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code POST /containers/create} with each field that serve used to accept and drop (#17), sent as raw HTTP the
 * way Docker clients send it, to serve and to the test bed's dockerd in the same run: serve honours the field (the
 * inspect document shows it applied) or answers 400 naming it, never 201 with the field gone. dockerd's answer is
 * asserted too, so that what serve refuses is known to be something dockerd does.
 */
class ServeCreateFieldsIT extends ServeWithDockerCli {
    private final Path dockerd = Testbed.get().dockerSocket().orElseThrow(() -> new AssertionError(
            "the test bed's dockerd is not up: run `testbed/dockerd up`"));
    private final List<String> onDockerd = new ArrayList<>();

    @AfterAll
    void removeDockerdContainers() throws IOException {
        for (String id : onDockerd) {
            http(dockerd, "DELETE", "/containers/" + id + "?force=true&v=true", null);
        }
    }

    @Test
    void privilegedIsTakenAndEchoedByInspectLikeDockerd() throws IOException {
        DockerCli.run(dockerd, "pull", "-q", busybox);
        // dockerd takes it at create (on this host it fails at start, missing CAP_SYS_RESOURCE): inspect is compared
        String body = "{'Image':'" + busybox + "','Cmd':['true'],'HostConfig':{'Privileged':true}}";
        Answer docker = http(dockerd, "POST", "/v1.41/containers/create", body);
        assertThat(docker.status()).as("dockerd: " + docker.text()).isEqualTo(201);
        onDockerd.add(docker.json().path("Id").asText());
        Answer serve = http(socket, "POST", "/v1.41/containers/create", body);
        assertThat(serve.status()).as("serve: " + serve.text()).isEqualTo(201);

        for (Map.Entry<Path, String> created : Map.of(dockerd, docker.json().path("Id").asText(),
                socket, serve.json().path("Id").asText()).entrySet()) {
            Answer inspect = http(created.getKey(), "GET", "/v1.41/containers/" + created.getValue() + "/json", null);
            assertThat(inspect.json().path("HostConfig").path("Privileged").asBoolean(false)).as(created.getKey().toString())
                    .isTrue();
        }
        http(socket, "DELETE", "/containers/" + serve.json().path("Id").asText() + "?force=true", null);
    }

    @Test
    void capAddAndCapDropAreHonouredLikeDockerd() {
        DockerCli.run(dockerd, "pull", "-q", busybox);
        Map<Path, List<String>> effective = new LinkedHashMap<>();
        Map<Path, List<String>> inspected = new LinkedHashMap<>();
        for (Path server : List.of(dockerd, socket)) {
            effective.put(server, withoutWarnings(DockerCli.run(server, "run", "--rm", "--cap-add", "NET_ADMIN", "--cap-add", "cap_sys_time",
                    "--cap-drop", "NET_RAW", busybox, "sh", "-c", "grep -E '^Cap(Eff|Bnd)' /proc/self/status; ip link set lo mtu 1400"
                            + " && echo mtu-set")));
            String id = withoutWarnings(DockerCli.run(server, "create", "--cap-drop", "ALL", "--cap-add", "chown", busybox, "true"))
                    .get(0);
            inspected.put(server, DockerCli.run(server, "inspect", "-f", "{{json .HostConfig.CapAdd}} {{json .HostConfig.CapDrop}}", id));
            DockerCli.run(server, "rm", id);
        }

        assertThat(effective.get(socket)).isEqualTo(effective.get(dockerd))
                .containsExactly("CapEff:\t00000000aa0415fb", "CapBnd:\t00000000aa0415fb", "mtu-set");
        assertThat(inspected.get(socket)).isEqualTo(inspected.get(dockerd));
    }

    @Test
    void extraHostsAndResolverSettingsAreHonouredLikeDockerd() {
        Map<Path, Outcome> outcomes = onBoth("{{json .HostConfig.ExtraHosts}} {{json .HostConfig.Dns}} {{json .HostConfig.DnsSearch}}"
                + " {{json .HostConfig.DnsOptions}}", "--add-host", "db:10.1.2.3", "--add-host", "gw:host-gateway", "--dns",
                "10.0.0.53", "--dns-search", "example.org", "--dns-option", "ndots:2", busybox, "sh", "-c",
                // host-gateway's address differs from one daemon to the other; that it reaches the host does not
                "grep -w db /etc/hosts; ping -c 1 -W 5 gw >/dev/null && echo gw-answers; cat /etc/resolv.conf");

        assertThat(outcomes.get(socket)).isEqualTo(outcomes.get(dockerd));
        assertThat(outcomes.get(socket).output()).containsExactly("10.1.2.3\tdb", "gw-answers", "search example.org",
                "nameserver 10.0.0.53", "options ndots:2");
        assertThat(outcomes.get(socket).inspected())
                .containsExactly("[\"db:10.1.2.3\",\"gw:host-gateway\"] [\"10.0.0.53\"] [\"example.org\"] [\"ndots:2\"]");
    }

    @Test
    void ulimitsAreHonouredLikeDockerd() {
        Map<Path, Outcome> outcomes = onBoth("{{json .HostConfig.Ulimits}}", "--ulimit", "nofile=1024:2048", "--ulimit", "nproc=512",
                busybox, "sh", "-c", "ulimit -n; ulimit -Hn; ulimit -u");

        assertThat(outcomes.get(socket)).isEqualTo(outcomes.get(dockerd));
        assertThat(outcomes.get(socket).output()).containsExactly("1024", "2048", "512");
    }

    @Test
    void volumesFromIsHonouredLikeDockerd() throws IOException {
        DockerCli.run(dockerd, "pull", "-q", busybox);
        Path bound = Files.createTempDirectory("serve-volumes-from");
        Files.writeString(bound.resolve("file"), "from-bind\n");
        String volume = "volfrom-" + UUID.randomUUID();
        Map<Path, Outcome> outcomes = new LinkedHashMap<>();
        for (Path server : List.of(dockerd, socket)) {
            String source = withoutWarnings(DockerCli.run(server, "create", "-v", volume + ":/v", "-v", bound + ":/b:ro", busybox,
                    "sh", "-c", "echo from-volume > /v/file")).get(0);
            DockerCli.run(server, "start", "-a", source);
            String reader = withoutWarnings(DockerCli.run(server, "create", "--volumes-from", source + ":ro", busybox, "sh", "-c",
                    "cat /v/file /b/file; touch /v/x 2>/dev/null || echo v-read-only")).get(0);
            DockerCli.run(server, "start", reader);
            DockerCli.run(server, "wait", reader);
            assertThat(DockerCli.run(server, "inspect", "-f", "{{json .HostConfig.VolumesFrom}}", reader)).as(server.toString())
                    .containsExactly("[\"" + source + ":ro\"]");
            outcomes.put(server, new Outcome(DockerCli.run(server, "logs", reader), DockerCli.run(server, "inspect", "-f",
                    "{{range .Mounts}}{{println .Type .Destination .RW}}{{end}}", reader).stream().filter(l -> !l.isBlank())
                    .sorted().toList()));
            DockerCli.run(server, "rm", reader, source);
            DockerCli.run(server, "volume", "rm", volume);
            assertThatThrownBy(() -> DockerCli.run(server, "create", "--volumes-from", volume, busybox, "true"))
                    .as(server + ": a missing container").hasMessageContaining("No such container: " + volume);
        }
        Files.delete(bound.resolve("file"));
        Files.delete(bound);

        assertThat(outcomes.get(socket)).isEqualTo(outcomes.get(dockerd));
        assertThat(outcomes.get(socket).output()).containsExactly("from-volume", "from-bind", "v-read-only");
        assertThat(outcomes.get(socket).inspected()).containsExactly("bind /b false", "volume /v false");
    }

    /** What a container printed and what inspect answered for it. */
    private record Outcome(List<String> output, List<String> inspected) {
    }

    /**
     * {@code docker create ARGUMENTS}, start, wait, logs and {@code inspect -f FORMAT}, the same on dockerd and on serve;
     * each container removed after.
     */
    private Map<Path, Outcome> onBoth(String format, String... createArguments) {
        DockerCli.run(dockerd, "pull", "-q", busybox);
        Map<Path, Outcome> outcomes = new LinkedHashMap<>();
        for (Path server : List.of(dockerd, socket)) {
            List<String> create = new ArrayList<>(List.of("create"));
            create.addAll(List.of(createArguments));
            String id = withoutWarnings(DockerCli.run(server, create.toArray(String[]::new))).get(0);
            DockerCli.run(server, "start", id);
            DockerCli.run(server, "wait", id);
            outcomes.put(server, new Outcome(DockerCli.run(server, "logs", id), DockerCli.run(server, "inspect", "-f", format, id)));
            DockerCli.run(server, "rm", id);
        }
        return outcomes;
    }

    @Test
    void devicesAreHonouredLikeDockerd() {
        // /dev/fuse is 10:229; given read-only, an open for writing is refused by the device policy on both
        Map<Path, Outcome> outcomes = onBoth("{{json .HostConfig.Devices}}", "--device", "/dev/fuse:/dev/f:r", busybox, "sh",
                "-c", "stat -c '%t:%T' /dev/f; (exec 3</dev/f) && echo read; (exec 3<>/dev/f) 2>/dev/null && echo rw || echo rw-refused");

        assertThat(outcomes.get(socket)).isEqualTo(outcomes.get(dockerd));
        assertThat(outcomes.get(socket).output()).containsExactly("a:e5", "read", "rw-refused");
        assertThat(outcomes.get(socket).inspected())
                .containsExactly("[{\"PathOnHost\":\"/dev/fuse\",\"PathInContainer\":\"/dev/f\",\"CgroupPermissions\":\"r\"}]");
        for (Path server : List.of(dockerd, socket)) {
            assertThatThrownBy(() -> DockerCli.run(server, "run", "--rm", "--device", "/etc/hostname", busybox, "true"))
                    .as(server.toString()).hasMessageContaining(
                            "error gathering device information while adding custom device \"/etc/hostname\": not a device node");
        }
    }

    @Test
    void aMacAddressIsHonouredLikeDockerd() throws IOException {
        // raw HTTP: the docker CLI sends --mac-address per network, which needs API 1.44 (the test bed's dockerd has 1.41)
        DockerCli.run(dockerd, "pull", "-q", busybox);
        String mac = "02:42:ac:11:0e:98";
        Map<Path, List<String>> seen = new LinkedHashMap<>();
        for (Path server : List.of(dockerd, socket)) {
            Answer created = http(server, "POST", "/v1.41/containers/create", "{'Image':'" + busybox + "','Cmd':['sleep','600'],"
                    + "'MacAddress':'" + mac + "'}");
            assertThat(created.status()).as(server + ": " + created.text()).isEqualTo(201);
            String id = created.json().path("Id").asText();
            try {
                assertThat(http(server, "POST", "/v1.41/containers/" + id + "/start", null).status()).isEqualTo(204);
                JsonNode inspected = http(server, "GET", "/v1.41/containers/" + id + "/json", null).json();
                seen.put(server, List.of(inspected.path("Config").path("MacAddress").asText(),
                        inspected.path("NetworkSettings").path("MacAddress").asText(),
                        inspected.path("NetworkSettings").path("Networks").path("bridge").path("MacAddress").asText(),
                        DockerCli.run(server, "exec", id, "cat", "/sys/class/net/eth0/address").get(0)));
            } finally {
                http(server, "DELETE", "/v1.41/containers/" + id + "?force=true", null);
            }
        }

        assertThat(seen.get(socket)).isEqualTo(seen.get(dockerd)).containsExactly(mac, mac, mac, mac);
    }

    @Test
    void anUnknownCapabilityIsRefusedOnBothLikeDockerd() {
        for (Path server : List.of(dockerd, socket)) {
            assertThatThrownBy(() -> DockerCli.run(server, "create", "--cap-add", "FLY", busybox, "true")).as(server.toString())
                    .hasMessageContaining("unknown capability");
        }
    }

    @Test
    void networkDisabledLeavesOnlyLoopbackWhateverTheModeOnBothLikeDockerd() throws IOException {
        DockerCli.run(dockerd, "pull", "-q", busybox);
        Map<Path, List<String>> seen = new LinkedHashMap<>();
        for (Path server : List.of(dockerd, socket)) {
            List<String> lines = new ArrayList<>();
            for (String mode : List.of("bridge", "host")) {
                Answer created = http(server, "POST", "/v1.41/containers/create", "{'Image':'" + busybox + "','Cmd':['sh','-c',"
                        + "'ls /sys/class/net'],'NetworkDisabled':true,'ExposedPorts':{'80/tcp':{}},'HostConfig':{'NetworkMode':'"
                        + mode + "','PortBindings':{'80/tcp':[{'HostIp':'127.0.0.1','HostPort':''}]}}}");
                assertThat(created.status()).as(server + ": " + created.text()).isEqualTo(201);
                String id = created.json().path("Id").asText();
                if (server.equals(dockerd)) {
                    onDockerd.add(id);
                }
                lines.addAll(DockerCli.run(server, "start", "-a", id));
                JsonNode inspect = http(server, "GET", "/v1.41/containers/" + id + "/json", null).json();
                lines.add(inspect.path("Config").path("NetworkDisabled").asText() + " "
                        + inspect.path("HostConfig").path("NetworkMode").asText() + " " + inspect.path("NetworkSettings").path("Networks")
                        + " " + inspect.path("NetworkSettings").path("Ports") + " " + inspect.path("HostConfig").path("PortBindings"));
                JsonNode listed = http(server, "GET", "/v1.41/containers/json?all=1&filters=%7B%22id%22%3A%5B%22" + id + "%22%5D%7D",
                        null).json().path(0);
                lines.add("ps: " + listed.path("HostConfig").path("NetworkMode").asText() + " " + listed.path("NetworkSettings")
                        + " " + listed.path("Ports"));
                if (server.equals(socket)) {
                    http(socket, "DELETE", "/containers/" + id + "?force=true", null);
                }
            }
            seen.put(server, lines);
        }

        String sentBindings = "{\"80/tcp\":[{\"HostIp\":\"127.0.0.1\",\"HostPort\":\"\"}]}";
        assertThat(seen.get(socket)).isEqualTo(seen.get(dockerd))
                .startsWith("lo", "true bridge {} {} " + sentBindings, "ps: bridge {\"Networks\":{}} []", "lo");
    }

    @Test
    void fieldsServeDoesNotKnowAreRefusedByName() throws IOException {
        Answer serve = http(socket, "POST", "/containers/create", "{'Image':'" + busybox + "','HostConfig':{'Runtime':'crun'}}");

        assertThat(serve.status()).isEqualTo(400);
        assertThat(serve.json().path("message").asText()).startsWith("HostConfig.Runtime is not supported");
    }

    /** {@code --runtime runc} and {@code --isolation default} change nothing on Linux; dockerd takes both. */
    @Test
    void theDefaultRuntimeAndIsolationAreTakenAsOnDockerd() {
        for (Path server : List.of(dockerd, socket)) {
            String id = DockerCli.run(server, "create", "--runtime", "runc", "--isolation", "default", busybox, "true")
                    .stream().filter(l -> l.matches("[0-9a-f]{64}")).findFirst().orElseThrow();
            try {
                assertThat(DockerCli.run(server, "inspect", "-f", "{{.HostConfig.Runtime}}", id)).as("on %s", server)
                        .containsExactly("runc");
            } finally {
                DockerCli.run(server, "rm", id);
            }
        }
    }

    @Test
    void configVolumesAreHonouredAsAnonymousVolumesOnBothLikeDockerd() throws IOException {
        DockerCli.run(dockerd, "pull", "-q", busybox);
        String body = "{'Image':'" + busybox + "','Cmd':['true'],'volumes':{'/data':{}}}";
        for (Path server : List.of(dockerd, socket)) {
            Answer created = http(server, "POST", "/containers/create", body);
            assertThat(created.status()).as(server + ": " + created.text()).isEqualTo(201);
            String id = created.json().path("Id").asText();
            if (server.equals(dockerd)) {
                onDockerd.add(id);
            }
            JsonNode mounts = http(server, "GET", "/containers/" + id + "/json", null).json().path("Mounts");

            assertThat(mounts).as(server.toString()).anySatisfy(m -> {
                assertThat(m.path("Type").asText()).isEqualTo("volume");
                assertThat(m.path("Destination").asText()).isEqualTo("/data");
            });
        }
    }

    @Test
    void zeroValuesAsTheDockerCliSendsThemAreAccepted() throws IOException {
        Answer created = http(socket, "POST", "/containers/create", "{'Image':'" + busybox + "','Cmd':['true'],'Domainname':'',"
                + "'HostConfig':{'Dns':[],'DnsOptions':[],'DnsSearch':[],'Links':null,'Ulimits':null,'CpuShares':0,"
                + "'LogConfig':{'Type':'','Config':{}},'RestartPolicy':{'Name':'no','MaximumRetryCount':0},'ConsoleSize':[0,0]}}");

        assertThat(created.status()).as(created.text()).isEqualTo(201);
    }

    /** The output without the warnings the test bed's dockerd prints at create (its host forwards no IPv4). */
    private static List<String> withoutWarnings(List<String> lines) {
        return lines.stream().filter(l -> !l.startsWith("WARNING: ")).toList();
    }

    private record Answer(int status, String text) {
        JsonNode json() throws IOException {
            return Json.MAPPER.readTree(text);
        }
    }

    /** One request over a unix socket, as a Docker client sends it; the connection closes after the answer. */
    private static Answer http(Path socket, String method, String path, String json) throws IOException {
        byte[] body = json == null ? new byte[0] : json.replace('\'', '"').getBytes(StandardCharsets.UTF_8);
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            OutputStream out = Channels.newOutputStream(channel);
            out.write((method + " " + path + " HTTP/1.1\r\nHost: docker\r\nConnection: close\r\n"
                    + (json == null ? "" : "Content-Type: application/json\r\n") + "Content-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            InputStream in = Channels.newInputStream(channel);
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            in.transferTo(answer);
            String text = answer.toString(StandardCharsets.UTF_8);
            int status = Integer.parseInt(text.substring(9, 12));
            String head = text.substring(0, text.indexOf("\r\n\r\n"));
            String rest = text.substring(head.length() + 4);
            return new Answer(status, head.toLowerCase().contains("transfer-encoding: chunked") ? unchunk(rest) : rest);
        }
    }

    private static String unchunk(String chunked) {
        StringBuilder text = new StringBuilder();
        int at = 0;
        while (true) {
            int end = chunked.indexOf("\r\n", at);
            int size = Integer.parseInt(chunked.substring(at, end).strip(), 16);
            if (size == 0) {
                return text.toString();
            }
            text.append(chunked, end + 2, end + 2 + size);
            at = end + 2 + size + 2;
        }
    }
}
