package dev.stevedore.dsl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stevedore.dsl.fake.FakeEngine;
import dev.stevedore.dsl.internal.Session;
import dev.stevedore.engine.ContainerSpec;
import dev.stevedore.engine.ImageNotFoundException;
import dev.stevedore.engine.ImageReference;
import dev.stevedore.engine.PortBinding;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContainerHandleTest {
    private final FakeEngine engine = new FakeEngine();

    @Test
    void startTurnsTheDefinitionIntoAnEngineSpec(@TempDir Path dir) throws Exception {
        Path script = Files.writeString(dir.resolve("run.sh"), "#!/bin/sh\necho hi\n");
        script.toFile().setExecutable(true);
        engine.program("127.0.0.1:5000/team/api:1.4", p -> p.listen(8080));
        ContainerHandle api = Stevedore.container("127.0.0.1:5000/team/api:1.4", c -> c.name("api")
                .env("MODE", "test").expose(8080).command("serve", "--fast").label("team", "core")
                .copy(script, "/opt/run.sh").file("/etc/api/config", "debug=true")
                .engineSpec(spec -> spec.hostname("api-host")));
        api.start(engine);

        ContainerSpec spec = engine.container(api.id()).spec;
        assertThat(spec.name()).startsWith("api-").hasSize("api-".length() + 8).isEqualTo(api.engineName());
        assertThat(spec.env()).containsExactly("MODE=test");
        assertThat(spec.cmd()).containsExactly("serve", "--fast");
        assertThat(spec.entrypoint()).isNull();
        assertThat(spec.ports()).containsExactly(new PortBinding(8080, "tcp", "127.0.0.1", 0));
        assertThat(spec.labels()).containsEntry("team", "core").containsEntry(Session.NAME_LABEL, "api")
                .containsEntry(Session.SESSION_LABEL, Session.id());
        assertThat(spec.hostname()).isEqualTo("api-host");
        assertThat(engine.container(api.id()).files).containsKeys("/opt/run.sh", "/etc/api/config");
        assertThat(engine.container(api.id()).modes).containsEntry("/opt/run.sh", 0755).containsEntry("/etc/api/config", 0644);
        assertThat(api.endpoint(8080)).isEqualTo("127.0.0.1:" + api.port(8080));
        assertThat(api.httpUri(8080).toString()).isEqualTo("http://127.0.0.1:" + api.port(8080));
        assertThatThrownBy(() -> api.port(9090)).hasMessageContaining("does not publish port 9090; it publishes 8080/tcp → ");
        api.stop();
    }

    @Test
    void stopRemovesTheContainerAndStartingAgainMakesAFreshOne() {
        engine.program("busybox", p -> p.log("hello"));
        ContainerHandle box = Stevedore.container("busybox", c -> c.waitFor(Wait.logMessage("hello")));
        String first = box.start(engine).id();
        box.stop();
        assertThat(engine.containers()).isEmpty();
        assertThat(box.isRunning()).isFalse();
        assertThat(box.lastLogLines(5)).containsExactly("hello");
        box.stop(); // stopping what does not run does nothing

        String second = box.start(engine).id();
        assertThat(second).isNotEqualTo(first);
        assertThat(box.start(engine).id()).as("starting what runs does nothing").isEqualTo(second);
        box.close();
        assertThat(engine.containers()).isEmpty();
    }

    @Test
    void filesGoInAndComeOut() {
        ContainerHandle box = Stevedore.container("busybox").start(engine);
        box.writeFile("/tmp/greeting", "hej");
        assertThat(new String(box.readFile("/tmp/greeting"), StandardCharsets.UTF_8)).isEqualTo("hej");
        box.stop();
    }

    @Test
    void engineFailuresBeforeTheContainerExistsArePassedOnAsTheyAre() {
        ImageNotFoundException missing = new ImageNotFoundException("no postgres:99", "docker.io",
                ImageReference.parse("postgres:99"), 404);
        engine.failCreate("postgres:99", missing);
        ContainerHandle db = Stevedore.container("postgres:99");
        assertThatThrownBy(() -> db.start(engine)).isSameAs(missing);
        assertThat(db.isRunning()).isFalse();
    }

    @Test
    void networksAreCreatedForTheFirstContainerAndRemovedAfterTheLast() {
        NetworkHandle net = Stevedore.network("backend");
        ContainerHandle db = Stevedore.container("postgres:15", c -> c.name("db").network(net, "database"));
        ContainerHandle api = Stevedore.container("api:1", c -> c.name("api").network(net));
        db.start(engine);
        api.start(engine);
        String networkName = net.networkName();
        assertThat(networkName).startsWith("backend-");
        assertThat(engine.container(db.id()).spec.networkMode()).isEqualTo(networkName);
        assertThat(engine.container(db.id()).spec.networkAliases()).containsExactly("db", "database");
        db.stop();
        assertThat(engine.networkInfos()).hasSize(1);
        api.stop();
        assertThat(engine.networkInfos()).isEmpty();
        assertThat(net.isCreated()).isFalse();
        assertThat(engine.events).containsSubsequence("network+ " + networkName, "network- " + networkName);
    }

    @Test
    void secondNetworksAreConnectedBeforeTheStart() {
        NetworkHandle front = Stevedore.network("front");
        NetworkHandle back = Stevedore.network("back");
        ContainerHandle api = Stevedore.container("api:1", c -> c.name("api").network(front).network(back, "svc"));
        api.start(engine);
        List<String> events = engine.events;
        String connect = events.stream().filter(e -> e.startsWith("connect ")).findFirst().orElseThrow();
        assertThat(connect).endsWith(back.networkName() + " [api, svc]");
        assertThat(events.indexOf(connect)).isLessThan(events.indexOf("start " + api.engineName()));
        api.stop();
        assertThat(engine.networkInfos()).isEmpty();
    }
}
