package dev.stevedore.dsl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stevedore.dsl.fake.FakeEngine;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class EnvironmentTest {
    private final FakeEngine engine = new FakeEngine();

    @Test
    void aContainerIsCreatedOnlyOnceWhatItDependsOnIsReady() {
        engine.program("db:1", p -> p.log("ready"));
        Environment env = Stevedore.environment(e -> {
            ContainerHandle db = e.container("db", "db:1", c -> c.waitFor(Wait.logMessage("ready")));
            e.container("api", "api:1", c -> c.dependsOn(db));
        });
        env.start(engine);
        String db = env.container("db").engineName();
        String api = env.container("api").engineName();
        assertThat(engine.events).containsSubsequence("create " + db, "start " + db, "create " + api, "start " + api);
        env.stop();
        assertThat(engine.events).containsSubsequence("remove " + api, "remove " + db);
        assertThat(engine.containers()).isEmpty();
    }

    @Test
    void independentContainersStartAtTheSameTime() {
        // each is ready only once both run: started one after the other, the first would time out
        CountDownLatch bothRunning = new CountDownLatch(2);
        FakeEngine parallel = engine.program("a:1", p -> {
            bothRunning.countDown();
            p.await(bothRunning).log("go");
        }).program("b:1", p -> {
            bothRunning.countDown();
            p.await(bothRunning).log("go");
        });
        Environment env = Stevedore.environment(e -> {
            e.container("a", "a:1", c -> c.waitFor(Wait.logMessage("go")).startupTimeout(Duration.ofSeconds(10)));
            e.container("b", "b:1", c -> c.waitFor(Wait.logMessage("go")).startupTimeout(Duration.ofSeconds(10)));
        });
        env.start(parallel);
        assertThat(env.containers()).allMatch(ContainerHandle::isReady);
        env.close();
    }

    @Test
    void whenOneFailsTheOthersAreStoppedAndItsFailureThrown() {
        engine.program("bad:1", p -> p.exit(2));
        Environment env = Stevedore.environment(e -> {
            var net = e.network("backend");
            e.container("good", "good:1", c -> c.network(net));
            e.container("bad", "bad:1", c -> c.network(net).waitFor(Wait.logMessage("never")));
        });
        assertThatThrownBy(() -> env.start(engine))
                .isInstanceOf(ContainerNotReadyException.class)
                .hasMessageStartingWith("container \"bad\" (bad:1) exited with code 2");
        assertThat(engine.containers()).isEmpty();
        assertThat(engine.networkInfos()).isEmpty();
        assertThat(env.isRunning()).isFalse();
    }

    @Test
    void containersAreFoundByNameAndType() {
        Environment env = Stevedore.environment(e -> {
            e.postgres("db", pg -> pg.version("15"));
            e.container("cache", "redis:7");
        });
        assertThat(env.postgres("db").databaseName()).isEqualTo("test");
        assertThatThrownBy(() -> env.container("api"))
                .hasMessage("the environment has no container \"api\"; it has \"db\", \"cache\"");
        assertThatThrownBy(() -> env.container("cache", PostgresContainer.class))
                .hasMessage("container \"cache\" is a ContainerHandle, not a PostgresContainer");
    }
}
