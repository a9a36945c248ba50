package dev.stevedore.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stevedore.dsl.Engines;
import dev.stevedore.engine.testbed.Testbed;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * CI runs the JShell build script the way a user does: {@code examples/scripts/run-jshell.sh} with the JDK's
 * {@code jshell} against the built jars, on the engine this build tests.
 */
class JshellScriptIT {

    @Test
    void thePostgresScriptAppliesSqlPrintsTheJdbcUrlAndStops() throws Exception {
        Testbed.get();
        Path runner = Path.of("scripts/run-jshell.sh").toAbsolutePath();
        assertThat(runner).isExecutable();
        ProcessBuilder builder = new ProcessBuilder("bash", runner.toString(), "scripts/postgres.jsh").redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        pass(env, "STEVEDORE_ENGINE", "stevedore.engine");
        pass(env, "STEVEDORE_HOME", "stevedore.home");
        pass(env, "STEVEDORE_REGISTRY_MIRROR", "stevedore.registry.mirror");
        pass(env, "DOCKER_HOST", "docker.host");
        pass(env, "STEVEDORE_POSTGRES_CACHE", "stevedore.postgres.cache");
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).as("the script ended").isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).containsPattern("JDBC URL: jdbc:postgresql://127\\.0\\.0\\.1:\\d+/harbour \\(user test, password test\\)")
                .contains("ship Weser at berth 1\nship Ems at berth 2\nship Elbe at berth 3\nstopped");
        assertThat(Engines.shared().containers(true, Map.of("dev.stevedore.name", "harbour-db")))
                .as("the script's container is gone").isEmpty();
    }

    @Test
    void theRunnerSaysWhatIsMissing() throws IOException, InterruptedException {
        Path runner = Path.of("scripts/run-jshell.sh").toAbsolutePath();
        Process process = new ProcessBuilder("bash", runner.toString(), "scripts/no-such.jsh").redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(1, TimeUnit.MINUTES)).isTrue();
        assertThat(process.exitValue()).isEqualTo(2);
        assertThat(output).contains("no script scripts/no-such.jsh");
        assertThat(Files.readString(Path.of("target/jshell.classpath"))).contains("stevedore-dsl").contains("stevedore-engine");
        assertThat(List.of(output.split("\n"))).hasSize(1);
    }

    /** Hands the engine settings this JVM got (system properties from the build, or the environment) to the script. */
    private static void pass(Map<String, String> env, String variable, String property) {
        String value = System.getProperty(property);
        if (value != null && !value.isBlank()) {
            env.put(variable, value);
        }
    }
}
