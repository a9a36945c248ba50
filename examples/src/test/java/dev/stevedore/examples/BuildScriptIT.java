package dev.stevedore.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stevedore.dsl.Engines;
import dev.stevedore.engine.testbed.Testbed;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * CI runs the build scripts of {@code examples/scripts} the way a user does, each with its runner in a process of its
 * own, on the engine this build tests: {@code postgres.jsh} with the JDK's {@code jshell}, {@code postgres.main.kts}
 * with the Kotlin compiler and scripting host from Maven Central, both against the built jars.
 */
class BuildScriptIT {

    /** What a run printed (stdout and stderr) and how it ended. */
    private record Run(int exitCode, String output) {
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"run-jshell.sh, scripts/postgres.jsh", "run-kotlin.sh, scripts/postgres.main.kts"})
    void thePostgresScriptAppliesSqlPrintsTheJdbcUrlAndStops(String runner, String script) throws Exception {
        Testbed.get();

        Run run = run(runner, script, 8);

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output()).containsPattern("JDBC URL: jdbc:postgresql://127\\.0\\.0\\.1:\\d+/harbour \\(user test, password test\\)")
                .contains("ship Weser at berth 1\nship Ems at berth 2\nship Elbe at berth 3\nstopped");
        assertThat(Engines.shared().containers(true, Map.of("dev.stevedore.name", "harbour-db")))
                .as("the script's container is gone").isEmpty();
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"run-jshell.sh, scripts/no-such.jsh", "run-kotlin.sh, scripts/no-such.main.kts"})
    void theRunnerSaysWhatIsMissing(String runner, String script) throws Exception {
        Run run = run(runner, script, 1);

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.output()).isEqualTo(runner + ": no script " + script + "\n");
        assertThat(Files.readString(Path.of("target/jshell.classpath"))).contains("stevedore-dsl").contains("stevedore-engine");
    }

    private static Run run(String runner, String script, int minutes) throws Exception {
        Path runnerPath = Path.of("scripts", runner).toAbsolutePath();
        assertThat(runnerPath).isExecutable();
        ProcessBuilder builder = new ProcessBuilder("bash", runnerPath.toString(), script).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        pass(env, "STEVEDORE_ENGINE", "stevedore.engine");
        pass(env, "STEVEDORE_HOME", "stevedore.home");
        pass(env, "STEVEDORE_REGISTRY_MIRROR", "stevedore.registry.mirror");
        pass(env, "DOCKER_HOST", "docker.host");
        pass(env, "STEVEDORE_POSTGRES_CACHE", "stevedore.postgres.cache");
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(minutes, TimeUnit.MINUTES)).as("the script ended").isTrue();
        return new Run(process.exitValue(), output);
    }

    /** Hands the engine settings this JVM got (system properties from the build, or the environment) to the script. */
    private static void pass(Map<String, String> env, String variable, String property) {
        String value = System.getProperty(property);
        if (value != null && !value.isBlank()) {
            env.put(variable, value);
        }
    }
}
