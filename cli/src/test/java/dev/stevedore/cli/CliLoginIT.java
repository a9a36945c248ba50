package dev.stevedore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stevedore.engine.testbed.Testbed;
import dev.stevedore.engine.testbed.TokenIssuer;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code stevedore login}/{@code logout} as a user runs them (the packaged command, a {@code DOCKER_CONFIG} of the
 * test's own) against the test bed's Basic-auth (TLS) and token registries, compared with the real docker CLI logging in
 * to the same registry through the test bed's dockerd: the same {@code config.json}, byte for byte; then a pull of an
 * image only the user may read works with no other setup; a wrong password fails with the registry's answer and
 * writes nothing; logout leaves what docker's logout leaves.
 */
class CliLoginIT {
    private static Testbed testbed;
    private static String dockerHost;

    @TempDir
    Path home;
    @TempDir
    Path scratch;

    @BeforeAll
    static void testbed() {
        testbed = Testbed.get();
        TokenIssuer.ensureRunning(testbed);
        dockerHost = "unix://" + LocalTestbed.load().get("DOCKER_SOCKET");
    }

    @ParameterizedTest
    @ValueSource(strings = {"tls", "token"})
    void loginWritesWhatDockerWritesAndPullsThenWork(String kind) throws Exception {
        String registry = kind.equals("tls") ? testbed.tlsRegistry() : testbed.tokenRegistry();
        String user = kind.equals("tls") ? testbed.tlsUser() : testbed.tokenUser();
        String password = kind.equals("tls") ? testbed.tlsPassword() : testbed.tokenPassword();
        Path config = scratch.resolve("stevedore-config");

        CliRunner.Result docker = TestbedDocker.run(scratch, dockerHost, "login", "-u", user, "-p", password, registry);
        assertThat(docker.exitCode()).as("docker login: %s", docker).isZero();
        byte[] dockers = Files.readAllBytes(scratch.resolve("docker-config/config.json"));

        Path passwordFile = scratch.resolve("password");
        Files.writeString(passwordFile, password + "\n");
        CliRunner.Result login = stevedore(config, passwordFile.toFile(), "login", "-u", user, "--password-stdin", registry);
        assertThat(login.exitCode()).as("stevedore login: %s", login).isZero();
        assertThat(login.out()).isEqualTo("Login Succeeded\n").isEqualTo(docker.out());
        assertThat(login.err()).contains("WARNING! Your credentials are stored unencrypted in '" + config.resolve("config.json") + "'.");
        assertThat(new String(Files.readAllBytes(config.resolve("config.json")), StandardCharsets.UTF_8))
                .as("the same entry as docker login's").isEqualTo(new String(dockers, StandardCharsets.UTF_8));
        assertThat(Files.getPosixFilePermissions(config.resolve("config.json")))
                .isEqualTo(Files.getPosixFilePermissions(scratch.resolve("docker-config/config.json")));

        CliRunner.Result pull = stevedore(config, new File("/dev/null"), "pull", registry + "/library/layered:latest");
        assertThat(pull.exitCode()).as("pull with the stored login: %s", pull).isZero();

        CliRunner.Result logout = stevedore(config, new File("/dev/null"), "logout", registry);
        CliRunner.Result dockerLogout = TestbedDocker.run(scratch, dockerHost, "logout", registry);
        assertThat(logout.exitCode()).isZero();
        assertThat(logout.out()).isEqualTo("Removing login credentials for " + registry + "\n").isEqualTo(dockerLogout.out());
        assertThat(Files.readString(config.resolve("config.json")))
                .isEqualTo(Files.readString(scratch.resolve("docker-config/config.json"))).doesNotContain(registry);
    }

    @ParameterizedTest
    @ValueSource(strings = {"tls", "token"})
    void aWrongPasswordFailsWithTheRegistrysAnswerAndWritesNothing(String kind) throws Exception {
        String registry = kind.equals("tls") ? testbed.tlsRegistry() : testbed.tokenRegistry();
        String user = kind.equals("tls") ? testbed.tlsUser() : testbed.tokenUser();
        Path config = scratch.resolve("stevedore-config");

        CliRunner.Result login = stevedore(config, new File("/dev/null"), "login", "-u", user, "-p", "not-the-password", registry);
        assertThat(login.exitCode()).as("%s", login).isEqualTo(1);
        assertThat(login.err()).contains("WARNING! Using --password via the CLI is insecure. Use --password-stdin.",
                registry, "401");
        assertThat(login.out()).doesNotContain("Login Succeeded");
        assertThat(config.resolve("config.json")).doesNotExist();
    }

    private CliRunner.Result stevedore(Path dockerConfig, File input, String... args) throws Exception {
        return new PackagedCli(home, scratch).run(Map.of("DOCKER_CONFIG", dockerConfig.toString(),
                "STEVEDORE_CERTS_D", testbed.certsDirectory().toString()), input, args);
    }
}
