package dev.stevedore.serve.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stevedore.engine.ContainerEngine;
import dev.stevedore.engine.EngineSettings;
import dev.stevedore.engine.internal.docker.DockerCli;
import dev.stevedore.engine.testbed.Testbed;
import dev.stevedore.serve.DockerApiServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What serve's inspect echoes as a create sent it — {@code Binds} and {@code Mounts} as sent, {@code NetworkDisabled}
 * with the mode and bindings sent, {@code AutoRemove}, {@code Annotations} — is the same after serve restarts on the
 * same state directory, and is what the test bed's dockerd answers for the same create.
 */
class ServeCreateEchoRestartIT {
    private static final String FORMAT = "{{json .HostConfig.Binds}} {{json .HostConfig.Mounts}} {{.HostConfig.NetworkMode}}"
            + " {{json .HostConfig.PortBindings}} {{.HostConfig.AutoRemove}} {{.Config.NetworkDisabled}}";

    /** What keeps a container of serve's engine past a restart of the server (the CLI's own label for run -d). */
    private static final List<String> KEPT = List.of("--label", "dev.stevedore.keep=true");

    @TempDir
    Path directory;
    private ContainerEngine engine;
    private DockerApiServer server;
    private final List<String> onDockerd = new ArrayList<>();
    private final List<String> volumesOnDockerd = new ArrayList<>();

    private Path startServe() {
        engine = ContainerEngine.embedded(EngineSettings.fromEnvironment().withStateDirectory(directory.resolve("state")));
        server = DockerApiServer.start(engine, DockerApiServer.Options.unixSocket(directory.resolve("docker.sock")));
        return server.socket().orElseThrow();
    }

    private void stopServe() {
        server.close();
        engine.close();
    }

    @Test
    void inspectEchoesTheCreateAsSentAfterServeRestartsAsDockerdDoes() throws IOException {
        Path dockerd = Testbed.get().dockerSocket().orElseThrow(() -> new AssertionError(
                "the test bed's dockerd is not up: run `testbed/dockerd up`"));
        Path serve = startServe();
        String busybox = Testbed.get().plainRegistry() + "/library/busybox:latest";
        Path source = Files.createDirectories(directory.resolve("bound"));
        String run = Long.toString(ProcessHandle.current().pid());
        List<List<String>> creates = List.of(
                // one Binds entry each: the docker CLI sends several in no fixed order
                List.of("-v", source + ":/data:ro", "-v", "/anonymous"),
                List.of("-v", "echo" + run + ":/vol"),
                List.of("--mount", "type=bind,source=" + source + ",target=/m,readonly",
                        "--mount", "type=volume,source=echo" + run + "m,target=/v"),
                List.of("--rm", "--network", "none"));
        Map<Path, List<String>> ids = new LinkedHashMap<>();
        for (Path socket : List.of(dockerd, serve)) {
            DockerCli.run(socket, "pull", "-q", busybox);
            List<String> made = new ArrayList<>();
            for (List<String> options : creates) {
                List<String> args = new ArrayList<>(List.of("create"));
                if (socket.equals(serve)) {
                    args.addAll(KEPT); // else the engine removes it when it closes, as it does a test's containers
                }
                args.addAll(options);
                args.addAll(List.of(busybox, "true"));
                made.add(last(DockerCli.run(socket, args.toArray(String[]::new))));
            }
            UnixHttp.Answer disabled = UnixHttp.json(socket, "POST", "/v1.41/containers/create", "{'Image':'" + busybox
                    + "','Labels':{'dev.stevedore.keep':'true'},'NetworkDisabled':true,'ExposedPorts':{'80/tcp':{}},'HostConfig':{'NetworkMode':'bridge',"
                    + "'PortBindings':{'80/tcp':[{'HostIp':'127.0.0.1','HostPort':''}]}}}");
            assertThat(disabled.status()).as(socket + ": " + disabled.body()).isEqualTo(201);
            made.add(disabled.json().path("Id").asText());
            ids.put(socket, made);
            if (socket.equals(dockerd)) {
                onDockerd.addAll(made);
                volumesOnDockerd.addAll(List.of("echo" + run, "echo" + run + "m"));
            }
        }
        UnixHttp.Answer annotated = UnixHttp.json(serve, "POST", "/v1.43/containers/create", "{'Image':'" + busybox
                + "','Labels':{'dev.stevedore.keep':'true'},'HostConfig':{'Annotations':{'io.example.owner':'team-a'},'Binds':['" + source + ":/data']}}");
        assertThat(annotated.status()).as(annotated.body()).isEqualTo(201);
        String annotatedId = annotated.json().path("Id").asText();
        List<String> before = inspect(serve, ids.get(serve));

        stopServe();
        serve = startServe();

        List<String> after = inspect(serve, ids.get(serve));
        assertThat(after).isEqualTo(before).isEqualTo(inspect(dockerd, ids.get(dockerd)));
        assertThat(after.get(0)).isEqualTo("[\"" + source + ":/data:ro\"] null default {} false false");
        assertThat(after.get(1)).isEqualTo("[\"echo" + run + ":/vol\"] null default {} false false");
        assertThat(after.get(3)).isEqualTo("null null none {} true false");
        JsonNode host = UnixHttp.call(serve, "GET", "/v1.43/containers/" + annotatedId + "/json").json().path("HostConfig");
        assertThat(host.path("Annotations").toString()).isEqualTo("{\"io.example.owner\":\"team-a\"}");
        assertThat(host.path("Binds").toString()).isEqualTo("[\"" + source + ":/data\"]");
    }

