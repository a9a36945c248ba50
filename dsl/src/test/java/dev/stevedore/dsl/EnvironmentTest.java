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
            e.container("db", Database.SERVICE, db -> db.version = "15");
            e.container("cache", "redis:7");
        });
        assertThat(env.container("db", Database.class).definition().image()).isEqualTo("db:15");
        assertThatThrownBy(() -> env.container("api"))
                .hasMessage("the environment has no container \"api\"; it has \"db\", \"cache\"");
        assertThatThrownBy(() -> env.container("cache", Database.class))
                .hasMessage("container \"cache\" is a ContainerHandle, not a Database");
    }

    @Test
    void aServicesMistakesNameTheEnvironmentsPlaceAndItKeepsTheDeclaredName() {
        assertThatThrownBy(() -> Stevedore.environment(e -> e.container("db", Database.SERVICE, db -> db.version = "")))
                .isInstanceOf(InvalidDefinitionException.class)
                .hasMessage("environment: container \"db\": no version");
        Service<Database.Spec, Database> renaming = (name, configurer) -> Database.SERVICE.define("other", configurer);
        assertThatThrownBy(() -> Stevedore.environment(e -> e.container("db", renaming, db -> db.version = "15")))
                .hasMessage("environment: container \"db\": the service named it \"other\"; a service's container keeps "
                        + "the name it is declared with");
    }

    /** A ready-made service as another module would write one. */
    static final class Database extends ContainerHandle {
        static final Service<Spec, Database> SERVICE = (name, configurer) -> {
            Spec spec = new Spec();
            configurer.configure(spec);
            if (spec.version.isEmpty()) {
                throw new InvalidDefinitionException("container \"" + name + "\"", "no version");
            }
            return new Database(ContainerDefinition.of("db:" + spec.version, c -> c.name(name)));
        };

        static final class Spec {
            String version = "1";
        }

        private Database(ContainerDefinition definition) {
            super(definition);
        }
    }
}
