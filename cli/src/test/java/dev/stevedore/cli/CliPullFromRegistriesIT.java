package dev.stevedore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stevedore.engine.testbed.Testbed;
import dev.stevedore.engine.testbed.TokenIssuer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code stevedore pull} of every test image from each of the test bed's registries, as a user runs it:
 * the packaged jar in a child JVM, credentials in a {@code config.json} named by {@code DOCKER_CONFIG}, the
 * test bed's CA in a {@code certs.d} named by {@code STEVEDORE_CERTS_D}. The token registry's issuer runs in
 * this JVM.
 */
class CliPullFromRegistriesIT {
    private static Testbed testbed;
    private static Path jar;

    @TempDir
    Path home;
    @TempDir
    Path dockerConfig;

    @BeforeAll
    static void testbed() {
        testbed = Testbed.get();
        TokenIssuer.ensureRunning(testbed);
        jar = Path.of(System.getProperty("stevedore.jar", "target/stevedore.jar")).toAbsolutePath();
    }

    @ParameterizedTest
    @ValueSource(strings = {"plain", "tls", "token"})
    void pullsEveryTestImageAndListsIt(String kind) throws Exception {
        String registry = switch (kind) {
            case "plain" -> testbed.plainRegistry();
            case "tls" -> testbed.tlsRegistry();
            default -> testbed.tokenRegistry();
        };
        Path config = testbed.writeDockerConfig(dockerConfig, Map.of(
                testbed.tlsRegistry(), new String[] {testbed.tlsUser(), testbed.tlsPassword()},
                testbed.tokenRegistry(), new String[] {testbed.tokenUser(), testbed.tokenPassword()}));
        for (String image : testbed.images()) {
            String[] result = stevedore(config.getParent(), "pull", registry + "/" + image);
            assertThat(result[0]).as("exit code of pull %s; stderr: %s", image, result[2]).isEqualTo("0");
            assertThat(result[1]).contains("Digest: sha256:").endsWith(registry + "/" + image + "\n");
        }
        String[] images = stevedore(config.getParent(), "images");
        for (String image : testbed.images()) {
            String repository = registry + "/" + image.substring(0, image.indexOf(':'));
            String tag = image.substring(image.indexOf(':') + 1);
            assertThat(images[1].lines()).as("images lists %s", image)
                    .anyMatch(line -> line.matches(java.util.regex.Pattern.quote(repository) + " +" + java.util.regex.Pattern.quote(tag) + " .*"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tls", "token"})
    void withoutCredentialsThePullFailsNamingTheRegistryAndHowToLogIn(String kind) throws Exception {
        String registry = kind.equals("tls") ? testbed.tlsRegistry() : testbed.tokenRegistry();
        String[] result = stevedore(dockerConfig, "pull", registry + "/library/postgres:15");
        assertThat(result[0]).isEqualTo("1");
        assertThat(result[2]).contains(registry, "library/postgres", "docker login");
    }

    /** Exit code, stdout and stderr of the packaged CLI. */
    private String[] stevedore(Path dockerConfigDir, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(home, "out", ".txt");
        Path err = Files.createTempFile(home, "err", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().put("STEVEDORE_HOME", home.resolve("state").toString());
        builder.environment().put("DOCKER_CONFIG", dockerConfigDir.toString());
        builder.environment().put("STEVEDORE_CERTS_D", testbed.certsDirectory().toString());
        Process process = builder.start();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("stevedore " + String.join(" ", args) + " did not finish in 5 minutes");
        }
        return new String[] {Integer.toString(process.exitValue()), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8)};
    }
}