    @Test
    void anAutoRemoveContainerThatEndsAfterServeStoppedIsRemovedOnceServeIsBack() {
        Path serve = startServe();
        String busybox = Testbed.get().plainRegistry() + "/library/busybox:latest";
        DockerCli.run(serve, "pull", "-q", busybox);
        String kept = last(DockerCli.run(serve, "create", "--label", "dev.stevedore.keep=true", busybox, "true"));
        String removed = last(DockerCli.run(serve, "run", "-d", "--rm", "--label", "dev.stevedore.keep=true", busybox,
                "sleep", "2"));

        stopServe(); // a kept container runs on without the server that was to remove it
        Path again = startServe();

        // ended while the server was down (removed at its start) or after (removed when it exits), as dockerd does
        await().atMost(Duration.ofSeconds(60)).until(() -> DockerCli.run(again, "ps", "-aq", "--no-trunc").equals(List.of(kept)));
        assertThat(removed).isNotEqualTo(kept);
    }

    private static String last(List<String> lines) {
        return lines.get(lines.size() - 1).trim();
    }

    @Test
    void anAnnotationUnderServesOwnPrefixIsRefusedNamingIt() throws IOException {
        Path serve = startServe();
        UnixHttp.Answer answer = UnixHttp.json(serve, "POST", "/v1.43/containers/create", "{'Image':'busybox',"
                + "'HostConfig':{'Annotations':{'dev.stevedore.serve.host-config':'{}'}}}");

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.json().path("message").asText())
                .startsWith("HostConfig.Annotations key \"dev.stevedore.serve.host-config\" is not supported by stevedore serve");
    }

    @AfterEach
    void removeWhatWasMade() {
        if (server != null) {
            Path serve = server.socket().orElseThrow();
            DockerCli.run(serve, "ps", "-aq").forEach(id -> quietly(serve, "rm", "-f", "-v", id.trim()));
            DockerCli.run(serve, "volume", "ls", "-q").forEach(volume -> quietly(serve, "volume", "rm", "-f", volume.trim()));
            stopServe();
        }
        Testbed.get().dockerSocket().ifPresent(dockerd -> {
            onDockerd.forEach(id -> quietly(dockerd, "rm", "-f", "-v", id));
            volumesOnDockerd.forEach(volume -> quietly(dockerd, "volume", "rm", "-f", volume));
        });
    }

    private static void quietly(Path socket, String... args) {
        try {
            DockerCli.run(socket, args);
        } catch (RuntimeException e) {
            // gone already
        }
    }

    /** What {@link #FORMAT} prints for each container, in order. */
    private static List<String> inspect(Path socket, List<String> ids) {
        List<String> lines = new ArrayList<>();
        for (String id : ids) {
            lines.add(String.join("\n", DockerCli.run(socket, "inspect", "-f", FORMAT, id)).trim());
        }
        return lines;
    }
}
